package dataset

import (
	"context"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// testSpec is the spec the testdata fixtures are written for.
func testSpec(path string) Spec {
	return Spec{Path: path, Label: "species", Features: []string{"sepal_length", "sepal_width"}}
}

func TestLoadValid(t *testing.T) {
	tests := map[string]struct {
		file    string
		want    *Dataset
		wantMD5 string // from md5sum
	}{
		"extra columns, other order, spaces, a duplicate": {
			file: "testdata/valid.csv",
			want: &Dataset{
				Features:   []string{"sepal_length", "sepal_width"},
				Label:      "species",
				X:          [][]float64{{5.1, 3.5}, {4.9, 3.0}, {6.4, 2.9}, {5.9, 3.0}, {5.1, 3.5}},
				Y:          []int{0, 0, 1, 2, 1},
				Classes:    []string{"setosa", "versicolor", "virginica"},
				Duplicates: 1,
			},
			// md5sum testdata/valid.csv
			wantMD5: "9471095e4bbc3eabcf9716801d626b23",
		},
		"byte order mark and CRLF line ends": {
			file: "testdata/bom-crlf.csv",
			want: &Dataset{
				Features: []string{"sepal_length", "sepal_width"},
				Label:    "species",
				X:        [][]float64{{5.1, 3.5}, {6.4, 2.9}},
				Y:        []int{0, 1},
				Classes:  []string{"setosa", "versicolor"},
			},
			// md5sum testdata/bom-crlf.csv
			wantMD5: "1e7ea7889466cb64c5339b6f231e0eea",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Load(t.Context(), testSpec(tt.file))
			if err != nil {
				t.Fatalf("Load(%q): unexpected error: %v", tt.file, err)
			}
			tt.want.Name = tt.file
			tt.want.MD5 = tt.wantMD5
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Load(%q):\ngot  %+v\nwant %+v", tt.file, got, tt.want)
			}
		})
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := map[string]struct {
		file    string
		wantErr error
		line    int
		column  string
		msg     string // a substring of the message
	}{
		"empty file": {
			file: "testdata/empty.csv", wantErr: ErrEmpty,
			msg: "file is empty",
		},
		"header only": {
			file: "testdata/header-only.csv", wantErr: ErrEmpty,
			msg: "no data rows",
		},
		"missing label column": {
			file: "testdata/missing-label.csv", wantErr: ErrMissingColumn, line: 1, column: "species",
			msg: `label column not found; the file has columns "sepal_length", "sepal_width", "class"`,
		},
		"missing feature column": {
			file: "testdata/missing-feature.csv", wantErr: ErrMissingColumn, line: 1, column: "sepal_width",
			msg: `feature column not found; the file has columns "sepal_length", "species"`,
		},
		"duplicate feature column": {
			file: "testdata/duplicate-column.csv", wantErr: ErrDuplicateColumn, line: 1, column: "sepal_width",
			msg: "appears more than once",
		},
		"not a number": {
			file: "testdata/not-a-number.csv", wantErr: ErrNotNumber, line: 3, column: "sepal_width",
			msg: `"abc" is not a number`,
		},
		"empty value": {
			file: "testdata/empty-value.csv", wantErr: ErrBlank, line: 3, column: "sepal_length",
			msg: "1 blank cell in this column, the first on this line (empty value is not a number); with data.missing: error",
		},
		"blank cells counted per column": {
			file: "testdata/blank-cells.csv", wantErr: ErrBlank,
			msg: `blank cells in 2 columns: "sepal_length" 2 blank cells (first on line 3), "sepal_width" 2 blank cells (first on line 2); ` +
				"with data.missing: error (the default), fill them or leave those columns out of data.features",
		},
		"text after a blank in the row": {
			file: "testdata/blank-then-text.csv", wantErr: ErrNotNumber, line: 3, column: "sepal_width",
			msg: `"abc" is not a number`,
		},
		"NaN after a blank line": {
			file: "testdata/nan.csv", wantErr: ErrNotFinite, line: 4, column: "sepal_width",
			msg: `"NaN" is not a finite number`,
		},
		"negative infinity": {
			file: "testdata/inf.csv", wantErr: ErrNotFinite, line: 3, column: "sepal_length",
			msg: `"-Infinity" is not a finite number`,
		},
		"overflow": {
			file: "testdata/overflow.csv", wantErr: ErrNotFinite, line: 4, column: "sepal_width",
			msg: `"1e999" is too large`,
		},
		"empty label": {
			file: "testdata/empty-label.csv", wantErr: ErrEmptyLabel, line: 3, column: "species",
			msg: "empty label",
		},
		"one class": {
			file: "testdata/one-class.csv", wantErr: ErrTooFewClasses, column: "species",
			msg: `found only 1 class ("setosa")`,
		},
		"ragged row": {
			file: "testdata/ragged.csv", wantErr: csv.ErrFieldCount, line: 3,
			msg: "row has 4 fields, the header has 3",
		},
		"bare quote": {
			file: "testdata/bare-quote.csv", wantErr: csv.ErrBareQuote, line: 3,
		},
		"missing file": {
			file: "testdata/no-such-file.csv", wantErr: fs.ErrNotExist,
			msg: "open file",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Load(t.Context(), testSpec(tt.file))
			checkError(t, err, tt.file, tt.wantErr, tt.line, tt.column, tt.msg)
		})
	}
}

