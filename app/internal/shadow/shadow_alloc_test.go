//go:build !race

package shadow

import (
	"testing"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
)

// TestSubmitAllocs: what a request pays for shadow scoring allocates
// nothing once the job pool is warm, whether the job is sampled out or
// dropped on a full queue (a busy scorer must not make traffic allocate).
func TestSubmitAllocs(t *testing.T) {
	tree := modeltest.Bundle(t, "decision_tree", "decision_tree")
	tests := []struct {
		name   string
		sample float64
	}{
		{"sampled out", 0.5},
		{"queue full", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGate(tree)
			s, _ := newScorer(t, Options{QueueSize: 1, Sample: tt.sample, Float64: func() float64 { return 0.9 }})
			targets := []*Target{s.Target("decision_tree", g, "served")}
			x, probs := served(tree, modeltest.Setosa)
			if tt.name == "queue full" {
				s.Submit(targets, x, probs, nf, nc)
				g.waitEntered(t)
				s.Submit(targets, x, probs, nf, nc) // fills the queue
			}
			if n := testing.AllocsPerRun(100, func() { s.Submit(targets, x, probs, nf, nc) }); n != 0 {
				t.Errorf("Submit: %v allocations, want 0", n)
			}
			close(g.open)
		})
	}
}
