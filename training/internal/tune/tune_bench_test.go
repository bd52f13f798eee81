package tune

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
)

// benchParams writes a params file for data/iris.csv with the libraries'
// default settings of model, 5 x 1 outer folds and 20 trials (the e2e
// comparison's layout), and returns its path.
func benchParams(tb testing.TB, model string) string {
	tb.Helper()
	data, err := filepath.Abs("../../../data/iris.csv")
	if err != nil {
		tb.Fatal(err)
	}
	text := fmt.Sprintf(`data:
  name: iris
  path: %s
  label: species
  features:
    - {name: sepal_length, min: 0, max: 10}
    - {name: sepal_width, min: 0, max: 10}
    - {name: petal_length, min: 0, max: 10}
    - {name: petal_width, min: 0, max: 10}
cv: {folds: 5, repeats: 1}
models:
  %s: {}
tune: {trials: 20}
`, data, model)
	path := filepath.Join(tb.TempDir(), "params.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
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
