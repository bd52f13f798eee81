package tune

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// TestConditionalParameters tunes the SVM's declared space with a scorer
// that prefers the linear kernel: no fit may be given gamma with the
// linear kernel (it has no effect there), every rbf fit must be given one,
// the chosen point must leave gamma out, and --apply must then keep
// params.yaml's gamma as it was.
func TestConditionalParameters(t *testing.T) {
	a, _ := algorithm.Lookup(algorithm.SVM)
	m := Model{Name: algorithm.SVM, Space: a.Space()}
	y := labels(60, 3)
	var mu sync.Mutex
	calls := map[string]int{}
	fs := func(_ context.Context, c fitCall) (fitScore, error) {
		if c.Point == nil {
			return fitScore{Accuracy: 0.9}, nil
		}
		values := map[string]any{}
		for _, s := range c.Point {
			values[s.Key] = s.Value
		}
		_, hasGamma := values["gamma"]
		mu.Lock()
		calls[values["kernel"].(string)]++
		mu.Unlock()
		if hasGamma != (values["kernel"] == "rbf") {
			t.Errorf("a fit with %v", c.Point)
		}
		v := 0.95 - math.Abs(math.Log10(values["C"].(float64))-1)/100
		if values["kernel"] == "rbf" {
			v -= 0.1
		}
		return fitScore{Accuracy: v}, nil
	}
	r, err := tuneModel(t.Context(), m, fs, testPlan(t, y, 3, true, 2))
	if err != nil {
		t.Fatal(err)
	}
	if calls["linear"] == 0 || calls["rbf"] == 0 {
		t.Fatalf("fits per kernel: %v, want both kernels tried", calls)
	}
	if len(r.Chosen) != 2 || r.Chosen[0].Value != "linear" || r.Chosen[1].Key != "C" {
		t.Fatalf("chosen %v, want {kernel: linear, C: ...} without gamma", r.Chosen)
	}
	for f, p := range r.Outer {
		if p[0].Value == "linear" && len(p) != 2 {
			t.Errorf("outer fold %d chose %v", f, p)
		}
	}

	orig, err := os.ReadFile("../../../params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "params.yaml")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Apply(path, map[string]space.Point{algorithm.SVM: r.Chosen}); err != nil {
		t.Fatal(err)
	}
	p, err := params.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := p.Models.Spec(algorithm.SVM)
	if h := spec.Hyperparameters; h["gamma"] != "scale" || h["kernel"] != "linear" || h["C"] != r.Chosen[1].Value {
		t.Errorf("svm after apply: %v, want the chosen kernel and C and gamma left as scale", h)
	}
	if got, _ := os.ReadFile(path); !strings.Contains(string(got), "    gamma: scale\n") {
		t.Errorf("the gamma line changed:\n%s", got)
	}
}
