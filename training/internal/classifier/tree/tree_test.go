package tree

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/model"
)

func mustNew(t *testing.T, cfg Config) *Trainer {
	t.Helper()
	tr, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return tr
}

func mustFit(t *testing.T, cfg Config, X [][]float64, y []int, classes int, weights []float64) *model.Tree {
	t.Helper()
	fit, err := mustNew(t, cfg).FitWeighted(t.Context(), X, y, classes, weights)
	if err != nil {
		t.Fatalf("FitWeighted: %v", err)
	}
	if _, err := fit.Params.Compile(len(X[0]), classes); err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return fit.Params.Tree
}

func TestConformance(t *testing.T) {
	iris := classifiertest.Iris(t)
	configs := map[string]func() Config{
		"default": DefaultConfig,
		"seeded, two features per split": func() Config {
			cfg := DefaultConfig()
			cfg.MaxFeatures = 2
			cfg.Src = rand.NewPCG(1, 1)
			return cfg
		},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			classifiertest.Conformance(t, iris, func(t *testing.T) classifier.Trainer { return mustNew(t, cfg()) })
		})
	}
}

// TestSeparable grows trees on twelve points that two axis-aligned cuts
// separate: class 0 has x0 in {1, 2}; classes 1 and 2 have x0 in {4, 5} and
// x1 in {1, 2} and {5, 6}. By hand, cutting x0 at 3 leaves impurities 0 and
// (gini) 0.5 or (entropy) 1 bit over 8 rows, better than any cut of x1
// (x1 <= 3.5 leaves counts [2 4 0] and [2 0 4]); the right child is then
// split at x1 = (2+5)/2 = 3.5.
func TestSeparable(t *testing.T) {
	X := [][]float64{
		{1, 1}, {2, 6}, {1, 5}, {2, 2},
		{4, 1}, {5, 2}, {4, 2}, {5, 1},
		{4, 5}, {5, 6}, {4, 6}, {5, 5},
	}
	y := []int{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}
	want := &model.Tree{
		Feature:   []int{0, -1, 1, -1, -1},
		Threshold: []float64{3, 0, 3.5, 0, 0},
		Left:      []int{1, -1, 3, -1, -1},
		Right:     []int{2, -1, 4, -1, -1},
		Value:     [][]float64{nil, {1, 0, 0}, nil, {0, 1, 0}, {0, 0, 1}},
		Samples:   []int{12, 4, 8, 4, 4},
	}
	for _, crit := range []string{Gini, Entropy, LogLoss} {
		t.Run(crit, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Criterion = crit
			got := mustFit(t, cfg, X, y, 3, nil)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %s\nwant %s", describe(got), describe(want))
			}
			if acc := accuracy(t, got, X, y, 3); acc != 1 {
				t.Errorf("training accuracy %v, want 1", acc)
			}
		})
	}
}

