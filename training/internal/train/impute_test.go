package train

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/params/paramstest"
	"github.com/mlopsgo/mlops/training/model"
)

// sortedMedian is the reference: numpy.median's definition, by sorting.
func sortedMedian(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// imputeData is a data set of one feature with missing values, split so
// that the held-out rows hold values far from the training rows': a median
// that took the held-out rows in would differ.
func imputeData() (*dataset.Dataset, dataset.Fold) {
	nan := math.NaN()
	d := &dataset.Dataset{
		Name:     "x.csv",
		Features: []string{"a", "b"},
		//               training rows 0-4                                held-out rows 5-7
		X:       [][]float64{{1, 0}, {2, 0}, {nan, 0}, {4, 0}, {nan, 0}, {100, 0}, {nan, 0}, {200, 0}},
		Y:       []int{0, 1, 0, 1, 0, 1, 0, 1},
		Classes: []string{"p", "q"},
		Missing: []int{3, 0},
	}
	return d, dataset.Fold{Train: []int{0, 1, 2, 3, 4}, Test: []int{5, 6, 7}}
}

// TestImputationUsesOnlyTrainingRows checks that a fold's medians come from
// its training rows alone (1, 2, 4 give 2; with the held-out 100 and 200
// it would be 3) and fill both sides of the fold, and that filling copies
// only the rows with a missing value and never writes the data set.
func TestImputationUsesOnlyTrainingRows(t *testing.T) {
	d, fold := imputeData()
	// The final fit trains on rows 1, 3, 5, 6: 2, 4, 100 give 4.
	imp, err := newImputation(d, []int{1, 3, 5, 6}, []dataset.Fold{fold}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(imp.cols, []int{0}) {
		t.Errorf("cols %v, want [0]: only feature a has missing cells", imp.cols)
	}
	if got := imp.foldMedians(0)[0]; got != 2 {
		t.Errorf("fold median of a = %v, want 2 (the median of its training rows 1, 2, 4)", got)
	}
	if !slices.Equal(imp.final, []float64{4, 0}) {
		t.Errorf("final medians %v, want [4 0] (over the training split only)", imp.final)
	}

	X, _ := d.Subset(fold.Train)
	Xt, _ := d.Subset(fold.Test)
	imp.fill(X, imp.foldMedians(0))
	imp.fill(Xt, imp.foldMedians(0))
	for _, rows := range [][][]float64{X, Xt} {
		for _, row := range rows {
			if math.IsNaN(row[0]) {
				t.Errorf("row %v still has a missing value", row)
			}
		}
	}
	if X[2][0] != 2 || X[4][0] != 2 || Xt[1][0] != 2 {
		t.Errorf("filled rows %v and %v, want the missing cells as 2", X, Xt)
	}
	if !math.IsNaN(d.X[2][0]) || !math.IsNaN(d.X[6][0]) {
		t.Error("filling wrote into the data set's rows")
	}
	if &X[0][0] != &d.X[0][0] || &Xt[0][0] != &d.X[5][0] {
		t.Error("a row without a missing value was copied")
	}
}

// TestImputationWithoutMissing checks that data with no missing cell is
// left alone: no fold medians, and fill shares every row.
func TestImputationWithoutMissing(t *testing.T) {
	d := &dataset.Dataset{Name: "x.csv", Features: []string{"a"}, X: [][]float64{{1}, {3}, {2}}, Y: []int{0, 1, 0}, Missing: []int{0}}
	imp, err := newImputation(d, []int{0, 1, 2}, []dataset.Fold{{Train: []int{0, 1}, Test: []int{2}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if imp.folds != nil || imp.foldMedians(0) != nil || imp.final[0] != 2 {
		t.Errorf("folds %v, final %v; want none and [2]", imp.folds, imp.final)
	}
	X, _ := d.Subset([]int{0, 1, 2})
	imp.fill(X, imp.final)
	for i := range X {
		if &X[i][0] != &d.X[i][0] {
			t.Errorf("row %d was copied", i)
		}
	}
	var none *imputation // data.missing: error
	none.fill(X, nil)
	if none.foldMedians(0) != nil {
		t.Error("a nil imputation has fold medians")
	}
}

func TestImputationAllMissing(t *testing.T) {
	d, fold := imputeData()
	tests := []struct {
		name     string
		trainIdx []int
		fold     dataset.Fold
		want     string
	}{
		{"in the training split", []int{2, 4, 6}, fold,
			`impute x.csv: column "a" is blank in every row of the training split (3 rows)`},
		{"in a fold's training rows", []int{0, 1}, dataset.Fold{Repeat: 1, Fold: 2, Train: []int{2, 4}, Test: []int{0}},
			`impute x.csv: column "a" is blank in every training row of cross-validation repeat 1, fold 2 (2 rows)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newImputation(d, tt.trainIdx, []dataset.Fold{tt.fold}, 2)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestFitImputes trains on Iris with every seventh cell of two columns
// blanked and checks that each bundle records, per feature, the median of
// the training split's observed values, that the drift baseline counts only
// observed values, and that the bundle fills a missing input.
func TestFitImputes(t *testing.T) {
	raw, err := os.ReadFile(paramstest.IrisCSV(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		cells := strings.Split(lines[i], ",")
		if i%7 == 0 {
			cells[1] = "" // sepal_width
		}
		if i%11 == 0 {
			cells[3] = " " // petal_width
		}
		lines[i] = strings.Join(cells, ",")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "iris-blanks.csv")
	if err := os.WriteFile(data, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	paramsPath := paramstest.Write(t, paramstest.IrisData(data, "missing: impute")+"cv: {folds: 3, repeats: 1}\nseed: 7\nmodels:\n"+bothModels)
	res, err := Fit(t.Context(), discard(), Options{ParamsPath: paramsPath, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Filling runs inside the parallel folds: the bytes must not depend on
	// the number of workers.
	again, err := Fit(t.Context(), discard(), Options{ParamsPath: paramsPath, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range res.Models {
		a, errA := m.Bundle.Marshal()
		b, errB := again.Models[i].Bundle.Marshal()
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: the bundle differs between 1 and 3 workers (%v, %v)", m.Name, errA, errB)
		}
	}

	// The expected values, computed here from the file and the split.
	d, err := dataset.Load(t.Context(), dataset.Spec{Path: data, Label: "species", Features: res.Dataset.Features, BlankAsNaN: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.Missing[1] == 0 || d.Missing[3] == 0 || d.Missing[0] != 0 {
		t.Fatalf("missing cells per column %v, want some in sepal_width and petal_width only", d.Missing)
	}
	trainIdx, _, err := dataset.StratifiedSplit(d.Y, len(d.Classes), 0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Models {
		if m.Failed() {
			t.Fatalf("%s failed: %v", m.Name, m.Err)
		}
		for j, f := range m.Bundle.Features {
			var observed []float64
			for _, r := range trainIdx {
				if v := d.X[r][j]; !math.IsNaN(v) {
					observed = append(observed, v)
				}
			}
			if f.Impute == nil || *f.Impute != sortedMedian(observed) {
				t.Errorf("%s: feature %s impute %v, want the training median %v", m.Name, f.Name, deref(f.Impute), sortedMedian(observed))
			}
			if f.Stats.Count != len(observed) {
				t.Errorf("%s: feature %s stats count %d, want the %d observed values", m.Name, f.Name, f.Stats.Count, len(observed))
			}
		}
		if m.Test.Accuracy < 0.8 {
			t.Errorf("%s: test accuracy %v with imputed cells", m.Name, m.Test.Accuracy)
		}
		x := []float64{5.1, math.NaN(), 1.4, math.NaN()}
		if n, err := m.Bundle.FillMissing(x); n != 2 || err != nil {
			t.Errorf("%s: FillMissing = %d, %v", m.Name, n, err)
		}
		if p := m.Bundle.Predict(x); model.ArgMax(p) != 0 {
			t.Errorf("%s: a setosa row with imputed cells predicted %v", m.Name, p)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