// checkError asserts that err is an *Error for file at line and column
// that wraps wantErr, and that its message says so and contains msg.
func checkError(t *testing.T, err error, file string, wantErr error, line int, column, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", wantErr)
	}
	if !errors.Is(err, wantErr) {
		t.Errorf("errors.Is(%v, %v) is false", err, wantErr)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if e.File != file || e.Line != line || e.Column != column {
		t.Errorf("got File %q, Line %d, Column %q; want %q, %d, %q", e.File, e.Line, e.Column, file, line, column)
	}
	s := err.Error()
	wants := []string{file + ": ", msg}
	if line > 0 {
		wants = append(wants, "line "+strconv.Itoa(line))
	}
	if column != "" {
		wants = append(wants, "column "+strconv.Quote(column))
	}
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("message %q does not contain %q", s, w)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	err := &Error{File: "data/iris.csv", Line: 7, Column: "sepal_width", Err: newDetail(ErrNotNumber, `"abc" is not a number`)}
	want := `data/iris.csv: line 7, column "sepal_width": "abc" is not a number`
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestInvalidSpec(t *testing.T) {
	tests := map[string]Spec{
		"no path":          {Label: "species", Features: []string{"a"}},
		"no features":      {Path: "testdata/valid.csv", Label: "species"},
		"no label":         {Path: "testdata/valid.csv", Features: []string{"a"}},
		"empty feature":    {Path: "testdata/valid.csv", Label: "species", Features: []string{"a", ""}},
		"repeated feature": {Path: "testdata/valid.csv", Label: "species", Features: []string{"a", "a"}},
		"label as feature": {Path: "testdata/valid.csv", Label: "species", Features: []string{"a", "species"}},
	}
	for name, spec := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Load(t.Context(), spec)
			if !errors.Is(err, ErrInvalidSpec) {
				t.Errorf("Load(%+v) error = %v, want ErrInvalidSpec", spec, err)
			}
		})
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Load(ctx, testSpec("testdata/valid.csv"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context: error = %v, want context.Canceled", err)
	}
}

func TestLoadIris(t *testing.T) {
	path := filepath.Join("..", "..", "..", "data", "iris.csv")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("iris data not available: %v", err)
	}
	d, err := Load(t.Context(), Spec{
		Path:     path,
		Label:    "species",
		Features: []string{"sepal_length", "sepal_width", "petal_length", "petal_width"},
	})
	if err != nil {
		t.Fatalf("Load(%q): %v", path, err)
	}
	// 150 data lines, 3 of them exact duplicates (as pandas drop_duplicates
	// finds).
	if len(d.X) != 147 || len(d.Y) != 147 || d.Duplicates != 3 {
		t.Errorf("got %d rows, %d labels, %d duplicates; want 147, 147, 3", len(d.X), len(d.Y), d.Duplicates)
	}
	wantClasses := []string{"Iris-setosa", "Iris-versicolor", "Iris-virginica"}
	if !reflect.DeepEqual(d.Classes, wantClasses) {
		t.Errorf("Classes = %q, want %q", d.Classes, wantClasses)
	}
	// 50 of each class, less one setosa and two virginica duplicates.
	if got, want := d.ClassCounts(), []int{48, 50, 49}; !reflect.DeepEqual(got, want) {
		t.Errorf("ClassCounts() = %v, want %v", got, want)
	}
	// From `md5sum data/iris.csv`.
	const wantMD5 = "9f44d5c52de2354fb45e9dcfc0e90b16"
	if d.MD5 != wantMD5 {
		t.Errorf("MD5 = %s, want %s", d.MD5, wantMD5)
	}
	if got, want := d.X[0], []float64{5.1, 3.5, 1.4, 0.2}; !reflect.DeepEqual(got, want) {
		t.Errorf("X[0] = %v, want %v", got, want)
	}
	if err := d.CheckStratifiable(5); err != nil {
		t.Errorf("CheckStratifiable(5) = %v, want nil", err)
	}
}

func TestCheckStratifiable(t *testing.T) {
	d, err := Load(t.Context(), testSpec("testdata/valid.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Counts: setosa 2, versicolor 2, virginica 1.
	tests := map[string]struct {
		folds int
		msg   string // "" for no error
	}{
		"one fold":    {folds: 1},
		"two folds":   {folds: 2, msg: `class "virginica" has 1 rows, need at least 2 for 2-fold stratified cross-validation; add rows of that class`},
		"three folds": {folds: 3, msg: `class "virginica" has 1 rows, need at least 3`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := d.CheckStratifiable(tt.folds)
			if tt.msg == "" {
				if err != nil {
					t.Errorf("CheckStratifiable(%d) = %v, want nil", tt.folds, err)
				}
				return
			}
			checkError(t, err, "testdata/valid.csv", ErrClassTooSmall, 0, "species", tt.msg)
		})
	}

	iris := &Dataset{Name: "x.csv", Label: "y", Classes: []string{"a", "b"}, Y: []int{0, 0, 0, 1, 1, 1, 1}}
	err = iris.CheckStratifiable(5)
	checkError(t, err, "x.csv", ErrClassTooSmall, 0, "y",
		`class "a" has 3 rows, need at least 5 for 5-fold stratified cross-validation; lower cv.folds to 3 or less`)
}

func TestSubset(t *testing.T) {
	d, err := Load(t.Context(), testSpec("testdata/valid.csv"))
	if err != nil {
		t.Fatal(err)
	}
	X, y := d.Subset([]int{4, 0})
	if want := [][]float64{{5.1, 3.5}, {5.1, 3.5}}; !reflect.DeepEqual(X, want) {
		t.Errorf("Subset X = %v, want %v", X, want)
	}
	if want := []int{1, 0}; !reflect.DeepEqual(y, want) {
		t.Errorf("Subset y = %v, want %v", y, want)
	}
}
