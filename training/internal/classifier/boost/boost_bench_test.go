package boost

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/internal/dataset"
)

// BenchmarkFit fits XGBoost's defaults (100 rounds, depth 6) on Iris and on
// Gaussian blobs of growing size.
func BenchmarkFit(b *testing.B) {
	type set struct {
		name string
		data classifiertest.Dataset
	}
	sets := []set{{"iris", classifiertest.Iris(b)}}
	for _, n := range []int{150, 1500, 15000} {
		sets = append(sets, set{"blobs-" + strconv.Itoa(n), classifiertest.Blobs(rand.NewPCG(1, 1), n, 4, 3)})
	}
	for _, s := range sets {
		b.Run(s.name, func(b *testing.B) {
			tr := mustNew(b, DefaultConfig())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tr.Fit(b.Context(), s.data.X, s.data.Y, len(s.data.Classes)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCrossValidate runs the training pipeline's default
// cross-validation of this model on Iris, stratified 10-fold repeated 5
// times, one fit after the other (training spreads the 50 fits over the
// cores).
func BenchmarkCrossValidate(b *testing.B) {
	iris := classifiertest.Iris(b)
	folds, err := dataset.RepeatedStratifiedKFold(iris.Y, len(iris.Classes), 10, 5, 42)
	if err != nil {
		b.Fatal(err)
	}
	type subset struct {
		X [][]float64
		y []int
	}
	train := make([]subset, len(folds))
	for i, f := range folds {
		for _, r := range f.Train {
			train[i].X = append(train[i].X, iris.X[r])
			train[i].y = append(train[i].y, iris.Y[r])
		}
	}
	tr := mustNew(b, DefaultConfig())
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range train {
			if _, err := tr.Fit(b.Context(), s.X, s.y, len(iris.Classes)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkPredictInto predicts one Iris row with the model fitted on Iris
// with XGBoost's defaults (300 trees).
func BenchmarkPredictInto(b *testing.B) {
	iris := classifiertest.Iris(b)
	fit, err := mustNew(b, DefaultConfig()).Fit(b.Context(), iris.X, iris.Y, len(iris.Classes))
	if err != nil {
		b.Fatal(err)
	}
	pred, err := fit.Params.Compile(len(iris.Features), len(iris.Classes))
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]float64, len(iris.Classes))
	for _, row := range []int{0, 70, 140} {
		b.Run("row-"+strconv.Itoa(row), func(b *testing.B) {
			x := iris.X[row]
			b.ReportAllocs()
			for b.Loop() {
				pred.PredictInto(dst, x)
			}
		})
	}
}
