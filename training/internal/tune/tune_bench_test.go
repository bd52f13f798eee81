package tune

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/params/paramstest"
)

// benchParams writes a params file for data/iris.csv with the libraries'
// default settings of model, 5 x 1 outer folds and 20 trials (the e2e
// comparison's layout), and returns its path.
func benchParams(tb testing.TB, model string) string {
	tb.Helper()
	return paramstest.Iris(tb, fmt.Sprintf("cv: {folds: 5, repeats: 1}\nmodels:\n  %s: {}\ntune: {trials: 20}\n", model))
}

// BenchmarkRun tunes each model on Iris: 5 outer searches and the final
// one, 20 trials each, on all cores.
func BenchmarkRun(b *testing.B) {
	for _, name := range algorithm.Names() {
		b.Run(name, func(b *testing.B) {
			path := benchParams(b, name)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(b.Context(), discard(), Options{ParamsPath: path}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRunWine tunes each model, then all five, on wine in make
// e2e-tune's layout (5 x 1 outer folds, 20 trials, 3 inner folds), where
// the README's per-change figures come from:
//
//	go test -run '^$' -bench RunWine -benchtime 1x [-cpu 1] ./internal/tune/
//
// Wine is exported from scikit-learn (MLOPS_PYTHON, default Debian's
// /usr/bin/python3 with python3-sklearn); without it the benchmark skips.
func BenchmarkRunWine(b *testing.B) {
	python := cmp.Or(os.Getenv("MLOPS_PYTHON"), "/usr/bin/python3")
	dir := b.TempDir()
	if out, err := exec.CommandContext(b.Context(), python, "../train/testdata/export_datasets.py", dir).CombinedOutput(); err != nil {
		b.Skipf("exporting wine with %s (set MLOPS_PYTHON to a Python with scikit-learn): %v\n%s", python, err, out)
	}
	path := writeParams(b, "../../..", "data", csvData(b, filepath.Join(dir, "wine.csv"), "target"),
		"cv", fmt.Sprintf("{folds: %d, repeats: 1}", compareOuterFolds),
		"tune", fmt.Sprintf("{trials: %d, inner_folds: %d}", compareTrials, compareInnerFolds))
	for _, name := range append(algorithm.Names(), "all") {
		var models []string
		if name != "all" {
			models = []string{name}
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Run(b.Context(), discard(), Options{ParamsPath: path, Models: models}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
