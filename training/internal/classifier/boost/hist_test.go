package boost

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/model"
)

// histConfig returns cfg grown with the hist method on w workers.
func histConfig(cfg Config, w int) Config {
	cfg.TreeMethod = TreeHist
	cfg.Workers = w
	return cfg
}

func TestHistConformance(t *testing.T) {
	iris := classifiertest.Iris(t)
	configs := map[string]func() Config{
		"default":  func() Config { return histConfig(DefaultConfig(), 2) },
		"sampling": func() Config { return histConfig(sampling(1), 2) },
		"regularized, few bins, with validation": func() Config {
			cfg := histConfig(DefaultConfig(), 2)
			cfg.NEstimators, cfg.MaxDepth, cfg.Gamma, cfg.Alpha, cfg.Lambda, cfg.MaxBin = 30, 3, 0.5, 0.1, 2, 8
			cfg.Validation = &Validation{X: iris.X[:20], Y: iris.Y[:20]}
			return cfg
		},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			classifiertest.Conformance(t, iris, func(t *testing.T) classifier.Trainer { return mustNew(t, cfg()) })
		})
	}
}

// accuracy returns the share of d's rows whose most probable class under
// fit is their label.
func accuracy(t *testing.T, fit *classifier.Fitted, d classifiertest.Dataset) float64 {
	t.Helper()
	pred, err := fit.Params.Compile(len(d.X[0]), len(d.Classes))
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, len(d.Classes))
	right := 0
	for i, x := range d.X {
		pred.PredictInto(p, x)
		best := 0
		for k := range p {
			if p[k] > p[best] {
				best = k
			}
		}
		if best == d.Y[i] {
			right++
		}
	}
	return float64(right) / float64(len(d.X))
}

// TestHistAgreesWithExact checks that the hist method's held-out accuracy
// is within a point of the exact method's, on overlapping Gaussian blobs
// (so neither reaches 100%) with many distinct values per feature, where
// hist only tries splits between its bins.
func TestHistAgreesWithExact(t *testing.T) {
	train := classifiertest.Blobs(rand.NewPCG(1, 2), 3000, 2, 3)
	test := classifiertest.Blobs(rand.NewPCG(2, 2), 3000, 2, 3)
	tests := []struct {
		name string
		cfg  func() Config
	}{
		{"default", DefaultConfig},
		{"shallow, sampled, 32 bins", func() Config {
			cfg := sampling(4)
			cfg.NEstimators, cfg.MaxDepth, cfg.MaxBin = 50, 3, 32
			return cfg
		}},
	}
	const tol = 0.01
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exact := tt.cfg()
			exact.TreeMethod = TreeExact
			accExact := accuracy(t, mustFit(t, exact, train.X, train.Y, 3), test)
			accHist := accuracy(t, mustFit(t, histConfig(tt.cfg(), 2), train.X, train.Y, 3), test)
			t.Logf("hist %.4f exact %.4f", accHist, accExact)
			if math.Abs(accHist-accExact) > tol || accExact < 0.7 {
				t.Errorf("held-out accuracy: hist %.4f, exact %.4f; want within %v of each other (and above 0.7)", accHist, accExact, tol)
			}
		})
	}
}

// withMissing returns a copy of d with each value replaced by NaN with
// probability rate, and with feature 0 also missing on every row of class
// 0 whose value is above 2, so that where missing values go matters.
func withMissing(d classifiertest.Dataset, rate float64, seed uint64) classifiertest.Dataset {
	rng := rand.New(rand.NewPCG(seed, 9))
	out := d
	out.X = make([][]float64, len(d.X))
	for i, row := range d.X {
		r := append([]float64(nil), row...)
		for j := range r {
			if rng.Float64() < rate || (j == 0 && d.Y[i] == 0 && r[j] > 2) {
				r[j] = math.NaN()
			}
		}
		out.X[i] = r
	}
	return out
}

