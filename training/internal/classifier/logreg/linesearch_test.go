package logreg

import (
	"errors"
	"testing"

	"gonum.org/v1/gonum/optimize"
)

// TestBoundedLinesearch drives a bisection that never finds a decrease: the
// bound must end it after maxLineSearch evaluations with gonum's failure, and
// a new search must start counting again.
func TestBoundedLinesearch(t *testing.T) {
	ls := &boundedLinesearch{Linesearcher: &optimize.Bisection{}}
	for search := range 2 {
		op := ls.Init(1, -1, 1)
		evals := 1
		var err error
		for op&optimize.FuncEvaluation != 0 {
			// Every trial point is worse than the start.
			op, _, err = ls.Iterate(2, 0)
			if err != nil {
				break
			}
			evals++
		}
		if !errors.Is(err, optimize.ErrLinesearcherFailure) || evals != maxLineSearch {
			t.Errorf("search %d: got %d evaluations and error %v, want %d and ErrLinesearcherFailure", search, evals, err, maxLineSearch)
		}
	}
}

// TestBoundedLinesearchAccepts checks that a search that succeeds within
// the bound is passed through unchanged.
func TestBoundedLinesearchAccepts(t *testing.T) {
	ls := &boundedLinesearch{Linesearcher: &optimize.Bisection{}}
	op := ls.Init(1, -1, 1)
	if op != optimize.FuncEvaluation {
		t.Fatalf("Init: got %v, want a function evaluation", op)
	}
	// f(1) = 0.5 is a decrease; the gradient is then asked for.
	op, step, err := ls.Iterate(0.5, 0)
	if err != nil || op != optimize.GradEvaluation || step != 1 {
		t.Fatalf("Iterate(0.5): got %v %v %v, want a gradient evaluation at step 1", op, step, err)
	}
	// A flat derivative meets the strong Wolfe conditions.
	op, _, err = ls.Iterate(0.5, 0)
	if err != nil || op != optimize.MajorIteration {
		t.Fatalf("Iterate: got %v %v, want a major iteration", op, err)
	}
}

// TestMonitor checks the stopping rules in SciPy's order.
func TestMonitor(t *testing.T) {
	loc := func(f float64, g ...float64) *optimize.Location {
		return &optimize.Location{F: f, Gradient: g}
	}
	tests := map[string]struct {
		steps []*optimize.Location
		want  []optimize.Status
	}{
		"gradient test at the start": {
			steps: []*optimize.Location{loc(5, 1e-5)},
			want:  []optimize.Status{optimize.GradientThreshold},
		},
		"no decrease test at the start": {
			steps: []*optimize.Location{loc(0, 1)},
			want:  []optimize.Status{optimize.NotTerminated},
		},
		"relative decrease within ftol": {
			steps: []*optimize.Location{loc(1000, 1), loc(900, 1), loc(900-1e-6, 1)},
			want:  []optimize.Status{optimize.NotTerminated, optimize.NotTerminated, optimize.FunctionConvergence},
		},
		"decrease above ftol": {
			steps: []*optimize.Location{loc(1000, 1), loc(1000-1e-4, 1)},
			want:  []optimize.Status{optimize.NotTerminated, optimize.NotTerminated},
		},
		"floor of one for small objectives": {
			steps: []*optimize.Location{loc(1e-3, 1), loc(1e-3-1e-10, 1)},
			want:  []optimize.Status{optimize.NotTerminated, optimize.FunctionConvergence},
		},
		"gradient test before the decrease test": {
			steps: []*optimize.Location{loc(1, 1), loc(1, 1e-5)},
			want:  []optimize.Status{optimize.NotTerminated, optimize.GradientThreshold},
		},
		"iteration limit last": {
			steps: []*optimize.Location{loc(10, 1), loc(9, 1), loc(8, 1)},
			want:  []optimize.Status{optimize.NotTerminated, optimize.NotTerminated, optimize.IterationLimit},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m := &monitor{tol: 1e-4, ftol: 1e-8, maxIter: 2, c: 2}
			m.Init(1)
			for i, l := range tc.steps {
				if got := m.Converged(l); got != tc.want[i] {
					t.Errorf("step %d: got %v, want %v", i, got, tc.want[i])
				}
			}
			if want := len(tc.steps) - 1; len(m.history) != want || (want > 0 && m.history[want-1] != 2*tc.steps[want].F) {
				t.Errorf("history %v, want the %d objectives after the start, times C", m.history, want)
			}
		})
	}
}