// TestConstraints checks on Iris that every limit holds at every node, and
// that the sample counts add up.
func TestConstraints(t *testing.T) {
	iris := classifiertest.Iris(t)
	tests := map[string]Config{
		"depth 1":             {MaxDepth: 1},
		"depth 2":             {MaxDepth: 2},
		"depth 3, leaf 5":     {MaxDepth: 3, MinSamplesLeaf: 5},
		"leaf 20":             {MinSamplesLeaf: 20},
		"split 40":            {MinSamplesSplit: 40},
		"unlimited":           {},
		"decrease 0.05":       {MinImpurityDecrease: 0.05},
		"entropy, leaf 7":     {Criterion: Entropy, MinSamplesLeaf: 7},
		"one feature, seeded": {MaxFeatures: 1, Src: rand.NewPCG(3, 4)},
	}
	for name, c := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			if c.Criterion != "" {
				cfg.Criterion = c.Criterion
			}
			cfg.MaxDepth = c.MaxDepth
			cfg.MinSamplesSplit = max(c.MinSamplesSplit, 2)
			cfg.MinSamplesLeaf = max(c.MinSamplesLeaf, 1)
			cfg.MinImpurityDecrease = c.MinImpurityDecrease
			cfg.MaxFeatures = c.MaxFeatures
			cfg.Src = c.Src
			tr := mustFit(t, cfg, iris.X, iris.Y, len(iris.Classes), nil)
			if cfg.MaxDepth > 0 && tr.Depth() > cfg.MaxDepth {
				t.Errorf("Depth() = %d, MaxDepth %d", tr.Depth(), cfg.MaxDepth)
			}
			if tr.Samples[0] != len(iris.X) {
				t.Errorf("root has %d samples, want %d", tr.Samples[0], len(iris.X))
			}
			for i, f := range tr.Feature {
				if f < 0 {
					if tr.Samples[i] < cfg.MinSamplesLeaf {
						t.Errorf("leaf %d has %d samples, MinSamplesLeaf %d", i, tr.Samples[i], cfg.MinSamplesLeaf)
					}
					continue
				}
				if tr.Samples[i] < cfg.MinSamplesSplit {
					t.Errorf("node %d with %d samples was split, MinSamplesSplit %d", i, tr.Samples[i], cfg.MinSamplesSplit)
				}
				if l, r := tr.Samples[tr.Left[i]], tr.Samples[tr.Right[i]]; l+r != tr.Samples[i] {
					t.Errorf("node %d: children have %d + %d samples, node %d", i, l, r, tr.Samples[i])
				}
			}
			if name == "unlimited" {
				// Iris has no two identical rows with different labels, so a
				// fully grown tree fits the training set.
				if acc := accuracy(t, tr, iris.X, iris.Y, len(iris.Classes)); acc != 1 {
					t.Errorf("training accuracy of the fully grown tree is %v, want 1", acc)
				}
			}
		})
	}
}

// TestWeightsEqualDuplicates checks that integer weights grow the same tree
// as repeating each row that many times (and dropping weight-0 rows); only
// the row counts differ, since Samples counts distinct rows.
func TestWeightsEqualDuplicates(t *testing.T) {
	iris := classifiertest.Iris(t)
	rng := rand.New(rand.NewPCG(7, 7))
	weights := make([]float64, len(iris.X))
	var dupX [][]float64
	var dupY []int
	for i := range weights {
		w := rng.IntN(4) // bootstrap-like counts 0..3
		weights[i] = float64(w)
		for range w {
			dupX = append(dupX, iris.X[i])
			dupY = append(dupY, iris.Y[i])
		}
	}
	tests := map[string]Config{
		"gini":               DefaultConfig(),
		"entropy, depth 3":   {Criterion: Entropy, MaxDepth: 3, MinSamplesSplit: 2, MinSamplesLeaf: 1},
		"seeded, 2 features": {Criterion: Gini, MinSamplesSplit: 2, MinSamplesLeaf: 1, MaxFeatures: 2},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			a, b := cfg, cfg
			if cfg.MaxFeatures > 0 {
				a.Src, b.Src = rand.NewPCG(5, 6), rand.NewPCG(5, 6)
			}
			weighted := mustFit(t, a, iris.X, iris.Y, len(iris.Classes), weights)
			duplicated := mustFit(t, b, dupX, dupY, len(iris.Classes), nil)
			w, d := *weighted, *duplicated
			w.Samples, d.Samples = nil, nil
			if !reflect.DeepEqual(w, d) {
				t.Errorf("weighted tree %s\nduplicated tree %s", describe(weighted), describe(duplicated))
			}
		})
	}
}

// TestSeed checks that the tree is a function of the seed: the same seed
// gives the same tree, and with one feature per split the seed matters.
func TestSeed(t *testing.T) {
	iris := classifiertest.Iris(t)
	grow := func(seed uint64) *model.Tree {
		cfg := DefaultConfig()
		cfg.MaxFeatures = 1
		cfg.Src = rand.NewPCG(seed, seed)
		return mustFit(t, cfg, iris.X, iris.Y, len(iris.Classes), nil)
	}
	first := grow(1)
	if again := grow(1); !reflect.DeepEqual(first, again) {
		t.Fatalf("seed 1 grew two different trees:\n%s\n%s", describe(first), describe(again))
	}
	differ := false
	for seed := uint64(2); seed < 6 && !differ; seed++ {
		differ = !reflect.DeepEqual(first, grow(seed))
	}
	if !differ {
		t.Error("seeds 1 to 5 grew identical trees with MaxFeatures 1; is Src used?")
	}
}

