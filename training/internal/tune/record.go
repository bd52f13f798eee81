package tune

import (
	"time"

	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// Search is the record of one search: every trial it ran, for the run
// store, the exporters and the report.
type Search struct {
	// Fold is the outer fold whose training part the search ran on, or -1
	// for the final search on the training split.
	Fold int
	// Rows is the number of rows the search's inner folds split.
	Rows int
	// Best is the number of the best complete trial, or -1 if none
	// completed.
	Best int
	// Test is the best trial's score on the outer fold's test rows: the
	// fold's share of the nested estimate; 0 for the final search, which
	// has no test rows.
	Test   float64
	Trials []Trial
}

// TrialState is how a trial ended.
type TrialState string

// The states of a trial.
const (
	// TrialComplete: scored on every inner fold.
	TrialComplete TrialState = "complete"
	// TrialPruned: stopped at a rung by successive halving.
	TrialPruned TrialState = "pruned"
	// TrialInfeasible: the algorithm rejected the point with the settings
	// params.yaml fixes.
	TrialInfeasible TrialState = "infeasible"
)

// Trial is one trial of a search.
type Trial struct {
	Number int
	Point  space.Point
	// Scores are the inner folds' accuracies, in fold order, as far as the
	// trial got (an infeasible trial has one 0).
	Scores []float64
	// LogLosses are the same folds' log losses, which break ties of the
	// mean accuracy when the best trial is chosen.
	LogLosses []float64
	State     TrialState
	// Duration is the time its fits took, summed over folds.
	Duration time.Duration
}

// record returns the search record of s, whose outer test score is test.
func (s *study) record(fold, rows int, test float64) Search {
	rec := Search{Fold: fold, Rows: rows, Best: -1, Test: test, Trials: make([]Trial, len(s.trials))}
	if b := s.best(); b != nil {
		rec.Best = b.number
	}
	for i, t := range s.trials {
		state := TrialComplete
		switch {
		case t.infeasible:
			state = TrialInfeasible
		case t.pruned:
			state = TrialPruned
		}
		rec.Trials[i] = Trial{Number: t.number, Point: t.point, Scores: append([]float64(nil), t.scores...),
			LogLosses: append([]float64(nil), t.losses...), State: state, Duration: t.elapsed}
	}
	return rec
}
