package importance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkFanova sweeps the number of trials over the xgboost space's
// shape (seven numerical parameters) plus a categorical.
func BenchmarkFanova(b *testing.B) {
	params := []Param{
		{Name: "learning_rate", Low: 0.01, High: 0.3}, {Name: "max_depth", Low: 2, High: 10},
		{Name: "n_estimators", Low: 50, High: 500}, {Name: "subsample", Low: 0.5, High: 1},
		{Name: "colsample_bytree", Low: 0.5, High: 1}, {Name: "min_child_weight", Low: 0.1, High: 10},
		{Name: "reg_lambda", Low: 1e-3, High: 10}, {Name: "booster", Choices: 3},
	}
	f := func(v []float64) float64 {
		return math.Log(v[0]) + 0.1*v[1] + v[3]*v[4] + 0.2*v[7]
	}
	for _, n := range []int{50, 200, 1000} {
		x, y := trials(rand.New(rand.NewPCG(1, 1)), params, n, f)
		b.Run(fmt.Sprintf("trials=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Fanova(params, x, y, Options{Src: rand.NewPCG(1, 1)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
