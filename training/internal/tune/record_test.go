package tune

import (
	"context"
	"testing"
)

// TestSearchRecords checks the trial records a tuning run keeps: one
// search per outer fold then the final one, every trial with its state,
// its scores as far as it got, and the best trial and outer score matching
// the result's summaries.
func TestSearchRecords(t *testing.T) {
	y := labels(60, 3)
	fs := func(_ context.Context, c fitCall) (fitScore, error) { return fakeScore(c), nil }
	pl := testPlan(t, y, 3, true, 2)
	r, err := tuneModel(t.Context(), testModel, fs, pl)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(r.Searches), len(pl.outer)+1; got != want {
		t.Fatalf("%d searches, want %d", got, want)
	}
	pruned := 0
	for i, s := range r.Searches {
		wantFold, wantRows := i, len(pl.final)
		if i < len(pl.outer) {
			wantRows = len(pl.outer[i].Train)
		} else {
			wantFold = -1
		}
		if s.Fold != wantFold || s.Rows != wantRows {
			t.Errorf("search %d: fold %d rows %d, want fold %d rows %d", i, s.Fold, s.Rows, wantFold, wantRows)
		}
		if len(s.Trials) != pl.opts.trials {
			t.Errorf("search %d: %d trials, want %d", i, len(s.Trials), pl.opts.trials)
		}
		for n, tr := range s.Trials {
			if tr.Number != n || len(tr.Point) != 1 {
				t.Errorf("search %d trial %d: number %d, point %v", i, n, tr.Number, tr.Point)
			}
			switch tr.State {
			case TrialComplete:
				if len(tr.Scores) != 3 {
					t.Errorf("search %d trial %d: complete with %d scores", i, n, len(tr.Scores))
				}
			case TrialPruned:
				pruned++
				if len(tr.Scores) == 0 || len(tr.Scores) >= 3 {
					t.Errorf("search %d trial %d: pruned with %d scores", i, n, len(tr.Scores))
				}
			default:
				t.Errorf("search %d trial %d: state %q", i, n, tr.State)
			}
		}
		if s.Best < 0 || s.Trials[s.Best].State != TrialComplete {
			t.Errorf("search %d: best trial %d is not a complete one", i, s.Best)
			continue
		}
		if i < len(pl.outer) {
			if s.Test != r.Nested.Values[i] || s.Trials[s.Best].Point.String() != r.Outer[i].String() {
				t.Errorf("search %d: best %v scoring %v, result says %v scoring %v", i, s.Trials[s.Best].Point, s.Test, r.Outer[i], r.Nested.Values[i])
			}
		} else if s.Test != 0 || s.Trials[s.Best].Point.String() != r.Chosen.String() {
			t.Errorf("final search: best %v test %v, want %v and 0", s.Trials[s.Best].Point, s.Test, r.Chosen)
		}
	}
	if pruned != r.Pruned {
		t.Errorf("%d pruned trial records, result counts %d", pruned, r.Pruned)
	}
}

// zeroDurations clears r's timings, the only part of a result that may
// differ between two runs with the same seed.
func zeroDurations(r *ModelResult) {
	r.Duration = 0
	for i := range r.Searches {
		for j := range r.Searches[i].Trials {
			r.Searches[i].Trials[j].Duration = 0
		}
	}
}
