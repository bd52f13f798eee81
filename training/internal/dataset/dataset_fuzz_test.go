package dataset

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics and that whatever it accepts is
// a well-formed data set, with blank cells read as NaN or not.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"sepal_length,sepal_width,species\n1,2,a\n3,4,b\n",
		"species,sepal_width,sepal_length\na,1,2\na,1,2\nb,1,2\n",
		"sepal_length,sepal_width,species\n0x1p-2,1_0,a\n-0,+0,b\n",
		"sepal_length,sepal_width,species\n1e-400,5e-324,a\n1.7976931348623157e308,-1,b\n",
		"\"sepal_length\",\"sepal_width\",\"species\"\n\" 1 \",\"2\",\"a,b\"\n3,4,\"\"\"\"\n",
		"sepal_length,sepal_width,species\r\n1,2,a\r\n3,4,b",
		"\ufeffsepal_length,sepal_width,species\n1,2,\u00e9\n3,4,e\n",
	} {
		f.Add([]byte(s))
	}
	spec := testSpec("")
	nanSpec := spec
	nanSpec.BlankAsNaN = true
	f.Fuzz(func(t *testing.T, data []byte) {
		checkBlankAsNaN(t, data, nanSpec)
		d, err := Parse("fuzz.csv", bytes.NewReader(data), spec)
		if err != nil {
			if d != nil {
				t.Errorf("Parse returned a data set and the error %v", err)
			}
			return
		}
		if len(d.X) != len(d.Y) || len(d.X) == 0 {
			t.Fatalf("%d rows of X, %d labels", len(d.X), len(d.Y))
		}
		if len(d.Classes) < 2 {
			t.Errorf("%d classes, want at least 2", len(d.Classes))
		}
		for i, c := range d.Classes {
			if c == "" || (i > 0 && d.Classes[i-1] >= c) {
				t.Errorf("Classes %q are not distinct, non-empty and sorted", d.Classes)
			}
		}
		seen := make([]bool, len(d.Classes))
		for i, row := range d.X {
			if len(row) != len(spec.Features) {
				t.Fatalf("row %d has %d values, want %d", i, len(row), len(spec.Features))
			}
			for _, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("row %d holds the non-finite value %v", i, v)
				}
			}
			if d.Y[i] < 0 || d.Y[i] >= len(d.Classes) {
				t.Fatalf("Y[%d] = %d, outside [0, %d)", i, d.Y[i], len(d.Classes))
			}
			seen[d.Y[i]] = true
		}
		for c, ok := range seen {
			if !ok {
				t.Errorf("class %q has no rows", d.Classes[c])
			}
		}
		if sum := md5.Sum(data); d.MD5 != hex.EncodeToString(sum[:]) {
			t.Errorf("MD5 = %s, want %x", d.MD5, sum)
		}
	})
}

// checkBlankAsNaN parses data with blank cells read as NaN: every value is
// finite or NaN, the NaNs are counted in Missing, and no column is NaN in
// every row.
func checkBlankAsNaN(t *testing.T, data []byte, spec Spec) {
	t.Helper()
	d, err := Parse("fuzz.csv", bytes.NewReader(data), spec)
	if err != nil {
		return
	}
	if len(d.Missing) != len(spec.Features) {
		t.Fatalf("Missing %v, want one count per feature", d.Missing)
	}
	nans := make([]int, len(spec.Features))
	for i, row := range d.X {
		for j, v := range row {
			switch {
			case math.IsNaN(v):
				nans[j]++
			case math.IsInf(v, 0):
				t.Errorf("row %d holds the non-finite value %v", i, v)
			}
		}
	}
	for j, n := range nans {
		if n > d.Missing[j] || n == len(d.X) {
			t.Errorf("column %d: %d NaN of %d rows, Missing %d", j, n, len(d.X), d.Missing[j])
		}
	}
}
