package boost

import (
	"cmp"
	"math/rand/v2"
	"slices"
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

// classification returns n rows of make_classification-like data: classes
// each own two Gaussian clusters centred on vertices of a hypercube (side 2)
// in the first informative features, and every other feature is a random
// mix of the informative ones plus noise. The draws come from src.
func classification(src rand.Source, n, features, informative, classes int) classifiertest.Dataset {
	rng := rand.New(src)
	centres := make([][]float64, 2*classes)
	for c := range centres {
		centres[c] = make([]float64, informative)
		for j := range centres[c] {
			centres[c][j] = float64(2*rng.IntN(2) - 1)
		}
	}
	mix := make([][]float64, features-informative)
	for j := range mix {
		mix[j] = make([]float64, informative)
		for i := range mix[j] {
			mix[j][i] = rng.NormFloat64()
		}
	}
	d := classifiertest.Dataset{X: make([][]float64, n), Y: make([]int, n)}
	for j := range features {
		d.Features = append(d.Features, "x"+strconv.Itoa(j))
	}
	for k := range classes {
		d.Classes = append(d.Classes, "c"+strconv.Itoa(k))
	}
	for i := range n {
		c := rng.IntN(len(centres))
		row := make([]float64, features)
		for j := range informative {
			row[j] = centres[c][j] + rng.NormFloat64()
		}
		for j, w := range mix {
			for l, v := range w {
				row[informative+j] += v * row[l]
			}
			row[informative+j] += 0.5 * rng.NormFloat64()
		}
		d.X[i], d.Y[i] = row, c%classes
	}
	return d
}

// BenchmarkFitTreeMethod fits XGBoost's defaults (100 rounds, depth 6, 256
// bins) with each tree method on make_classification-like data of 20
// features and 3 classes, at sizes around AutoHistRows and at the sizes of
// the hist issue (10k and 100k rows; exact only up to 10k, where it already
// takes seconds).
func BenchmarkFitTreeMethod(b *testing.B) {
	for _, n := range []int{1000, 5000, 10000, 100000} {
		d := classification(rand.NewPCG(1, uint64(n)), n, 20, 10, 3)
		for _, method := range []string{TreeExact, TreeHist} {
			if method == TreeExact && n > 10000 {
				continue
			}
			b.Run(method+"-"+strconv.Itoa(n), func(b *testing.B) {
				cfg := DefaultConfig()
				cfg.TreeMethod = method
				tr := mustNew(b, cfg)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := tr.Fit(b.Context(), d.X, d.Y, len(d.Classes)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCollect is the exact grower's column scan alone on one node of
// 90 rows, with 90, 30 and 8 distinct values: the README's ns per row
// (ns/row).
func BenchmarkCollect(b *testing.B) {
	const n = 90
	rng := rand.New(rand.NewPCG(1, 2))
	for _, distinct := range []int{90, 30, 8} {
		rows := make([]entry, n)
		g, h := make([]float32, n), make([]float32, n)
		var total stats
		perm := rng.Perm(n) // a sorted column's rows are in no order
		for i := range rows {
			rows[i] = entry{value: float32(rng.IntN(distinct)), row: int32(perm[i])}
			g[i], h[i] = float32(rng.NormFloat64()), 0.25*float32(rng.Float64())
			total.g += float64(g[i])
			total.h += float64(h[i])
		}
		slices.SortFunc(rows, func(x, y entry) int { return cmp.Compare(x.value, y.value) })
		cand := make([]candidate, n)
		b.Run("distinct-"+strconv.Itoa(distinct), func(b *testing.B) {
			for b.Loop() {
				collect(cand, rows, g, h, total, 1, false)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}
