package tree

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/model"
)

// TestPresortedGrowsTheSortedTree grows each tree twice by the exact
// method, from presorted columns and by sorting every node's rows, on
// data with many ties (where the two orders of equal values differ) and
// with unit, bootstrap-like and zero weights: the trees must be identical.
func TestPresortedGrowsTheSortedTree(t *testing.T) {
	blobs := classifiertest.Blobs(rand.NewPCG(4, 4), 400, 6, 3)
	for _, row := range blobs.X {
		for j := range row {
			row[j] = float64(int(row[j] * 2)) // ties on every feature
		}
	}
	counts := make([]float64, len(blobs.X))
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range counts {
		counts[i] = float64(rng.IntN(4)) // 0 to 3, as a bootstrap draws
	}
	tests := map[string]struct {
		cfg     func(*Config)
		weights []float64
	}{
		"gini, every feature":          {cfg: func(*Config) {}},
		"entropy, 2 features per node": {cfg: func(c *Config) { c.Criterion, c.MaxFeatures = Entropy, 2 }},
		"bootstrap counts, depth 4":    {cfg: func(c *Config) { c.MaxDepth = 4 }, weights: counts},
		"leaf 3, 3 features, counts":   {cfg: func(c *Config) { c.MinSamplesLeaf, c.MaxFeatures = 3, 3 }, weights: counts},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			grow := func(s *Sorted) *model.Tree {
				cfg := DefaultConfig()
				cfg.TreeMethod = Exact
				cfg.Src = rand.NewPCG(6, 6)
				tc.cfg(&cfg)
				fit, err := mustNew(t, cfg).fit(t.Context(), s, nil, blobs.Y, len(blobs.Classes), tc.weights)
				if err != nil {
					t.Fatal(err)
				}
				return fit.Params.Tree
			}
			pre, sorting := grow(Sort(blobs.X)), grow(&Sorted{X: blobs.X})
			if pre.NumNodes() < 15 {
				t.Fatalf("%d nodes: too small a tree to tell", pre.NumNodes())
			}
			if !reflect.DeepEqual(pre, sorting) {
				t.Errorf("presorted tree (%d nodes) differs from the sorting one (%d nodes)", pre.NumNodes(), sorting.NumNodes())
			}
		})
	}
}

func TestFitSortedRejectsLabels(t *testing.T) {
	X := [][]float64{{1}, {2}, {3}}
	tr := mustNew(t, DefaultConfig())
	for name, y := range map[string][]int{"short": {0, 1}, "out of range": {0, 1, 2}} {
		if _, err := tr.FitSorted(t.Context(), Sort(X), y, 2, nil); !errors.Is(err, classifier.ErrShape) && !errors.Is(err, classifier.ErrLabel) {
			t.Errorf("%s labels: got %v, want ErrShape or ErrLabel", name, err)
		}
	}
}

func TestPresorts(t *testing.T) {
	for _, tc := range []struct {
		maxFeatures, d, n int
		want              bool
	}{
		{0, 13, 150, true},        // every feature scanned: presort
		{1, 13, 150, true},        // wine-sized, one feature a node: 3·1·8 >= 13
		{1, 64, 1500, false},      // digits-sized, one feature a node: sorting it is cheaper
		{8, 64, 1500, true},       // digits-sized, sqrt(64) features a node
		{2, 1000, 100, false},     // wide data, few features a node
		{0, 20, 1_000_000, false}, // told to be exact on a million rows: too much memory
		{0, 20, presortMaxEntries / 20, true},
	} {
		if got := Presorts(tc.maxFeatures, tc.d, tc.n); got != tc.want {
			t.Errorf("Presorts(%d, %d, %d) = %v, want %v", tc.maxFeatures, tc.d, tc.n, got, tc.want)
		}
	}
}
