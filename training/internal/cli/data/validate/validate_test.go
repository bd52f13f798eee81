package validate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/params"
)

func spec(path string) *params.Params {
	p := params.Default()
	p.CV.Folds = 2
	p.Data = params.Data{Name: "toy", Path: path, Label: "species",
		Features: []params.Feature{{Name: "a", Min: 0, Max: 10}, {Name: "b", Min: 0, Max: 10}}}
	return &p
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		path    string
		missing string // data.missing
		wantErr string
	}{
		"valid":                   {path: "ok.csv"},
		"out of range":            {path: "out-of-range.csv", wantErr: `1 value(s) of "a" are outside its declared range [0, 10]`},
		"missing file":            {path: "none.csv", wantErr: "none.csv"},
		"blank cells, by default": {path: "blank.csv", wantErr: `blank cells in 2 columns`},
		"blank cells, impute":     {path: "blank.csv", missing: params.MissingImpute},
		"no blank cell, impute":   {path: "ok.csv", missing: params.MissingImpute},
		"blank cells, error":      {path: "blank.csv", missing: params.MissingError, wantErr: "data.missing: impute"},
	}
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := spec(tc.path)
			p.Data.Missing = tc.missing
			sum, err := Validate(t.Context(), dir, p)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.path == "blank.csv" {
				// Statistics of the observed values; the blanks counted.
				if a, b := sum.Features["a"], sum.Features["b"]; sum.Rows != 5 || a.Missing != 1 || b.Missing != 1 ||
					b.Min != 1 || b.Max != 8 || b.Mean != 4.75 || a.Mean != 3.25 {
					t.Errorf("summary = %+v", sum)
				}
				return
			}
			if sum.Rows != 5 || sum.Duplicates != 1 || sum.Classes["x"] != 2 || sum.Classes["y"] != 3 {
				t.Errorf("summary = %+v", sum)
			}
			if f := sum.Features["b"]; f.Min != 1 || f.Max != 8 || f.Missing != 0 {
				t.Errorf("feature b = %+v", f)
			}
		})
	}
}
