package tune

import (
	"fmt"
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
