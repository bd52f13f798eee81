package dataset

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	f, err := os.Open("testdata/predict.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The file has no label column and an id and a note column to pass
	// through; features are asked for in another order than the file's.
	r, err := NewReader("testdata/predict.csv", f, []string{"sepal_width", "sepal_length"})
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	if got, want := r.Header(), []string{"id", "sepal_length", "sepal_width", "note"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Header() = %q, want %q", got, want)
	}

	type row struct {
		x      []float64
		record []string
		line   int
		err    error
	}
	want := []row{
		{x: []float64{3.5, 5.1}, record: []string{"101", "5.1", "3.5", "ok"}, line: 2},
		{x: []float64{3.0, 4.9}, record: []string{"102", "4.9", "3.0", "multi\nline note"}, line: 3},
		{record: []string{"103", "oops", "3.2", "bad"}, line: 5, err: ErrNotNumber},
		{x: []float64{2.9, 6.4}, record: []string{"104", "6.4", "2.9", "ok"}, line: 6},
	}
	x := make([]float64, 2)
	for i, w := range want {
		record, line, err := r.Next(x)
		if w.err != nil {
			checkError(t, err, "testdata/predict.csv", w.err, w.line, "sepal_length", `"oops" is not a number`)
		} else if err != nil {
			t.Fatalf("row %d: Next: %v", i, err)
		} else if !reflect.DeepEqual(x, w.x) {
			t.Errorf("row %d: x = %v, want %v", i, x, w.x)
		}
		if line != w.line || !reflect.DeepEqual(record, w.record) {
			t.Errorf("row %d: got line %d, record %q; want %d, %q", i, line, record, w.line, w.record)
		}
	}
	if _, _, err := r.Next(x); !errors.Is(err, io.EOF) {
		t.Errorf("Next at the end: error = %v, want io.EOF", err)
	}
}

func TestReaderErrors(t *testing.T) {
	tests := map[string]struct {
		input    string
		features []string
		wantErr  error
		line     int
		column   string
		msg      string
	}{
		"empty input": {
			input: "", features: []string{"a"}, wantErr: ErrEmpty, msg: "file is empty",
		},
		"missing features": {
			input: "a,b\n1,2\n", features: []string{"c", "a", "d"}, wantErr: ErrMissingColumn, line: 1, column: "c",
			msg: `feature column not found (also missing: "d"); the file has columns "a", "b"`,
		},
		"infinity": {
			input: "a,b\n1,2\n3,+inf\n", features: []string{"b"}, wantErr: ErrNotFinite, line: 3, column: "b",
			msg: `"+inf" is not a finite number`,
		},
		"ragged": {
			input: "a,b\n1,2\n3\n", features: []string{"a"}, wantErr: csv.ErrFieldCount, line: 3,
			msg: "row has 1 fields, the header has 2",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := NewReader("in.csv", strings.NewReader(tt.input), tt.features)
			if err == nil {
				x := make([]float64, len(tt.features))
				for err == nil {
					_, _, err = r.Next(x)
				}
			}
			checkError(t, err, "in.csv", tt.wantErr, tt.line, tt.column, tt.msg)
		})
	}
}

func TestReaderInvalidFeatures(t *testing.T) {
	tests := map[string][]string{
		"none":     nil,
		"empty":    {"a", ""},
		"repeated": {"a", "a"},
	}
	for name, features := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := NewReader("in.csv", strings.NewReader("a,b\n1,2\n"), features)
			if !errors.Is(err, ErrInvalidSpec) {
				t.Errorf("NewReader(%q) error = %v, want ErrInvalidSpec", features, err)
			}
		})
	}
}
