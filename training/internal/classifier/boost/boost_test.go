package boost

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/model"
)

func mustNew(t testing.TB, cfg Config) *Trainer {
	t.Helper()
	tr, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return tr
}

func mustFit(t testing.TB, cfg Config, X [][]float64, y []int, classes int) *classifier.Fitted {
	t.Helper()
	res, err := mustNew(t, cfg).Fit(t.Context(), X, y, classes)
	if err != nil {
		t.Fatalf("Fit: %v", err)
	}
	if _, err := res.Params.Compile(len(X[0]), classes); err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return res
}

// sampling returns a configuration that draws rows and features.
func sampling(seed uint64) Config {
	cfg := DefaultConfig()
	cfg.NEstimators = 20
	cfg.Subsample = 0.7
	cfg.ColsampleByTree = 0.5
	cfg.Src = rand.NewPCG(seed, 1)
	return cfg
}

func TestConformance(t *testing.T) {
	iris := classifiertest.Iris(t)
	configs := map[string]func() Config{
		"default":  DefaultConfig,
		"sampling": func() Config { return sampling(1) },
		"regularized, with validation": func() Config {
			cfg := DefaultConfig()
			cfg.NEstimators, cfg.MaxDepth, cfg.Gamma, cfg.Alpha, cfg.Lambda = 30, 3, 0.5, 0.1, 2
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

// TestHandComputed fits one round on four rows of one feature, two classes,
// where every margin starts at 0.5, so p = 0.5 for both classes and every
// row has hessian 2·0.5·0.5 = 0.5. For class 0 the gradients are p − 1 =
// −0.5 on rows x = 1, 2 (class 0) and +0.5 on x = 3, 4: G = 0, H = 2, score
// 0. By hand, with λ = 1, the candidate thresholds score
//
//	x < 1.5: 0.25/1.5 + 0.25/2.5 = 0.2667
//	x < 2.5: 1/2 + 1/2 = 1 (the best: loss reduction 1)
//	x < 3.5: 0.25/2.5 + 0.25/1.5 = 0.2667
//
// and the leaves weigh −G/(H+λ) = ∓1/2, times η = 0.3 (rounded in float32).
// Class 1's tree is the mirror image. α = 0.5 soft-thresholds |G| = 1 to
// 0.5: reduction 2·0.25/2 = 0.25 and weights ∓0.25. γ above the reduction
// prunes the split back to one leaf of weight 0.
func TestHandComputed(t *testing.T) {
	X := [][]float64{{1}, {2}, {3}, {4}}
	y := []int{0, 0, 1, 1}
	tests := []struct {
		name               string
		alpha, gamma       float64
		wantGain, wantLeaf float64 // of class 0's tree; 0 gain means one leaf
	}{
		{"plain", 0, 0, 1, 0.5},
		{"L1", 0.5, 0, 0.25, 0.25},
		{"gamma below the reduction", 0, 0.9, 1, 0.5},
		{"gamma above the reduction", 0, 1.1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.NEstimators, cfg.MinChildWeight, cfg.Alpha, cfg.Gamma = 1, 0, tt.alpha, tt.gamma
			res := mustFit(t, cfg, X, y, 2)
			// A single leaf of weight −T(0)/(2+λ) = 0 when pruned.
			want := &model.Boosted{
				BaseScore: 0.5, TreeClass: []int{0, 1}, TreeStart: []int{0, 1},
				Feature: []int32{-1, -1}, Threshold: []float32{0, 0}, Left: []int32{-1, -1}, Right: []int32{-1, -1},
				Value: []float32{0, 0}, Gain: []float32{1, 1}, Cover: []float32{2, 2}, Weight: []float32{0, 0},
			}
			if tt.wantGain > 0 {
				w, leaf := float32(tt.wantLeaf), float32(tt.wantLeaf)*float32(0.3)
				g := float32(tt.wantGain)
				want = &model.Boosted{
					BaseScore: 0.5, TreeClass: []int{0, 1}, TreeStart: []int{0, 3},
					Feature:   []int32{0, -1, -1, 0, -1, -1},
					Threshold: []float32{2.5, 0, 0, 2.5, 0, 0},
					Left:      []int32{1, -1, -1, 1, -1, -1},
					Right:     []int32{2, -1, -1, 2, -1, -1},
					// Class 1's tree is class 0's mirrored.
					Value:  []float32{0, leaf, -leaf, 0, -leaf, leaf},
					Gain:   []float32{g, 0, 0, g, 0, 0},
					Cover:  []float32{2, 1, 1, 2, 1, 1},
					Weight: []float32{0, w, -w, 0, -w, w},
				}
			}
			if got := res.Params.Boosted; !reflect.DeepEqual(got, want) {
				t.Errorf("fitted\n %+v\nwant\n %+v", got, want)
			}
		})
	}
}

// TestThresholdMidpoint checks that thresholds are float32 midpoints, and
// the larger value where the midpoint rounds to the smaller one (two
// neighbouring float32 values), as XGBoost places them.
func TestThresholdMidpoint(t *testing.T) {
	next := float64(math.Nextafter32(1, 2))
	tests := []struct {
		name string
		lo   float64
		hi   float64
		want float64
	}{
		{"midpoint in float32", 0.1, 0.2, float64((float32(0.1) + float32(0.2)) * 0.5)},
		{"neighbours", 1, next, next},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.NEstimators, cfg.MinChildWeight = 1, 0
			res := mustFit(t, cfg, [][]float64{{tt.lo}, {tt.lo}, {tt.hi}, {tt.hi}}, []int{0, 0, 1, 1}, 2)
			if got := float64(res.Params.Boosted.Threshold[0]); got != tt.want {
				t.Errorf("threshold %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	iris := classifiertest.Iris(t)
	encode := func(cfg Config) []byte {
		res := mustFit(t, cfg, iris.X, iris.Y, len(iris.Classes))
		data, err := json.Marshal(res.Params)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, b := encode(sampling(7)), encode(sampling(7))
	if !bytes.Equal(a, b) {
		t.Error("two fits with identically seeded sources encode differently")
	}
	if c := encode(sampling(8)); bytes.Equal(a, c) {
		t.Error("fits with differently seeded sources encode identically; is Src used?")
	}
}

// TestHistory checks that the loss histories have one value per round, that
// the last training loss is the log loss of the fitted model's own
// predictions, and that the validation history is that of the held-out rows.
func TestHistory(t *testing.T) {
	iris := classifiertest.Iris(t)
	// Every third row is held out.
	var train, held classifiertest.Dataset
	for i, x := range iris.X {
		d := &train
		if i%3 == 0 {
			d = &held
		}
		d.X, d.Y = append(d.X, x), append(d.Y, iris.Y[i])
	}
	cfg := DefaultConfig()
	cfg.NEstimators = 25
	cfg.Validation = &Validation{X: held.X, Y: held.Y}
	res := mustFit(t, cfg, train.X, train.Y, 3)
	if len(res.History) != 25 || res.Iterations != 25 || !res.Converged || len(res.ValidationHistory) != 25 {
		t.Fatalf("history %d, validation history %d, iterations %d, converged %t; want 25, 25, 25, true",
			len(res.History), len(res.ValidationHistory), res.Iterations, res.Converged)
	}
	if !(res.History[24] < res.History[0]) || !(res.ValidationHistory[24] < res.ValidationHistory[0]) {
		t.Errorf("losses did not fall: training %v -> %v, validation %v -> %v",
			res.History[0], res.History[24], res.ValidationHistory[0], res.ValidationHistory[24])
	}
	pred, err := res.Params.Compile(4, 3)
	if err != nil {
		t.Fatal(err)
	}
	mean := func(d classifiertest.Dataset) float64 {
		p := make([]float64, 3)
		var sum float64
		for i, x := range d.X {
			pred.PredictInto(p, x)
			sum -= math.Log(p[d.Y[i]])
		}
		return sum / float64(len(d.X))
	}
	// The histories use float32 exponentials; the predictor float64 ones.
	const tol = 1e-6
	if got, want := res.History[24], mean(train); math.Abs(got-want) > tol {
		t.Errorf("last training loss %v, the model's log loss on the training rows %v", got, want)
	}
	if got, want := res.ValidationHistory[24], mean(held); math.Abs(got-want) > tol {
		t.Errorf("last validation loss %v, the model's log loss on the held-out rows %v", got, want)
	}
}

func TestFitErrors(t *testing.T) {
	X := [][]float64{{1, 2}, {2, 1}, {3, 3}, {4, 1}}
	y := []int{0, 1, 0, 1}
	tests := []struct {
		name  string
		X     [][]float64
		valid *Validation
		want  error
		msg   string
	}{
		{"value beyond float32", [][]float64{{1, 2}, {2, 1e300}, {3, 3}, {4, 1}}, nil, ErrRange, "row 1, feature 1"},
		{"validation rows", X, &Validation{X: [][]float64{{1}}, Y: []int{0}}, ErrValidation, "row 0 has 1 values"},
		{"validation labels", X, &Validation{X: [][]float64{{1, 2}}, Y: []int{2}}, ErrValidation, "label 2"},
		{"validation NaN", X, &Validation{X: [][]float64{{1, math.NaN()}}, Y: []int{0}}, ErrValidation, "feature 1"},
		{"validation length", X, &Validation{X: [][]float64{{1, 2}}, Y: nil}, ErrValidation, "1 rows and 0 labels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.NEstimators = 2
			cfg.Validation = tt.valid
			_, err := mustNew(t, cfg).Fit(t.Context(), tt.X, y, 2)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Fit error %v, want %v mentioning %q", err, tt.want, tt.msg)
			}
		})
	}
}

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *Config)
		field  string
	}{
		{"no rounds", func(c *Config) { c.NEstimators = 0 }, "n_estimators"},
		{"learning rate zero", func(c *Config) { c.LearningRate = 0 }, "learning_rate"},
		{"learning rate above one", func(c *Config) { c.LearningRate = 1.5 }, "learning_rate"},
		{"depth zero", func(c *Config) { c.MaxDepth = 0 }, "max_depth"},
		{"negative child weight", func(c *Config) { c.MinChildWeight = -1 }, "min_child_weight"},
		{"NaN gamma", func(c *Config) { c.Gamma = math.NaN() }, "gamma"},
		{"infinite lambda", func(c *Config) { c.Lambda = math.Inf(1) }, "reg_lambda"},
		{"negative alpha", func(c *Config) { c.Alpha = -0.1 }, "reg_alpha"},
		{"subsample zero", func(c *Config) { c.Subsample = 0 }, "subsample"},
		{"colsample above one", func(c *Config) { c.ColsampleByTree = 1.1 }, "colsample_bytree"},
		{"base score NaN", func(c *Config) { c.BaseScore = math.NaN() }, "base_score"},
		{"sampling without source", func(c *Config) { c.Subsample = 0.5 }, "Src"},
		{"unknown tree method", func(c *Config) { c.TreeMethod = "approx" }, "tree_method"},
		{"one bin", func(c *Config) { c.MaxBin = 1 }, "max_bin"},
		{"too many bins", func(c *Config) { c.MaxBin = 1 << 16 }, "max_bin"},
		{"negative workers", func(c *Config) { c.Workers = -1 }, "Workers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.mutate(&cfg)
			_, err := New(cfg)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "invalid config: "+tt.field+" ") {
				t.Errorf("New error %v, want ErrConfig naming %s", err, tt.field)
			}
		})
	}
}

