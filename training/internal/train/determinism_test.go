package train

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// writeGenerated writes rows of overlapping Gaussian blobs (8 features, 3
// classes) as a CSV with a params file training all five models on it with
// the models section given, and returns the params path.
func writeGenerated(t *testing.T, rows int, models string) string {
	t.Helper()
	dir := t.TempDir()
	d := classifiertest.Blobs(rand.NewPCG(11, 12), rows, 8, 3)
	noise := rand.New(rand.NewPCG(13, 14))
	var csv, features strings.Builder
	csv.WriteString(strings.Join(d.Features, ",") + ",label\n")
	for i, row := range d.X {
		for _, v := range row {
			// Extra noise makes the blobs overlap, so the trees grow deep
			// and the models disagree on some rows.
			csv.WriteString(strconv.FormatFloat(v+2*noise.NormFloat64(), 'g', -1, 64) + ",")
		}
		csv.WriteString(d.Classes[d.Y[i]] + "\n")
	}
	for _, f := range d.Features {
		fmt.Fprintf(&features, "    - {name: %s, min: -100, max: 100}\n", f)
	}
	data := filepath.Join(dir, "blobs.csv")
	if err := os.WriteFile(data, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	params := fmt.Sprintf(`data:
  name: blobs
  path: %s
  label: label
  features:
%scv: {folds: 3, repeats: 2}
models:
%s`, data, features.String(), models)
	path := filepath.Join(dir, "params.yaml")
	if err := os.WriteFile(path, []byte(params), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBundlesIndependentOfWorkersAndCores trains all five models on
// generated data with 1 worker on 1 core and with 4 workers on 4 cores:
// every bundle, the index, metrics.json and the CV table must be the same
// bytes, since results may depend on the seed only.
func TestBundlesIndependentOfWorkersAndCores(t *testing.T) {
	for name, models := range map[string]string{
		// The solvers small data gets: exact trees, libsvm.
		"exact and libsvm": `  logistic_regression: {standardize: true}
  decision_tree: {}
  random_forest: {n_estimators: 20}
  svm: {}
  xgboost: {n_estimators: 10, subsample: 0.8, colsample_bytree: 0.5}
`,
		// The ones large data gets, asked for by name at a size a test
		// affords: histograms for every tree model, liblinear.
		"hist and liblinear": `  logistic_regression: {standardize: true}
  decision_tree: {tree_method: hist, max_bin: 32}
  random_forest: {n_estimators: 20, tree_method: hist, max_bin: 32}
  svm: {kernel: linear, solver: liblinear, standardize: true}
  xgboost: {n_estimators: 10, subsample: 0.8, colsample_bytree: 0.5, tree_method: hist, max_bin: 32}
`,
	} {
		t.Run(name, func(t *testing.T) { checkWorkersAndCores(t, writeGenerated(t, 600, models)) })
	}
}

func checkWorkersAndCores(t *testing.T, paramsPath string) {
	t.Helper()
	var dirs []string
	for _, n := range []int{1, 4} {
		dir := t.TempDir()
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
			_, err := Run(t.Context(), discard(), Options{
				ParamsPath: paramsPath, ModelsDir: filepath.Join(dir, "models"), MetricsPath: filepath.Join(dir, "metrics.json"),
				PlotsPath: filepath.Join(dir, "cv.csv"), Workers: n,
			})
			if err != nil {
				t.Fatalf("%d workers: %v", n, err)
			}
		}()
		dirs = append(dirs, dir)
	}
	files := []string{"metrics.json", "cv.csv", "models/index.json"}
	for _, name := range []string{"logistic_regression", "decision_tree", "random_forest", "svm", "xgboost"} {
		files = append(files, "models/"+name+".json")
	}
	for _, f := range files {
		a, errA := os.ReadFile(filepath.Join(dirs[0], f))
		b, errB := os.ReadFile(filepath.Join(dirs[1], f))
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v, %v", f, errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 worker on 1 core and 4 workers on 4 cores", f)
		}
	}
}
