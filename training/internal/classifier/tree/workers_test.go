package tree

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// TestWorkersDoNotChangeTheTree fits trees large enough that their top
// nodes scan features in parallel, with 1, 2 and 4 workers: each tree must
// be the same, node for node, as the one worker's.
func TestWorkersDoNotChangeTheTree(t *testing.T) {
	d := classifiertest.Blobs(rand.NewPCG(3, 4), 6000, 12, 3)
	noise := rand.New(rand.NewPCG(5, 6))
	for _, row := range d.X {
		for j := range row {
			row[j] += 2 * noise.NormFloat64() // overlapping classes: a deep tree
		}
	}
	for _, criterion := range []string{Gini, Entropy} {
		var first *classifier.Fitted
		for _, workers := range []int{1, 2, 4} {
			cfg := DefaultConfig()
			cfg.Criterion, cfg.Workers, cfg.Src = criterion, workers, rand.NewPCG(7, 8)
			tr, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			fit, err := tr.Fit(t.Context(), d.X, d.Y, len(d.Classes))
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = fit
				if n := fit.Params.Tree.NumNodes(); n < 100 {
					t.Fatalf("%s: %d nodes; the test wants a deep tree", criterion, n)
				}
				continue
			}
			if !reflect.DeepEqual(fit.Params, first.Params) {
				t.Errorf("%s: the tree fitted with %d workers differs from the one worker's", criterion, workers)
			}
		}
	}
}