func TestPredictIntoDoesNotAllocate(t *testing.T) {
	iris := classifiertest.Iris(t)
	res := mustFit(t, DefaultConfig(), iris.X, iris.Y, len(iris.Classes))
	pred, err := res.Params.Compile(len(iris.Features), len(iris.Classes))
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]float64, len(iris.Classes))
	if allocs := testing.AllocsPerRun(1000, func() { pred.PredictInto(dst, iris.X[70]) }); allocs != 0 {
		t.Errorf("PredictInto allocates %v times per call, want 0", allocs)
	}
}

// TestWithValidation checks that the validation curve has one value per
// round, that the fit itself is the one Fit gives, and that the Trainer's
// own Config stays without a validation set.
func TestWithValidation(t *testing.T) {
	d := classifiertest.Iris(t)
	cfg := DefaultConfig()
	cfg.NEstimators = 20
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := tr.WithValidation(d.X[100:], d.Y[100:]).Fit(t.Context(), d.X[:100], d.Y[:100], len(d.Classes))
	if err != nil {
		t.Fatal(err)
	}
	val := fit.ValidationHistory
	if len(val) != len(fit.History) || len(val) != cfg.NEstimators {
		t.Fatalf("validation curve has %d values, history %d, want %d each", len(val), len(fit.History), cfg.NEstimators)
	}
	for i, v := range val {
		if !(v > 0) || math.IsInf(v, 0) {
			t.Fatalf("round %d: validation loss %v", i, v)
		}
	}
	plain, err := tr.Fit(t.Context(), d.X[:100], d.Y[:100], len(d.Classes))
	if err != nil {
		t.Fatal(err)
	}
	if plain.ValidationHistory != nil {
		t.Fatalf("Fit without a validation set: validation history %v, want nil", plain.ValidationHistory)
	}
	// Apart from the validation curve, the two fits are the same.
	withoutCurve := *fit
	withoutCurve.ValidationHistory = nil
	classifiertest.CheckIdentical(t, plain, &withoutCurve)
	if tr.Config().Validation != nil {
		t.Fatal("WithValidation changed the Trainer's Config")
	}
}