// TestHistWorkersBitIdentical checks that the fitted bundle does not depend
// on the number of workers, with sampling and missing values.
func TestHistWorkersBitIdentical(t *testing.T) {
	d := withMissing(classifiertest.Blobs(rand.NewPCG(5, 5), 2000, 6, 3), 0.1, 1)
	encode := func(w int) []byte {
		cfg := histConfig(sampling(3), w)
		cfg.AllowMissing = true
		res := mustFit(t, cfg, d.X, d.Y, 3)
		data, err := json.Marshal(res.Params)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	one := encode(1)
	for _, w := range []int{2, 4, 7} {
		if !bytes.Equal(one, encode(w)) {
			t.Errorf("bundle with %d workers differs from the one with 1 worker", w)
		}
	}
}

// TestMissing checks that both tree methods learn where missing values go:
// class 0's rows miss feature 0 far more often than the others, so a model
// that sends them the right way classifies held-out rows with missing
// values better than one that cannot use them.
func TestMissing(t *testing.T) {
	train := withMissing(classifiertest.Blobs(rand.NewPCG(1, 3), 3000, 4, 3), 0.05, 1)
	test := withMissing(classifiertest.Blobs(rand.NewPCG(2, 3), 2000, 4, 3), 0.05, 2)
	for _, method := range []string{TreeExact, TreeHist} {
		t.Run(method, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.NEstimators, cfg.AllowMissing, cfg.TreeMethod = 30, true, method
			res := mustFit(t, cfg, train.X, train.Y, 3)
			b := res.Params.Boosted
			if len(b.DefaultLeft) != b.NumNodes() {
				t.Fatalf("DefaultLeft has %d entries for %d nodes; want one per node (some split sends missing values right)", len(b.DefaultLeft), b.NumNodes())
			}
			// The same model with every missing value sent left: worse.
			allLeft := *b
			allLeft.DefaultLeft = nil
			learned := accuracy(t, res, test)
			fixed := accuracy(t, &classifier.Fitted{Params: model.Params{Boosted: &allLeft}}, test)
			t.Logf("learned %.4f fixed %.4f", learned, fixed)
			if !(learned > fixed) || learned < 0.8 {
				t.Errorf("held-out accuracy with learned directions %.4f, all left %.4f; want the learned ones better and above 0.8", learned, fixed)
			}
			// Training rows predicted through the bundle end where training
			// put them: the last training loss is the model's log loss on
			// them.
			pred, err := res.Params.Compile(4, 3)
			if err != nil {
				t.Fatal(err)
			}
			p := make([]float64, 3)
			var loss float64
			for i, x := range train.X {
				pred.PredictInto(p, x)
				loss -= math.Log(p[train.Y[i]])
			}
			loss /= float64(len(train.X))
			if got := res.History[len(res.History)-1]; math.Abs(got-loss) > 1e-6 {
				t.Errorf("last training loss %v, the model's log loss on the training rows %v", got, loss)
			}
		})
	}
}

// TestHistNoMissingNoDirections checks that a model fitted without missing
// values stores no default directions, so its bundle has the format of an
// exact one.
func TestHistNoMissingNoDirections(t *testing.T) {
	d := classifiertest.Blobs(rand.NewPCG(1, 4), 1000, 4, 3)
	res := mustFit(t, histConfig(DefaultConfig(), 2), d.X, d.Y, 3)
	if dl := res.Params.Boosted.DefaultLeft; dl != nil {
		t.Errorf("DefaultLeft has %d entries, want nil", len(dl))
	}
}

// TestTreeMethodAuto checks which method auto picks: exact below
// AutoHistRows rows, hist from it on, missing values allowed or not. Hist
// trees split at bin bounds, which on these integer-valued features are
// the values themselves; exact trees split at midpoints.
func TestTreeMethodAuto(t *testing.T) {
	tests := []struct {
		name         string
		rows         int
		allowMissing bool
		wantHist     bool
	}{
		{"small", AutoHistRows - 1, false, false},
		{"at the threshold", AutoHistRows, false, true},
		{"small with missing values allowed", 100, true, false},
		{"large with missing values allowed", AutoHistRows, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			X := make([][]float64, tt.rows)
			y := make([]int, tt.rows)
			for i := range X {
				X[i] = []float64{float64(i % 10)}
				y[i] = i % 10 / 5
			}
			cfg := DefaultConfig()
			cfg.NEstimators, cfg.AllowMissing = 1, tt.allowMissing
			thr := mustFit(t, cfg, X, y, 2).Params.Boosted.Threshold[0]
			want := float32(4.5)
			if tt.wantHist {
				want = 5
			}
			if thr != want {
				t.Errorf("first threshold %v, want %v (hist: %t)", thr, want, tt.wantHist)
			}
		})
	}
}

