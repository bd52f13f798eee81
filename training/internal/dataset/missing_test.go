package dataset

import (
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestParseBlankAsNaN reads files with blank cells as data.missing: impute
// does: blanks become NaN and are counted per column; nothing else becomes
// a missing value.
func TestParseBlankAsNaN(t *testing.T) {
	nan := math.NaN()
	tests := map[string]struct {
		csv         string
		want        [][]float64
		y           []int
		missing     []int
		duplicates  int
		wantErr     error
		line        int
		column, msg string
	}{
		"blank cells, white space too": {
			csv:     "sepal_length,sepal_width,species\n5.1,,setosa\n,3.0,setosa\n6.4,2.9,versicolor\n \t,3.1,versicolor\n",
			want:    [][]float64{{5.1, nan}, {nan, 3.0}, {6.4, 2.9}, {nan, 3.1}},
			y:       []int{0, 0, 1, 1},
			missing: []int{2, 1},
		},
		"no blank cell": {
			csv:     "sepal_length,sepal_width,species\n5.1,3.5,setosa\n6.4,2.9,versicolor\n",
			want:    [][]float64{{5.1, 3.5}, {6.4, 2.9}},
			y:       []int{0, 1},
			missing: []int{0, 0},
		},
		"rows equal up to their blanks are duplicates, as in pandas": {
			csv:        "sepal_length,sepal_width,species\n5.1,,setosa\n5.1,,setosa\n6.4,2.9,versicolor\n",
			want:       [][]float64{{5.1, nan}, {6.4, 2.9}},
			y:          []int{0, 1},
			missing:    []int{0, 2},
			duplicates: 1,
		},
		"a blank label is still an error": {
			csv:     "sepal_length,sepal_width,species\n5.1,,setosa\n4.9,3.0,  \n6.4,2.9,versicolor\n",
			wantErr: ErrEmptyLabel, line: 3, column: "species", msg: "empty label",
		},
		"NA is not a missing value": {
			csv:     "sepal_length,sepal_width,species\n5.1,,setosa\n4.9,NA,setosa\n6.4,2.9,versicolor\n",
			wantErr: ErrNotNumber, line: 3, column: "sepal_width", msg: `"NA" is not a number`,
		},
		"NaN is still not finite": {
			csv:     "sepal_length,sepal_width,species\n,3.5,setosa\n4.9,NaN,setosa\n6.4,2.9,versicolor\n",
			wantErr: ErrNotFinite, line: 3, column: "sepal_width", msg: `"NaN" is not a finite number`,
		},
		"a column blank in every row": {
			csv:     "sepal_length,sepal_width,species\n5.1,,setosa\n4.9, ,setosa\n6.4,,versicolor\n",
			wantErr: ErrBlank, column: "sepal_width", msg: "every cell is blank (3 rows), so there is no value to impute",
		},
	}
	spec := Spec{Label: "species", Features: []string{"sepal_length", "sepal_width"}, BlankAsNaN: true}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := Parse("x.csv", strings.NewReader(tt.csv), spec)
			if tt.wantErr != nil {
				checkError(t, err, "x.csv", tt.wantErr, tt.line, tt.column, tt.msg)
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !sameRows(d.X, tt.want) || !reflect.DeepEqual(d.Y, tt.y) {
				t.Errorf("X %v, Y %v; want %v, %v", d.X, d.Y, tt.want, tt.y)
			}
			if !reflect.DeepEqual(d.Missing, tt.missing) || d.Duplicates != tt.duplicates {
				t.Errorf("Missing %v, Duplicates %d; want %v, %d", d.Missing, d.Duplicates, tt.missing, tt.duplicates)
			}
			if got, want := d.HasMissing(), tt.missing[0]+tt.missing[1] > 0; got != want {
				t.Errorf("HasMissing() = %v, want %v", got, want)
			}
		})
	}
}

// TestParseBlankIsErrorByDefault checks that without BlankAsNaN the same
// file fails and Missing stays nil on a clean file.
func TestParseBlankIsErrorByDefault(t *testing.T) {
	spec := Spec{Label: "species", Features: []string{"sepal_length", "sepal_width"}}
	_, err := Parse("x.csv", strings.NewReader("sepal_length,sepal_width,species\n5.1,,setosa\n6.4,2.9,versicolor\n"), spec)
	if !errors.Is(err, ErrBlank) || !strings.Contains(err.Error(), "data.missing: impute") {
		t.Errorf("error %v, want ErrBlank naming data.missing: impute as the alternative", err)
	}
	d, err := Parse("x.csv", strings.NewReader("sepal_length,sepal_width,species\n5.1,3.5,setosa\n6.4,2.9,versicolor\n"), spec)
	if err != nil || d.Missing != nil || d.HasMissing() {
		t.Errorf("clean file: error %v, Missing %v; want nil, nil", err, d.Missing)
	}
}

// TestReaderBlankAsNaN checks the streaming reader mlops predict uses.
func TestReaderBlankAsNaN(t *testing.T) {
	const in = "id,a,b\n1,,2\n2,3, \n3,x,1\n"
	for _, on := range []bool{false, true} {
		r, err := NewReader("p.csv", strings.NewReader(in), []string{"a", "b"})
		if err != nil {
			t.Fatal(err)
		}
		r.SetBlankAsNaN(on)
		x := make([]float64, 2)
		_, _, err = r.Next(x)
		switch {
		case !on && !errors.Is(err, ErrBlank):
			t.Errorf("off: row 1 error %v, want ErrBlank", err)
		case on && (err != nil || !math.IsNaN(x[0]) || x[1] != 2):
			t.Errorf("on: row 1 x %v, error %v; want [NaN 2]", x, err)
		}
		_, _, err = r.Next(x)
		if on && (err != nil || x[0] != 3 || !math.IsNaN(x[1])) {
			t.Errorf("on: row 2 x %v, error %v; want [3 NaN]", x, err)
		}
		if _, _, err = r.Next(x); !errors.Is(err, ErrNotNumber) || errors.Is(err, ErrBlank) {
			t.Errorf("on %v: row 3 error %v, want ErrNotNumber for \"x\"", on, err)
		}
		if _, _, err = r.Next(x); !errors.Is(err, io.EOF) {
			t.Errorf("on %v: error %v at the end, want io.EOF", on, err)
		}
	}
}

// sameRows compares row sets, NaN equal to NaN.
func sameRows(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			x, y := a[i][j], b[i][j]
			if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
				return false
			}
		}
	}
	return true
}
