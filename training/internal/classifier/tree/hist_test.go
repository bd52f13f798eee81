package tree

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/model"
)

func histConfig() Config {
	cfg := DefaultConfig()
	cfg.TreeMethod = Hist
	return cfg
}

func TestHistConformance(t *testing.T) {
	iris := classifiertest.Iris(t)
	configs := map[string]func() Config{
		"hist":         histConfig,
		"hist, 4 bins": func() Config { c := histConfig(); c.MaxBin = 4; return c },
		"hist, seeded, two features per split": func() Config {
			cfg := histConfig()
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

// rounded returns a copy of X with every value rounded to one decimal, so
// that no feature has more than 256 distinct values.
func rounded(X [][]float64) [][]float64 {
	out := make([][]float64, len(X))
	for i, row := range X {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = math.Round(v*10) / 10
		}
	}
	return out
}

// TestHistGrowsTheExactTree checks that where every feature has at most
// max_bin distinct values, so that every value has its own bin, the hist
// method grows the exact method's tree node for node: the same candidates
// (between neighbouring values), judged by the same rule, with the same
// thresholds. Node histograms with subtraction (all features), per-feature
// histograms (drawn features), weights and both criteria are covered.
func TestHistGrowsTheExactTree(t *testing.T) {
	iris := classifiertest.Iris(t)
	blobs := classifiertest.Classification(rand.NewPCG(1, 2), 3000, 6, 4, 3)
	blobs.X = rounded(blobs.X)
	bootstrap := func(n int) []float64 {
		rng := rand.New(rand.NewPCG(9, uint64(n)))
		w := make([]float64, n)
		for range n {
			w[rng.IntN(n)]++
		}
		return w
	}
	tests := map[string]struct {
		data    classifiertest.Dataset
		cfg     func(*Config)
		weights bool
	}{
		"iris":                     {data: iris, cfg: func(*Config) {}},
		"iris entropy":             {data: iris, cfg: func(c *Config) { c.Criterion = Entropy }},
		"iris two features":        {data: iris, cfg: func(c *Config) { c.MaxFeatures, c.Src = 2, rand.NewPCG(3, 3) }, weights: true},
		"blobs":                    {data: blobs, cfg: func(*Config) {}},
		"blobs leaf 20 depth 6":    {data: blobs, cfg: func(c *Config) { c.MinSamplesLeaf, c.MaxDepth = 20, 6 }},
		"blobs weighted entropy":   {data: blobs, cfg: func(c *Config) { c.Criterion = Entropy }, weights: true},
		"blobs two features":       {data: blobs, cfg: func(c *Config) { c.MaxFeatures, c.Src = 2, rand.NewPCG(4, 4) }, weights: true},
		"blobs min decrease 0.001": {data: blobs, cfg: func(c *Config) { c.MinImpurityDecrease, c.MinSamplesSplit = 0.001, 10 }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var w []float64
			if tc.weights {
				w = bootstrap(len(tc.data.X))
			}
			fits := map[string]*model.Tree{}
			for _, method := range []string{Exact, Hist} {
				cfg := DefaultConfig()
				tc.cfg(&cfg)
				if cfg.Src != nil {
					cfg.Src = rand.NewPCG(5, 5) // the same draws for both methods
				}
				cfg.TreeMethod = method
				fits[method] = mustFit(t, cfg, tc.data.X, tc.data.Y, len(tc.data.Classes), w)
			}
			if !reflect.DeepEqual(fits[Exact], fits[Hist]) {
				t.Errorf("hist tree differs from the exact one:\nexact:%s\nhist:%s", describe(fits[Exact]), describe(fits[Hist]))
			}
		})
	}
}

// TestHistAccuracy compares the methods where bins do hold many values:
// on 20,000 rows of overlapping classes (20 features, 10 informative) the
// hist tree's held-out accuracy is within a point of the exact tree's.
func TestHistAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("fits two trees on 16,000 rows")
	}
	d := classifiertest.Classification(rand.NewPCG(7, 7), 20000, 20, 10, 3)
	train, test := 16000, 20000
	const tol = 0.01
	for _, leaf := range []int{1, 32} {
		acc := map[string]float64{}
		for _, method := range []string{Exact, Hist} {
			cfg := DefaultConfig()
			cfg.TreeMethod, cfg.MinSamplesLeaf = method, leaf
			tr := mustFit(t, cfg, d.X[:train], d.Y[:train], 3, nil)
			acc[method] = accuracy(t, tr, d.X[train:test], d.Y[train:test], 3)
		}
		t.Logf("min_samples_leaf %d: held-out accuracy exact %.4f, hist %.4f", leaf, acc[Exact], acc[Hist])
		if math.Abs(acc[Exact]-acc[Hist]) > tol {
			t.Errorf("min_samples_leaf %d: held-out accuracy exact %.4f, hist %.4f; want within %v", leaf, acc[Exact], acc[Hist], tol)
		}
	}
}

