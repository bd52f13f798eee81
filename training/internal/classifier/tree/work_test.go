package tree

import (
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/model"
)

// TestFitsShareNoMemory grows trees of different shapes on several
// goroutines, each builder taking its buffers from the shared pool, and
// checks that no tree changed after its fit returned: a finished tree must
// hold copies, never the pooled buffers the next fit reuses.
func TestFitsShareNoMemory(t *testing.T) {
	iris := classifiertest.Iris(t)
	// Fits of other shapes: fewer rows, two classes, weights, one feature.
	fits := []func(seed uint64) *model.Tree{
		func(seed uint64) *model.Tree {
			cfg := DefaultConfig()
			cfg.MaxFeatures = 2
			cfg.Src = rand.NewPCG(seed, 1)
			return mustFit(t, cfg, iris.X, iris.Y, len(iris.Classes), nil)
		},
		func(seed uint64) *model.Tree {
			y := make([]int, 40)
			for i := range y {
				y[i] = iris.Y[i+40] % 2
			}
			cfg := DefaultConfig()
			cfg.Src = rand.NewPCG(seed, 2)
			return mustFit(t, cfg, iris.X[40:80], y, 2, nil)
		},
		func(seed uint64) *model.Tree {
			w := make([]float64, len(iris.X))
			rng := rand.New(rand.NewPCG(seed, 3))
			for i := range w {
				w[i] = float64(rng.IntN(3))
			}
			cfg := DefaultConfig()
			cfg.MaxDepth = 3
			return mustFit(t, cfg, iris.X, iris.Y, len(iris.Classes), w)
		},
		func(uint64) *model.Tree {
			X := make([][]float64, len(iris.X))
			for i, row := range iris.X {
				X[i] = row[2:3]
			}
			return mustFit(t, DefaultConfig(), X, iris.Y, len(iris.Classes), nil)
		},
	}
	type grown struct {
		tree, copy *model.Tree
	}
	var (
		mu    sync.Mutex
		trees []grown
		wg    sync.WaitGroup
	)
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				tr := fits[(g+i)%len(fits)](uint64(i))
				mu.Lock()
				trees = append(trees, grown{tr, deepCopy(tr)})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for i, g := range trees {
		if !reflect.DeepEqual(g.tree, g.copy) {
			t.Fatalf("tree %d changed after its fit returned:\nnow  %s\nthen %s", i, describe(g.tree), describe(g.copy))
		}
	}
}

func deepCopy(t *model.Tree) *model.Tree {
	c := &model.Tree{
		Feature:   append([]int(nil), t.Feature...),
		Threshold: append([]float64(nil), t.Threshold...),
		Left:      append([]int(nil), t.Left...),
		Right:     append([]int(nil), t.Right...),
		Samples:   append([]int(nil), t.Samples...),
	}
	for _, v := range t.Value {
		if v == nil {
			c.Value = append(c.Value, nil)
			continue
		}
		c.Value = append(c.Value, append([]float64(nil), v...))
	}
	return c
}