// TestHistBinStorage checks that bins are stored in uint8 when every
// feature's bins (and its missing-value index, if it has missing values)
// fit, and in uint16 otherwise, and that fits agree on the training rows
// either way.
func TestHistBinStorage(t *testing.T) {
	d := classifiertest.Blobs(rand.NewPCG(2, 7), 1500, 3, 3)
	nan := withMissing(d, 0.05, 3)
	tests := []struct {
		name      string
		X         [][]float64
		maxBin    int
		wantUint8 bool
	}{
		{"256 bins, no missing values", d.X, 256, true},
		{"256 bins and missing values", nan.X, 256, false},
		{"255 bins and missing values", nan.X, 255, true},
		{"1000 bins", d.X, 1000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := newMatrix(tt.X)
			if err != nil {
				t.Fatal(err)
			}
			b := newHistBuilder(newTrainParam(DefaultConfig()), m, tt.maxBin, 2, nil)
			if _, ok := b.(*histBuilder[uint8]); ok != tt.wantUint8 {
				t.Fatalf("builder %T, want uint8 bins: %t", b, tt.wantUint8)
			}
			cfg := histConfig(DefaultConfig(), 2)
			cfg.NEstimators, cfg.MaxBin, cfg.AllowMissing = 20, tt.maxBin, true
			res := mustFit(t, cfg, tt.X, d.Y, 3)
			if acc := accuracy(t, res, classifiertest.Dataset{X: tt.X, Y: d.Y, Classes: d.Classes}); acc < 0.9 {
				t.Errorf("training accuracy %.4f, want >= 0.9", acc)
			}
		})
	}
}

// TestAllowMissingErrors checks that AllowMissing lets NaN through and
// nothing else: infinities, bad labels and ragged rows are still reported
// as for any classifier, with their row and feature.
func TestAllowMissingErrors(t *testing.T) {
	inf := math.Inf(1)
	nan := math.NaN()
	tests := []struct {
		name        string
		X           [][]float64
		y           []int
		want        error
		row, column int
	}{
		{"infinity beside NaN", [][]float64{{nan, 1}, {2, inf}, {3, 3}, {4, 1}}, []int{0, 1, 0, 1}, classifier.ErrNotFinite, 1, 1},
		{"label out of range", [][]float64{{nan, 1}, {2, 2}, {3, 3}, {4, 1}}, []int{0, 1, 2, 1}, classifier.ErrLabel, 2, -1},
		{"ragged row", [][]float64{{nan, 1}, {2}, {3, 3}, {4, 1}}, []int{0, 1, 0, 1}, classifier.ErrShape, 1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.NEstimators, cfg.AllowMissing = 2, true
			_, err := mustNew(t, cfg).Fit(t.Context(), tt.X, tt.y, 2)
			var input *classifier.InputError
			if !errors.Is(err, tt.want) || !errors.As(err, &input) || input.Row != tt.row || input.Feature != tt.column {
				t.Errorf("Fit error %v, want %v at row %d, feature %d", err, tt.want, tt.row, tt.column)
			}
		})
	}
	// And NaN alone is fine, in the validation set too.
	cfg := DefaultConfig()
	cfg.NEstimators, cfg.AllowMissing = 2, true
	cfg.Validation = &Validation{X: [][]float64{{nan, nan}}, Y: []int{1}}
	if _, err := mustNew(t, cfg).Fit(t.Context(), [][]float64{{nan, 1}, {2, nan}, {3, 3}, {4, 1}}, []int{0, 1, 0, 1}, 2); err != nil {
		t.Errorf("Fit with NaN and AllowMissing: %v", err)
	}
}
