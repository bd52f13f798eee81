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
		wantErr string
	}{
		"valid":        {"ok.csv", ""},
		"out of range": {"out-of-range.csv", `1 value(s) of "a" are outside its declared range [0, 10]`},
		"missing file": {"none.csv", "none.csv"},
	}
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sum, err := Validate(t.Context(), dir, spec(tc.path))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sum.Rows != 5 || sum.Duplicates != 1 || sum.Classes["x"] != 2 || sum.Classes["y"] != 3 {
				t.Errorf("summary = %+v", sum)
			}
			if f := sum.Features["b"]; f.Min != 1 || f.Max != 8 {
				t.Errorf("feature b = %+v", f)
			}
		})
	}
}
