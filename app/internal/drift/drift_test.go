package drift

import (
	"math"
	"testing"

	"github.com/mlopsgo/mlops/training/model"
)

// tol is the tolerance for scores computed by hand below.
const tol = 1e-12

func TestPSIAndKS(t *testing.T) {
	tests := []struct {
		name     string
		ref, cur []int
		psi, ks  float64
	}{
		// Same proportions: no drift, whatever the counts.
		{name: "same", ref: []int{10, 20, 30}, cur: []int{1, 2, 3}, psi: 0, ks: 0},
		// By hand: (0.9-0.5)ln(0.9/0.5) + (0.1-0.5)ln(0.1/0.5).
		{name: "shifted", ref: []int{50, 50}, cur: []int{90, 10}, psi: 0.4*math.Log(1.8) + 0.4*math.Log(5), ks: 0.4},
		// An empty current bin counts as Epsilon: (1e-4-0.5)ln(1e-4/0.5) + (1-0.5)ln(1/0.5).
		{name: "empty bin", ref: []int{1, 1}, cur: []int{0, 7}, psi: (Epsilon-0.5)*math.Log(Epsilon/0.5) + 0.5*math.Log(2), ks: 0.5},
		{name: "empty window", ref: []int{1, 1}, cur: []int{0, 0}, psi: 0, ks: 0},
		// Everything above the training maximum.
		{name: "all above", ref: []int{0, 5, 5, 0}, cur: []int{0, 0, 0, 4}, psi: 2*(0.5-Epsilon)*math.Log(0.5/Epsilon) + (1-Epsilon)*math.Log(1/Epsilon), ks: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PSI(tt.ref, tt.cur); math.Abs(got-tt.psi) > tol {
				t.Errorf("PSI(%v, %v) = %v, want %v", tt.ref, tt.cur, got, tt.psi)
			}
			if got := KS(tt.ref, tt.cur); math.Abs(got-tt.ks) > tol {
				t.Errorf("KS(%v, %v) = %v, want %v", tt.ref, tt.cur, got, tt.ks)
			}
		})
	}
}

func feature(name string, values ...float64) model.Feature {
	return model.Feature{Name: name, Valid: model.Range{Min: 0, Max: 100}, Stats: model.NewStats(values, 4)}
}

func TestWindow(t *testing.T) {
	// Training values 0..7 over 4 bins of width 1.75: two values per bin.
	feats := []model.Feature{feature("a", 0, 1, 2, 3, 4, 5, 6, 7), feature("b", 0, 1, 2, 3, 4, 5, 6, 7)}
	w := NewWindow(feats, 4)
	scores, n := w.Scores(nil)
	if n != 0 || len(scores) != 2 || scores[0].PSI != 0 {
		t.Fatalf("empty window: scores %v over %d, want zeros over 0", scores, n)
	}
	// Feature a follows the training distribution; b sits above the maximum.
	w.Observe([]float64{0.5, 50, 2.5, 50, 4.5, 50, 6.5, 50}, nil)
	scores, n = w.Scores(scores[:0])
	if n != 4 {
		t.Fatalf("window holds %d observations, want 4", n)
	}
	if scores[0].Feature != "a" || math.Abs(scores[0].PSI) > tol || scores[0].KS > tol {
		t.Errorf("in-distribution feature: %+v, want PSI 0 and KS 0", scores[0])
	}
	if scores[1].Feature != "b" || scores[1].PSI < 1 || math.Abs(scores[1].KS-1) > tol {
		t.Errorf("shifted feature: %+v, want PSI > 1 and KS 1", scores[1])
	}
	// Four in-distribution rows push the shifted ones out of the window.
	w.Observe([]float64{0.5, 0.5, 2.5, 2.5, 4.5, 4.5, 6.5, 6.5}, nil)
	scores, n = w.Scores(scores[:0])
	if n != 4 || math.Abs(scores[1].PSI) > tol || scores[1].KS > tol {
		t.Errorf("after the window moved on: %+v over %d, want no drift over 4", scores, n)
	}
}

func TestObserveConcurrently(t *testing.T) {
	w := NewWindow([]model.Feature{feature("a", 1, 2, 3)}, 10)
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				w.Observe([]float64{float64(i % 4)}, nil)
			}
		}()
	}
	for range 4 {
		<-done
	}
	if _, n := w.Scores(nil); n != 10 {
		t.Errorf("window holds %d observations, want its size 10", n)
	}
}

// TestWindowMissing observes rows whose feature b was null and filled with
// its training median: those values must count in no bin, so that b shows
// no drift although every one of them sits in the median's bin, and must
// leave the window cleanly when newer rows push them out.
func TestWindowMissing(t *testing.T) {
	feats := []model.Feature{feature("a", 0, 1, 2, 3, 4, 5, 6, 7), feature("b", 0, 1, 2, 3, 4, 5, 6, 7)}
	w := NewWindow(feats, 4)
	// b: one observed value per bin, and two rows whose b was imputed as
	// 3.5 (indices 3 and 7 of the rows).
	w.Observe([]float64{0.5, 0.5, 2.5, 3.5, 4.5, 2.5, 6.5, 3.5}, []int{3, 7})
	scores, n := w.Scores(nil)
	if n != 4 {
		t.Fatalf("window holds %d observations, want 4", n)
	}
	// Observed b values 0.5 and 2.5, in the first two of four bins.
	if want := 0.5; math.Abs(scores[1].KS-want) > tol {
		t.Errorf("b with two missing values: KS %v, want %v (over the two observed values only)", scores[1].KS, want)
	}
	// Everything imputed: b has no observed value, so no drift.
	w.Observe([]float64{0.5, 3.5, 2.5, 3.5, 4.5, 3.5, 6.5, 3.5}, []int{1, 3, 5, 7})
	if scores, _ = w.Scores(scores[:0]); scores[1].PSI != 0 || scores[1].KS != 0 {
		t.Errorf("b all missing: %+v, want PSI 0 and KS 0", scores[1])
	}
	// Observed again: the missing slots leave the window.
	w.Observe([]float64{0.5, 0.5, 2.5, 2.5, 4.5, 4.5, 6.5, 6.5}, nil)
	if scores, _ = w.Scores(scores[:0]); math.Abs(scores[1].PSI) > tol || scores[1].KS > tol {
		t.Errorf("after the missing rows left: %+v, want no drift", scores[1])
	}
	for j, c := range w.counts {
		if c[len(c)-1] != 0 {
			t.Errorf("feature %d still counts %d missing values", j, c[len(c)-1])
		}
	}
}
