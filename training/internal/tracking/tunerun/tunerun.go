// Package tunerun is the tracked `mlops tune` runs: it records a tuning
// into the run store as a run of kind "tune" (begun before the searches,
// filled from tune.Result with every search and trial, marked finished or
// failed) and, when asked, exports it, the way package trainrun records
// `mlops train`, whose Track it uses.
package tunerun

import (
	"context"
	"log/slog"
	"time"

	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trainrun"
	"github.com/mlopsgo/mlops/training/internal/tune"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// Sampler is the sampler tune.Run searches with, as the record names it.
const Sampler = "tpe"

// Options says what the tuning run is and where it goes: the recording
// (RunsDir "" or trainrun.Off records nothing) and the search settings
// the command was given, which the record keeps beside the params file's.
type Options struct {
	trainrun.Options
	// Trials is --trials: each search's trial budget. Optional. Default:
	// the params file's tune.trials, or none when Time is set.
	Trials int
	// Time is --time: the searches' time budget. Optional. Default: none.
	Time time.Duration
	// NoPruning is --no-pruning. Optional. Default: false.
	NoPruning bool
	// Apply is --apply: the chosen parameters are written into the params
	// file once the searches are done. Optional. Default: false.
	Apply bool
}

// Run runs fn, the tuning (and, with opts.Apply, the writing of the
// chosen parameters), as a run of kind "tune" recorded in opts.RunsDir,
// then exports it when opts.Tracker is set; see trainrun.Track. When fn
// fails with a result (the searches finished, --apply did not), the run
// records the result and the reason, and is not marked applied.
func Run(ctx context.Context, logger *slog.Logger, opts Options, fn func(context.Context) (*tune.Result, error)) (*tune.Result, error) {
	failed := false
	wrapped := func(ctx context.Context) (*tune.Result, error) {
		res, err := fn(ctx)
		failed = err != nil
		return res, err
	}
	return trainrun.Track(ctx, logger, opts.Options, tracking.KindTune, wrapped, func(run *tracking.Run, res *tune.Result) {
		Fill(run, res, opts, !failed)
	})
}

// Fill copies a tuning result into run: the effective parameters, the
// data and outer cross-validation, and the tune section with the
// settings, and each model's estimates, chosen point, space and searches
// with every trial. applied says whether the chosen parameters were
// written (opts.Apply, and the write succeeded).
func Fill(run *tracking.Run, res *tune.Result, opts Options, applied bool) {
	run.Kind = tracking.KindTune
	trainrun.FillSetup(run, res.Params, res.Dataset)
	t := &tracking.Tune{
		Sampler: Sampler, Pruning: !opts.NoPruning, Applied: applied && opts.Apply,
		Models: make([]tracking.TunedModel, 0, len(res.Models)),
	}
	if p := res.Params; p != nil {
		t.Batch, t.InnerFolds, t.Trials = p.Tune.Batch, p.Tune.InnerFolds, p.Tune.Trials
	}
	switch {
	case opts.Trials > 0:
		t.Trials = opts.Trials
	case opts.Time > 0:
		// Bounded by time alone (tune.Options.Time without Trials).
		t.Trials = 0
	}
	if opts.Time > 0 {
		t.TimeBudgetSeconds = opts.Time.Seconds()
	}
	for _, m := range res.Models {
		t.Models = append(t.Models, Model(m))
	}
	run.Tune = t
}

// Model returns the record of one model's tuning.
func Model(m *tune.ModelResult) tracking.TunedModel {
	tm := tracking.TunedModel{
		Name: m.Name, Algorithm: m.Name, Status: tracking.ModelTrained,
		Space:     Space(m.Space),
		DefaultCV: cv(m.DefaultCV), Nested: cv(m.Nested), InnerBest: cv(m.InnerBest),
		Chosen: Point(m.Chosen), ChosenInner: m.ChosenInner,
		Pruned: m.Pruned, DurationSeconds: m.Duration.Seconds(),
		Searches: make([]tracking.TuneSearch, len(m.Searches)),
	}
	for i, s := range m.Searches {
		ts := tracking.TuneSearch{Fold: s.Fold, Rows: s.Rows, Best: s.Best, Trials: make([]tracking.TuneTrial, len(s.Trials))}
		if s.Fold >= 0 {
			// Only an outer search has test rows; the final one's 0 is
			// not a score.
			test := s.Test
			ts.Test = &test
		}
		for j, tr := range s.Trials {
			ts.Trials[j] = tracking.TuneTrial{
				Number: tr.Number, Params: Point(tr.Point), Scores: tr.Scores, LogLosses: tr.LogLosses,
				State: string(tr.State), DurationSeconds: tr.Duration.Seconds(),
			}
		}
		tm.Searches[i] = ts
	}
	return tm
}

// Space returns the record of a search space.
func Space(s space.Space) []tracking.TuneDim {
	out := make([]tracking.TuneDim, len(s))
	for i, d := range s {
		td := tracking.TuneDim{Name: d.Key, Low: d.Low, High: d.High, Log: d.Log, Unlimited: d.Unlimited}
		switch d.Kind {
		case space.KindFloat:
			td.Type = "float"
		case space.KindInt:
			td.Type, td.Step = "int", d.Step
		case space.KindCategorical:
			td.Type, td.Low, td.High, td.Choices = "categorical", 0, 0, d.Choices
		}
		if c := d.Condition; c != nil {
			td.When = &tracking.TuneCondition{Param: c.Param, Values: c.Values}
		}
		out[i] = td
	}
	return out
}

// Dim returns the search dimension a record describes, the inverse of
// Space for one dimension.
func Dim(td tracking.TuneDim) space.Dim {
	d := space.Dim{Key: td.Name, Low: td.Low, High: td.High, Log: td.Log, Step: td.Step, Unlimited: td.Unlimited, Choices: td.Choices}
	switch td.Type {
	case "int":
		d.Kind = space.KindInt
	case "categorical":
		d.Kind = space.KindCategorical
	default:
		d.Kind = space.KindFloat
	}
	if c := td.When; c != nil {
		d = d.When(c.Param, c.Values...)
	}
	return d
}

// Point returns a point as the record's map of parameter to value; nil
// for an empty point.
func Point(p space.Point) map[string]any {
	if len(p) == 0 {
		return nil
	}
	m := make(map[string]any, len(p))
	for _, s := range p {
		m[s.Key] = s.Value
	}
	return m
}

func cv(s metrics.Summary) tracking.CV {
	return tracking.CV{Metric: "accuracy", Mean: s.Mean, Std: s.Std, Values: s.Values}
}
