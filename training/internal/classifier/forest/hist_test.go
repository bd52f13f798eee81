package forest

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/internal/classifier/tree"
	"github.com/mlopsgo/mlops/training/model"
)

func histSeeded(seed uint64) Config {
	cfg := seeded(seed)
	cfg.TreeMethod = tree.Hist
	return cfg
}

func TestHistConformance(t *testing.T) {
	iris := classifiertest.Iris(t)
	configs := map[string]func() Config{
		"hist":                       func() Config { return histSeeded(7) },
		"hist, 8 bins, no bootstrap": func() Config { c := histSeeded(7); c.MaxBin, c.Bootstrap = 8, false; return c },
		"hist, all features": func() Config {
			c := histSeeded(3)
			c.NEstimators, c.MaxFeatures = 10, MaxFeatures{}
			return c
		},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			classifiertest.Conformance(t, iris, func(t *testing.T) classifier.Trainer { return mustNew(t, cfg()) })
		})
	}
}

// TestHistGrowsTheExactForest checks that on Iris, where every value has
// its own bin, the hist forest is the exact one, out-of-bag score included:
// the same bootstrap samples and feature draws, and trees that package tree
// tests equal.
func TestHistGrowsTheExactForest(t *testing.T) {
	iris := classifiertest.Iris(t)
	enc := func(cfg Config) []byte {
		res, err := mustNew(t, cfg).FitForest(t.Context(), iris.X, iris.Y, len(iris.Classes))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal([]any{res.Fitted.Params, res.OOB})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	exact := seeded(11)
	exact.TreeMethod = tree.Exact
	if !bytes.Equal(enc(exact), enc(histSeeded(11))) {
		t.Error("the hist forest on Iris differs from the exact one")
	}
}

// TestHistSameBytesWhateverTheCores fits a hist forest with one worker on
// one core and four on four.
func TestHistSameBytesWhateverTheCores(t *testing.T) {
	d := classifiertest.Classification(rand.NewPCG(1, 1), 3000, 10, 6, 3)
	fit := func(procs, workers int) []byte {
		t.Helper()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		cfg := histSeeded(42)
		cfg.NEstimators, cfg.Workers = 8, workers
		res, err := mustNew(t, cfg).FitForest(t.Context(), d.X, d.Y, 3)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal([]any{res.Fitted.Params, res.OOB})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(fit(1, 1), fit(4, 4)) {
		t.Error("GOMAXPROCS 1 with 1 worker and GOMAXPROCS 4 with 4 workers gave different hist forests")
	}
}

// TestHistAccuracy compares the methods on 20,000 rows of overlapping
// classes: held-out accuracies within a point.
func TestHistAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("fits two forests on 16,000 rows")
	}
	d := classifiertest.Classification(rand.NewPCG(7, 7), 20000, 20, 10, 3)
	const train, tol = 16000, 0.01
	acc := map[string]float64{}
	for _, method := range []string{tree.Exact, tree.Hist} {
		cfg := seeded(5)
		cfg.TreeMethod, cfg.NEstimators, cfg.MinSamplesLeaf = method, 20, 32
		fit, err := mustNew(t, cfg).Fit(t.Context(), d.X[:train], d.Y[:train], 3)
		if err != nil {
			t.Fatal(err)
		}
		pred, err := fit.Params.Compile(20, 3)
		if err != nil {
			t.Fatal(err)
		}
		p, correct := make([]float64, 3), 0
		for i := train; i < len(d.X); i++ {
			pred.PredictInto(p, d.X[i])
			if model.ArgMax(p) == d.Y[i] {
				correct++
			}
		}
		acc[method] = float64(correct) / float64(len(d.X)-train)
	}
	t.Logf("held-out accuracy exact %.4f, hist %.4f", acc[tree.Exact], acc[tree.Hist])
	if math.Abs(acc[tree.Exact]-acc[tree.Hist]) > tol {
		t.Errorf("held-out accuracy exact %.4f, hist %.4f; want within %v", acc[tree.Exact], acc[tree.Hist], tol)
	}
}

// TestHistBinsOnce checks that the data are binned once per fit, not per
// tree: with 200 features, one tree's share of the memory a fit allocates
// (its bootstrap counts, rows, histograms of the few features it draws and
// nodes) is below half a copy of the binned data (a byte per value), while
// binning per tree would add at least five bytes per value to every tree
// (the float32 column the cuts are taken from, then the bin index).
func TestHistBinsOnce(t *testing.T) {
	const rows, features = 4000, 200
	d := classifiertest.Classification(rand.NewPCG(2, 2), rows, features, 20, 3)
	allocated := func(trees int) uint64 {
		cfg := histSeeded(1)
		cfg.NEstimators, cfg.Workers, cfg.MinSamplesLeaf = trees, 1, 20
		tr := mustNew(t, cfg)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := tr.FitForest(t.Context(), d.X, d.Y, 3); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	one, eleven := allocated(1), allocated(11)
	perTree := (eleven - one) / 10
	binned := uint64(rows * features)
	t.Logf("fit of 1 tree %d bytes, of 11 trees %d: %d bytes per tree; binned data %d bytes", one, eleven, perTree, binned)
	if perTree > binned/2 {
		t.Errorf("each tree allocates %d bytes, more than half the binned data (%d bytes): is the data binned per tree?", perTree, binned)
	}
}
