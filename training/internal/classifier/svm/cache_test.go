package svm

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
)

// TestColumnCache checks the cache's contract with a budget of 3 columns
// (least recently used evicted) and with one that holds all 5 (nothing
// evicted): whether a column is reported cached, and that the two columns
// of consecutive calls for different columns never share storage.
func TestColumnCache(t *testing.T) {
	const l = 5
	tests := []struct {
		name   string
		budget int
		gets   []int
		cached []bool
	}{
		{"lru", 3 * 4 * l, []int{0, 1, 2, 0, 3, 1, 0, 2}, []bool{false, false, false, true, false, false, true, false}},
		{"all fit", 4 * l * l, []int{0, 1, 2, 0, 3, 1, 0, 2, 4, 4}, []bool{false, false, false, true, false, true, true, true, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newColumnCache(l, tt.budget)
			var prev []float32
			prevI := -1
			for k, i := range tt.gets {
				col, cached := c.get(i)
				if cached != tt.cached[k] {
					t.Fatalf("get #%d (column %d): cached %v, want %v", k, i, cached, tt.cached[k])
				}
				if !cached {
					for j := range col {
						col[j] = float32(10*i + j)
					}
				} else if col[1] != float32(10*i+1) {
					t.Fatalf("get #%d: column %d holds %v", k, i, col)
				}
				if prevI >= 0 && prevI != i && &prev[0] == &col[0] {
					t.Fatalf("get #%d: columns %d and %d share storage", k, prevI, i)
				}
				prev, prevI = col, i
			}
		})
	}
}

// TestCacheSizeDoesNotChangeModel fits with a kernel cache that holds
// every column and with one of two columns, which evicts at nearly every
// step: the models must be identical, so the cache only saves time.
func TestCacheSizeDoesNotChangeModel(t *testing.T) {
	d := classifiertest.Blobs(rand.NewPCG(3, 4), 90, 4, 3)
	for _, kernel := range []string{Linear, RBF} {
		t.Run(kernel, func(t *testing.T) {
			var models []any
			for _, size := range []int{0, 2 * 4 * 90} {
				cfg := DefaultConfig()
				cfg.Kernel, cfg.CacheSize, cfg.Src = kernel, size, rand.NewPCG(1, 1)
				fit, err := mustNew(t, cfg).Fit(t.Context(), d.X, d.Y, len(d.Classes))
				if err != nil {
					t.Fatal(err)
				}
				models = append(models, fit.Params.SVM)
			}
			if !reflect.DeepEqual(models[0], models[1]) {
				t.Errorf("the full cache and a two-column cache fit different models")
			}
		})
	}
}
