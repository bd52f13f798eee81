package train

import (
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/progress"
	"github.com/mlopsgo/mlops/training/internal/pythontest"
)

// generatedRows is the size of the data a new user brings in
// TestE2EGenerated: large enough that the solvers meant for large data are
// the ones chosen, small enough for make e2e.
const generatedRows = 20_000

// generatedMargin is how far below its reference a model's mean CV
// accuracy may be on the generated data: one point.
const generatedMargin = 0.01

// TestE2EGenerated trains every model on make_classification data of
// generatedRows rows, generated at test time, with 3-fold CV, and compares
// each mean accuracy with its reference library's on the same folds and
// hyper-parameters. The models section is what mlops init writes for data
// of this size: the SVM's auto solver picks liblinear here, checked
// against CalibratedClassifierCV(LinearSVC, cv=3), boosting's auto
// method hist, checked against XGBoost's, and the trees' and the forest's
// auto method hist too (tree.AutoHistRows), checked against scikit-learn's
// exact splitter.
func TestE2EGenerated(t *testing.T) {
	python := pythontest.Require(t, "compare with scikit-learn", "sklearn")
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "generated.csv")
	if out, err := exec.CommandContext(t.Context(), python, "testdata/make_classification.py", csvPath, strconv.Itoa(generatedRows), "7").CombinedOutput(); err != nil {
		t.Fatalf("make_classification.py: %v\n%s", err, out)
	}
	// min_samples_leaf: ceil(13,334 fitted rows / 500), mlops init's bound
	// of 500 leaves a tree.
	p, err := params.Parse("generated params", []byte(fmt.Sprintf(`data:
  name: generated
  path: %s
  label: target
  features: [%s]
cv: {folds: 3, repeats: 1}
models:
  logistic_regression: {}
  decision_tree: {min_samples_leaf: 27} # tree_method auto: hist from tree.AutoHistRows training rows
  random_forest: {min_samples_leaf: 27}
  svm: {} # solver auto: liblinear from svm.LiblinearMinRows training rows
  xgboost: {} # tree_method auto: hist from boost.AutoHistRows training rows
`, csvPath, generatedFeatures())))
	if err != nil {
		t.Fatal(err)
	}
	d := loadParityData(t, parityCase{name: "generated", path: csvPath, label: "target", features: p.Data.FeatureNames()})
	folds, err := dataset.RepeatedStratifiedKFold(d.Y, len(d.Classes), p.CV.Folds, p.CV.Repeats, p.Seed)
	if err != nil {
		t.Fatal(err)
	}
	names := p.Models.Enabled()
	algs, err := algorithms(p, names)
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "make_classification, %d rows x 20 features, 3 classes, 3-fold CV\n", len(d.Y))
	fmt.Fprintf(&table, "%-22s %10s %10s %8s\n", "model", "mlops", "reference", "diff")
	theirs := runReference(t, python, d, folds, algs, p.Seed)
	for i, alg := range algs {
		res, err := crossValidate(t.Context(), d, nil, alg, folds, p.Seed, 0, progress.New(io.Discard, "", 0))
		if err != nil {
			t.Fatalf("%s: %v", alg.name, err)
		}
		ours := make([]float64, len(res))
		for f, r := range res {
			ours[f] = r.accuracy
		}
		o, r := metrics.Summarize(ours), metrics.Summarize(theirs.Accuracy[names[i]])
		fmt.Fprintf(&table, "%-22s %10.4f %10.4f %+8.4f\n", alg.name, o.Mean, r.Mean, o.Mean-r.Mean)
		if o.Mean < r.Mean-generatedMargin {
			t.Errorf("%s: mean CV accuracy %.4f is more than %.2f below the reference's %.4f", alg.name, o.Mean, generatedMargin, r.Mean)
		}
	}
	fmt.Fprintf(&table, "reference: %v\n", theirs.Versions)
	t.Log("\n" + table.String())
}

// generatedFeatures lists make_classification.py's feature columns with a
// range wide enough for any of its values.
func generatedFeatures() string {
	var fs []string
	for i := range 20 {
		fs = append(fs, fmt.Sprintf("{name: f%d, min: -100, max: 100}", i))
	}
	return strings.Join(fs, ", ")
}
