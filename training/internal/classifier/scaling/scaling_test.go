package scaling

import (
	"math"
	"reflect"
	"testing"
)

// TestFitApply checks means and population standard deviations computed by
// hand: column 0 is 1, 2, 3, 6 (mean 3, variance (4+1+0+9)/4 = 3.5), column
// 1 is constant (scale 1, as StandardScaler).
func TestFitApply(t *testing.T) {
	const tol = 1e-15
	X := [][]float64{{1, 7}, {2, 7}, {3, 7}, {6, 7}}
	orig := [][]float64{{1, 7}, {2, 7}, {3, 7}, {6, 7}}
	mean, scale := Fit(X)
	tests := []struct {
		name      string
		got, want float64
	}{
		{"mean 0", mean[0], 3},
		{"mean 1", mean[1], 7},
		{"scale 0", scale[0], math.Sqrt(3.5)},
		{"scale 1", scale[1], 1},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > tol {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	Z := Apply(X, mean, scale)
	if !reflect.DeepEqual(X, orig) {
		t.Fatal("Apply modified X")
	}
	for i, row := range Z {
		if want := (X[i][0] - 3) / math.Sqrt(3.5); math.Abs(row[0]-want) > tol || row[1] != 0 {
			t.Errorf("row %d: got %v, want [%v 0]", i, row, want)
		}
	}
}
