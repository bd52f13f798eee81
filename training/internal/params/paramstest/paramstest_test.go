package paramstest

import (
	"path/filepath"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/params"
)

func TestIrisLoads(t *testing.T) {
	path := Iris(t, "cv: {folds: 3, repeats: 1}\nmodels:\n  decision_tree: {max_depth: 3}\n")
	p, err := params.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Data.FeatureNames(); len(got) != 4 || got[0] != "sepal_length" || p.Data.Label != "species" || p.CV.Folds != 3 {
		t.Errorf("loaded %+v", p)
	}
	if !filepath.IsAbs(p.Data.Path) || filepath.Base(p.Data.Path) != "iris.csv" {
		t.Errorf("data path %q, want the repository's data/iris.csv", p.Data.Path)
	}
}

func TestIrisDataExtra(t *testing.T) {
	p, err := params.Load(Write(t, IrisData("/tmp/x.csv", "missing: impute")+"models:\n  svm: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Data.Impute() || p.Data.Path != "/tmp/x.csv" {
		t.Errorf("data %+v: want missing: impute and the given path", p.Data)
	}
}