// TestHistWorkersDoNotChangeTheTree fits hist trees whose top nodes build
// their histograms in parallel with 1 and 4 workers: the bundles' model
// bytes must be equal.
func TestHistWorkersDoNotChangeTheTree(t *testing.T) {
	d := classifiertest.Classification(rand.NewPCG(3, 4), 8000, 12, 8, 3)
	var first []byte
	for _, workers := range []int{1, 4} {
		cfg := histConfig()
		cfg.Workers, cfg.Src = workers, rand.NewPCG(7, 8)
		fit, err := mustNew(t, cfg).Fit(t.Context(), d.X, d.Y, 3)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(fit.Params)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			if n := fit.Params.Tree.NumNodes(); n < 100 {
				t.Fatalf("%d nodes; the test wants a deep tree", n)
			}
			continue
		}
		if !bytes.Equal(got, first) {
			t.Errorf("the tree fitted with %d workers differs from the one worker's", workers)
		}
	}
}

// TestHistThreshold checks, by hand, where a split between bins puts its
// threshold. With max_bin 2 the cuts of {1, 2, 3, 10, 11, 12} (XGBoost's
// rule: the summary pruned to 3 entries by rank, {1, 3 or 10, 12}) leave two
// bins; the tree's threshold lies halfway between the largest value of the
// left bin and the smallest of the right one, so x <= threshold sends every
// training value the way its bin went, and values between the bins go by
// that midpoint.
func TestHistThreshold(t *testing.T) {
	X := [][]float64{{1}, {2}, {3}, {10}, {11}, {12}}
	y := []int{0, 0, 0, 1, 1, 1}
	bins := Bin(X, 2, 1)
	if bins.bins[0] != 2 {
		t.Fatalf("%d bins, want 2: lo %v, hi %v", bins.bins[0], bins.lo[0], bins.hi[0])
	}
	left, right := bins.hi[0][0], bins.lo[0][1]
	cfg := histConfig()
	cfg.MaxBin = 2
	got := mustFit(t, cfg, X, y, 2, nil)
	if got.NumNodes() != 3 || got.Threshold[0] != left/2+right/2 {
		t.Fatalf("got %s, want one split halfway between %v and %v", describe(got), left, right)
	}
	for i, x := range X {
		if wantLeft := bins.col8[0][i] == 0; (x[0] <= got.Threshold[0]) != wantLeft {
			t.Errorf("value %v in bin %d goes the other way at threshold %v", x[0], bins.col8[0][i], got.Threshold[0])
		}
	}
	// Each side is pure, so the leaves hold one class each.
	if got.Value[1][0] != 1 || got.Value[2][1] != 1 {
		t.Errorf("got %s, want pure leaves", describe(got))
	}
}

// TestAutoMethod checks that Auto resolves by the number of rows.
func TestAutoMethod(t *testing.T) {
	tests := []struct {
		setting string
		rows    int
		want    string
	}{
		{Auto, AutoHistRows - 1, Exact},
		{Auto, AutoHistRows, Hist},
		{"", AutoHistRows, Hist},
		{Exact, 10 * AutoHistRows, Exact},
		{Hist, 10, Hist},
	}
	for _, tt := range tests {
		if got := Method(tt.setting, tt.rows); got != tt.want {
			t.Errorf("Method(%q, %d) = %s, want %s", tt.setting, tt.rows, got, tt.want)
		}
	}
}

// TestRecorded checks what bundles record: the default settings on small
// data record nothing new, so Iris bundles are as before the hist method.
func TestRecorded(t *testing.T) {
	tests := []struct {
		name            string
		method          string
		rows            int
		wantMethod, bin any // nil: not recorded
	}{
		{"auto, exact", Auto, 150, nil, nil},
		{"auto, hist", Auto, AutoHistRows, Hist, DefaultMaxBin},
		{"exact asked", Exact, AutoHistRows, Exact, nil},
		{"hist asked", Hist, 150, Hist, DefaultMaxBin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.TreeMethod = tt.method
			got := cfg.Recorded(tt.rows)
			if got["tree_method"] != tt.wantMethod || got["max_bin"] != tt.bin {
				t.Errorf("Recorded(%d) = %v; want tree_method %v, max_bin %v", tt.rows, got, tt.wantMethod, tt.bin)
			}
			if _, ok := got["criterion"]; !ok {
				t.Errorf("Recorded(%d) = %v lacks the other settings", tt.rows, got)
			}
		})
	}
}
