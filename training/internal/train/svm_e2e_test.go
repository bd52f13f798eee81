package train

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	algo "github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/classifier/svm"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/pythontest"
	"github.com/mlopsgo/mlops/training/model"
)

// svmAgreementMin is the share of test rows on which our linear SVM must
// predict what scikit-learn's SVC(kernel="linear") predicts.
const svmAgreementMin = 0.98

// TestE2ESVMAgreement fits our SVM and scikit-learn's SVC, both with the
// linear kernel and params.yaml's C, tol and shrinking, on the same
// stratified training split of each data set (the indices go from this side
// to testdata/svm_agreement.py), and compares their predictions on the test
// rows. Three agreements are measured:
//
//   - vote: our libsvm one-vs-one vote (model.SVM.Vote) against SVC.predict,
//     the same rule on both sides: this is the solver's agreement;
//   - served: the class a bundle serves, the most probable one, against
//     SVC.predict;
//   - proba: our most probable class against SVC's (predict_proba), whose
//     Platt scaling draws from a different random shuffle.
//
// The vote and served agreements must reach svmAgreementMin on every data
// set.
func TestE2ESVMAgreement(t *testing.T) {
	python := pythontest.Require(t, "compare with scikit-learn", "sklearn")
	root := repoRoot(t)
	p, err := params.Load(filepath.Join(root, "params.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	spec, ok := p.Models.Spec(algo.SVM)
	if !ok {
		t.Fatal("params.yaml has no models.svm section")
	}
	h := spec.Config.(svm.Config)
	dir := t.TempDir()
	if out, err := exec.CommandContext(t.Context(), python, "testdata/export_datasets.py", dir).CombinedOutput(); err != nil {
		t.Fatalf("export_datasets.py: %v\n%s", err, out)
	}
	cases := []parityCase{
		{name: "iris", path: filepath.Join(root, p.Data.Path), label: p.Data.Label, features: p.Data.FeatureNames()},
		{name: "wine", path: filepath.Join(dir, "wine.csv"), label: "target"},
		{name: "breast_cancer", path: filepath.Join(dir, "breast_cancer.csv"), label: "target"},
		{name: "digits", path: filepath.Join(dir, "digits.csv"), label: "target"},
	}
	var table strings.Builder
	fmt.Fprintf(&table, "linear SVM, C=%v, tol=%v, shrinking=%t; agreement with scikit-learn's SVC on the test rows\n", h.C, h.Tol, h.Shrinking)
	fmt.Fprintf(&table, "%-14s %6s %6s %8s %8s %8s %10s %10s\n", "data set", "train", "test", "vote", "served", "proba", "acc mlops", "acc sklearn")
	var versions map[string]string
	for _, c := range cases {
		d := loadParityData(t, c)
		trainIdx, testIdx, err := dataset.StratifiedSplit(d.Y, len(d.Classes), p.Split.TestSize, p.Seed)
		if err != nil {
			t.Fatal(err)
		}
		cfg := svm.DefaultConfig()
		cfg.Kernel, cfg.C, cfg.Tol, cfg.Shrinking = svm.Linear, h.C, h.Tol, h.Shrinking
		cfg.MaxIter = h.MaxIter
		cfg.Src = rand.NewPCG(p.Seed, 0)
		tr, err := svm.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		X, y := d.Subset(trainIdx)
		fit, err := tr.Fit(t.Context(), X, y, len(d.Classes))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		m := fit.Params.SVM
		pred, err := fit.Params.Compile(len(d.Features), len(d.Classes))
		if err != nil {
			t.Fatal(err)
		}
		ref := runSVMReference(t, python, d, trainIdx, testIdx, h, p.Seed)
		versions = ref.Versions
		Xt, yt := d.Subset(testIdx)
		dec := make([]float64, len(m.Intercept))
		proba := make([]float64, len(d.Classes))
		var vote, served, probaAgree, correct, refCorrect int
		for i, x := range Xt {
			m.DecisionInto(dec, x)
			pred.PredictInto(proba, x)
			ours := model.ArgMax(proba)
			if m.Vote(dec) == ref.Predict[i] {
				vote++
			}
			if ours == ref.Predict[i] {
				served++
			}
			if ours == ref.ProbaArgmax[i] {
				probaAgree++
			}
			if ours == yt[i] {
				correct++
			}
			if ref.Predict[i] == yt[i] {
				refCorrect++
			}
		}
		n := float64(len(Xt))
		share := func(k int) float64 { return float64(k) / n }
		fmt.Fprintf(&table, "%-14s %6d %6d %8.4f %8.4f %8.4f %10.4f %10.4f\n", c.name, len(trainIdx), len(testIdx),
			share(vote), share(served), share(probaAgree), share(correct), share(refCorrect))
		if share(vote) < svmAgreementMin || share(served) < svmAgreementMin {
			t.Errorf("%s: agreement with scikit-learn's SVC.predict %.4f (vote) and %.4f (served), want both >= %v",
				c.name, share(vote), share(served), svmAgreementMin)
		}
	}
	fmt.Fprintf(&table, "reference: %v\n", versions)
	t.Log("\n" + table.String())
}

type svmReference struct {
	Versions    map[string]string `json:"versions"`
	Predict     []int             `json:"predict"`
	ProbaArgmax []int             `json:"proba_argmax"`
}

// runSVMReference sends the rows, the split and the hyper-parameters to
// svm_agreement.py and returns scikit-learn's predictions on the test rows.
func runSVMReference(t *testing.T, python string, d *dataset.Dataset, trainIdx, testIdx []int, h svm.Config, seed uint64) svmReference {
	t.Helper()
	var ref svmReference
	runScript(t, python, "testdata/svm_agreement.py", map[string]any{
		"X": d.X, "y": d.Y, "train": trainIdx, "test": testIdx,
		"C": h.C, "tol": h.Tol, "shrinking": h.Shrinking, "seed": seed,
	}, &ref)
	if len(ref.Predict) != len(testIdx) || len(ref.ProbaArgmax) != len(testIdx) {
		t.Fatalf("svm_agreement.py returned %d and %d predictions for %d test rows", len(ref.Predict), len(ref.ProbaArgmax), len(testIdx))
	}
	return ref
}