// TestWithoutHistory checks that a Trainer without history fits the same
// trees, with rows and features sampled too, and only leaves History nil;
// a validation curve is still recorded.
func TestWithoutHistory(t *testing.T) {
	d := classifiertest.Iris(t)
	for name, cfg := range map[string]Config{"default": DefaultConfig(), "sampling": sampling(7)} {
		t.Run(name, func(t *testing.T) {
			fit := func(tr classifier.Trainer) *classifier.Fitted {
				t.Helper()
				res, err := tr.Fit(t.Context(), d.X[:100], d.Y[:100], len(d.Classes))
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			with := fit(mustNew(t, cfg).WithValidation(d.X[100:], d.Y[100:]))
			if cfg.Src != nil {
				cfg.Src = rand.NewPCG(7, 1) // the same draws again
			}
			tr := mustNew(t, cfg).WithoutHistory()
			without := fit(tr.(*Trainer).WithValidation(d.X[100:], d.Y[100:]))
			if without.History != nil || len(with.History) != with.Iterations {
				t.Fatalf("history %d values without, %d with; want none and %d", len(without.History), len(with.History), with.Iterations)
			}
			if len(without.ValidationHistory) != with.Iterations {
				t.Errorf("validation history %d values, want %d", len(without.ValidationHistory), with.Iterations)
			}
			without.History = with.History
			classifiertest.CheckIdentical(t, with, without)
		})
	}
}
