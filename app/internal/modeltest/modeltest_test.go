package modeltest

import (
	"testing"

	"github.com/mlopsgo/mlops/training/model"
)

func TestTypicalRowsAreClassified(t *testing.T) {
	set, err := model.LoadDir(Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]float64{Setosa, Versicolor, Virginica}
	for name, b := range set.Bundles {
		for want, x := range rows {
			if got := model.ArgMax(b.Predict(x)); got != want {
				t.Errorf("%s: row %v is class %d, want %d", name, x, got, want)
			}
		}
	}
}