func TestFitWeightedRejects(t *testing.T) {
	X := [][]float64{{1}, {2}, {3}}
	tests := map[string]struct {
		y       []int
		weights []float64
		cfg     func(*Config)
		want    error
	}{
		"too few weights":   {weights: []float64{1, 1}, want: ErrWeights},
		"negative weight":   {weights: []float64{1, -1, 1}, want: ErrWeights},
		"NaN weight":        {weights: []float64{1, math.NaN(), 1}, want: ErrWeights},
		"infinite weight":   {weights: []float64{1, math.Inf(1), 1}, want: ErrWeights},
		"all zero":          {weights: []float64{0, 0, 0}, want: ErrWeights},
		"too many features": {cfg: func(c *Config) { c.MaxFeatures = 2 }, want: ErrConfig},
		"one class":         {y: []int{1, 1, 1}, want: classifier.ErrTooFewClasses},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			y := tc.y
			if y == nil {
				y = []int{0, 1, 1}
			}
			_, err := mustNew(t, cfg).FitWeighted(t.Context(), X, y, 2, tc.weights)
			if !errors.Is(err, tc.want) {
				t.Fatalf("FitWeighted: got %v, want an error wrapping %v", err, tc.want)
			}
		})
	}
}

// TestZeroWeightsLeavePureRoot checks that rows of weight zero take no part:
// with every class-0 row weighted zero the root is a pure leaf.
func TestZeroWeightsLeavePureRoot(t *testing.T) {
	X := [][]float64{{1}, {2}, {3}, {4}}
	y := []int{0, 1, 0, 1}
	got := mustFit(t, DefaultConfig(), X, y, 2, []float64{0, 1, 0, 2})
	want := &model.Tree{
		Feature: []int{-1}, Threshold: []float64{0}, Left: []int{-1}, Right: []int{-1},
		Value: [][]float64{{0, 1}}, Samples: []int{2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s, want %s", describe(got), describe(want))
	}
}

// TestThreshold checks the placement of thresholds between neighbouring
// values, as scikit-learn's: halfway, or the lower value when halfway rounds
// up to the upper one, and no threshold between values closer than 1e-7.
func TestThreshold(t *testing.T) {
	next := math.Nextafter(1, 2)
	// Variables, not constants, so that the expected midpoint is rounded
	// like the code's float64 arithmetic.
	one, apart := 1.0, 1+2e-7
	tests := map[string]struct {
		values []float64
		want   float64
		leaf   bool
	}{
		"halfway":           {values: []float64{1, 2}, want: 1.5},
		"negative and zero": {values: []float64{-3, 0}, want: -1.5},
		"adjacent floats":   {values: []float64{1, next}, leaf: true},
		"apart by 1e-7":     {values: []float64{1, 1 + 1e-7}, leaf: true},
		"apart by 2e-7":     {values: []float64{one, apart}, want: one/2 + apart/2},
		"huge, no overflow": {values: []float64{math.MaxFloat64 / 2, math.MaxFloat64}, want: math.MaxFloat64/4 + math.MaxFloat64/2},
		// Neighbouring floats 256 apart: the midpoint is a tie that rounds
		// to the even neighbour, here the lower one.
		"midpoint rounds down": {values: []float64{1 << 60, 1<<60 + 256}, want: 1 << 60},
		// Here the even neighbour is the upper value, so the threshold
		// falls back to the lower one rather than sending it right.
		"midpoint rounds up": {values: []float64{1<<60 + 256, 1<<60 + 512}, want: 1<<60 + 256},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			X := [][]float64{{tc.values[0]}, {tc.values[1]}}
			got := mustFit(t, DefaultConfig(), X, []int{0, 1}, 2, nil)
			if tc.leaf {
				if got.NumNodes() != 1 {
					t.Errorf("got %s, want a single leaf", describe(got))
				}
				return
			}
			if got.NumNodes() != 3 || got.Threshold[0] != tc.want {
				t.Errorf("got %s, want one split at %v", describe(got), tc.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	tests := map[string]struct {
		cfg   func(*Config)
		field string // empty: valid
	}{
		"default":                  {cfg: func(*Config) {}},
		"entropy":                  {cfg: func(c *Config) { c.Criterion = Entropy }},
		"log_loss":                 {cfg: func(c *Config) { c.Criterion = LogLoss }},
		"unknown criterion":        {cfg: func(c *Config) { c.Criterion = "mse" }, field: "invalid config: criterion "},
		"zero value":               {cfg: func(c *Config) { *c = Config{} }, field: "invalid config: criterion "},
		"negative depth":           {cfg: func(c *Config) { c.MaxDepth = -1 }, field: "invalid config: max_depth "},
		"split 1":                  {cfg: func(c *Config) { c.MinSamplesSplit = 1 }, field: "invalid config: min_samples_split "},
		"leaf 0":                   {cfg: func(c *Config) { c.MinSamplesLeaf = 0 }, field: "invalid config: min_samples_leaf "},
		"negative max features":    {cfg: func(c *Config) { c.MaxFeatures = -1 }, field: "invalid config: MaxFeatures "},
		"negative decrease":        {cfg: func(c *Config) { c.MinImpurityDecrease = -0.1 }, field: "invalid config: min_impurity_decrease "},
		"NaN decrease":             {cfg: func(c *Config) { c.MinImpurityDecrease = math.NaN() }, field: "invalid config: min_impurity_decrease "},
		"infinite decrease":        {cfg: func(c *Config) { c.MinImpurityDecrease = math.Inf(1) }, field: "invalid config: min_impurity_decrease "},
		"every limit, with source": {cfg: func(c *Config) { *c = Config{Gini, 3, 10, 5, 2, 0.01, rand.NewPCG(1, 1), 2, Hist, 64} }},
		"zero method and bins":     {cfg: func(c *Config) { c.TreeMethod, c.MaxBin = "", 0 }},
		"exact":                    {cfg: func(c *Config) { c.TreeMethod = Exact }},
		"unknown method":           {cfg: func(c *Config) { c.TreeMethod = "approx" }, field: "invalid config: tree_method "},
		"one bin":                  {cfg: func(c *Config) { c.MaxBin = 1 }, field: "invalid config: max_bin "},
		"too many bins":            {cfg: func(c *Config) { c.MaxBin = 1 << 16 }, field: "invalid config: max_bin "},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.cfg(&cfg)
			tr, err := New(cfg)
			if tc.field == "" {
				if err != nil || tr == nil {
					t.Fatalf("New: got (%v, %v), want a trainer", tr, err)
				}
				return
			}
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("New: got %v, want an error wrapping ErrConfig", err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("New: error %q does not name %s", err, tc.field)
			}
		})
	}
}

func accuracy(t testing.TB, tr *model.Tree, X [][]float64, y []int, classes int) float64 {
	t.Helper()
	pred, err := (&model.Params{Tree: tr}).Compile(len(X[0]), classes)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	p := make([]float64, classes)
	correct := 0
	for i, x := range X {
		pred.PredictInto(p, x)
		if model.ArgMax(p) == y[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(X))
}

// describe renders a tree one node per line for failure messages.
func describe(tr *model.Tree) string {
	var sb strings.Builder
	for i, f := range tr.Feature {
		if f < 0 {
			fmt.Fprintf(&sb, "\n  %d: leaf %v (%d samples)", i, tr.Value[i], tr.Samples[i])
			continue
		}
		fmt.Fprintf(&sb, "\n  %d: x%d <= %v ? %d : %d (%d samples)", i, f, tr.Threshold[i], tr.Left[i], tr.Right[i], tr.Samples[i])
	}
	return sb.String()
}

func itoa(i int) string { return strconv.Itoa(i) }
