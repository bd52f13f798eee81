package tune

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/params/paramstest"
	"github.com/mlopsgo/mlops/training/internal/train"
)

// blankIrisParams writes Iris with the cells of column col blanked in
// every row i with i%every == 0 (every 0: in every row) and a params file
// for it with data.missing: impute, 3 x 1 outer folds and the given
// models and tune sections; it returns the params file's path.
func blankIrisParams(t *testing.T, col, every int, models, tune string) string {
	t.Helper()
	src, err := os.ReadFile(paramstest.IrisCSV(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(src)), "\n")
	for i := 1; i < len(lines); i++ {
		if every == 0 || i%every == 0 {
			cells := strings.Split(lines[i], ",")
			cells[col] = ""
			lines[i] = strings.Join(cells, ",")
		}
	}
	dir := t.TempDir()
	csv := filepath.Join(dir, "iris-blanks.csv")
	if err := os.WriteFile(csv, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return paramstest.Write(t, paramstest.IrisData(csv, "missing: impute")+
		fmt.Sprintf("cv: {folds: 3, repeats: 1}\nmodels:\n%s\ntune:\n%s\n", models, tune))
}

// TestRunImputes tunes data with blank cells (data.missing: impute): every
// fit fills them with its own training rows' medians, as mlops train does,
// so the default settings' cross-validation is exactly the one mlops train
// reports for the same params.
func TestRunImputes(t *testing.T) {
	// Every third row's petal_length blank: the most informative feature.
	path := blankIrisParams(t, 2, 3, "  logistic_regression: {}\n  decision_tree: {}", "  trials: 6\n  batch: 3")
	r, err := Run(t.Context(), discard(), Options{ParamsPath: path})
	if err != nil {
		t.Fatal(err)
	}
	trained, err := train.Fit(t.Context(), discard(), train.Options{ParamsPath: path})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range r.Models {
		if cv := trained.Models[i].CV; m.DefaultCV.Mean != cv.Mean || m.Name != trained.Models[i].Name {
			t.Errorf("%s: default CV %v, mlops train's %v", m.Name, m.DefaultCV.Mean, cv.Mean)
		}
		if m.Nested.Mean < 0.8 || m.Trials != 6 {
			t.Errorf("%s: nested %v over %d trials: the imputed data did not tune", m.Name, m.Nested.Mean, m.Trials)
		}
	}
}

// TestRunImputeAllBlank fails with the column named when a column has no
// value at all, so no fit has a median to fill it with.
func TestRunImputeAllBlank(t *testing.T) {
	path := blankIrisParams(t, 1, 0, "  decision_tree: {}", "  trials: 2")
	_, err := Run(t.Context(), discard(), Options{ParamsPath: path})
	if err == nil || !strings.Contains(err.Error(), `"sepal_width"`) {
		t.Fatalf("error %v, want one naming sepal_width", err)
	}
}

// TestTrainingMedians takes each median over the given training rows only:
// the held-out rows' values, far from the training rows', never move it.
func TestTrainingMedians(t *testing.T) {
	nan := math.NaN()
	d := &dataset.Dataset{
		Name:     "d",
		Features: []string{"a", "b"},
		X:        [][]float64{{1, nan}, {2, 10}, {nan, 20}, {3, 30}, {1000, 1000}, {nan, nan}},
		Y:        []int{0, 0, 1, 1, 0, 1},
		Missing:  []int{2, 2},
	}
	med, err := trainingMedians(d, []int{0, 1}, []int{0, 1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if med[0] != 2 || med[1] != 20 {
		t.Errorf("medians %v, want [2 20] (rows 4 and 5 held out)", med)
	}
	if med, err := trainingMedians(d, nil, []int{0}); med != nil || err != nil {
		t.Errorf("no blank columns: %v, %v; want nil, nil", med, err)
	}
	if _, err := trainingMedians(d, []int{1}, []int{0, 5}); err == nil || !strings.Contains(err.Error(), `column "b" is blank in every training row`) {
		t.Errorf("all-blank training rows: err = %v", err)
	}
}
