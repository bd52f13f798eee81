package tune

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/tune/sampler"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// ModelResult is one model's tuning outcome.
type ModelResult struct {
	Name  string
	Space space.Space
	// DefaultCV is the configured (untuned) settings' accuracy over the
	// outer folds: the cross-validation `mlops train` reports.
	DefaultCV metrics.Summary
	// Nested is the nested estimate of "tune, then train": each outer
	// fold's search's best parameters fitted on the fold's training part
	// and scored on its test fold.
	Nested metrics.Summary
	// InnerBest is each outer search's best inner score. Optimistic: a
	// maximum over many noisy trials, on rows the search chose by.
	InnerBest metrics.Summary
	// Chosen is the final search's best point, on the training split:
	// what --apply writes.
	Chosen space.Point
	// ChosenInner is Chosen's inner cross-validation score (optimistic).
	ChosenInner float64
	// Outer holds each outer fold's best point, in fold order.
	Outer []space.Point
	// Trials is the number of trials each search ran; Pruned counts the
	// trials stopped early over every search.
	Trials, Pruned int
	Duration       time.Duration
	// Searches are the outer folds' searches in fold order, then the
	// final one.
	Searches []Search
}

// plan is the data-independent layout of a tuning run: the outer folds,
// the final search's rows, and the settings of every search.
type plan struct {
	outer      []fold
	final      []int // the training split
	innerFolds func(rows []int) ([]fold, error)
	seed       uint64
	opts       searchOptions
	newSampler func(s space.Space, src rand.Source) sampler.Sampler
}

// tuneModel runs m's searches (one per outer fold, then the final one on
// the training split), the nested estimate and the configured settings'
// CV, with fs as the only access to data. They share pl.opts.workers
// goroutines: an outer fold's nested fit starts as soon as its search
// stops, and the configured settings' fits, which nothing waits for, fill
// the gaps the searches leave at their barriers.
func tuneModel(ctx context.Context, m Model, fs fitScorer, pl plan) (*ModelResult, error) {
	start := time.Now()
	res := &ModelResult{Name: m.Name, Space: m.Space}
	n := len(pl.outer)
	res.Outer = make([]space.Point, n)
	nested, def := make([]float64, n), make([]float64, n)
	// outerFit is the job fitting point (nil: the configured settings) on
	// outer fold f's training part and scoring it on its test rows, into
	// out[f].
	outerFit := func(f int, point space.Point, what string, out []float64) job {
		return job{run: func(ctx context.Context) error {
			c := fitCall{Study: -1, Point: point, Train: pl.outer[f].Train, Test: pl.outer[f].Test, Stream: uint64(f) + 1}
			v, err := fs(ctx, c)
			if err != nil {
				return fmt.Errorf("tune %s: %s: %w", m.Name, what, err)
			}
			out[f] = v.Accuracy
			return nil
		}}
	}

	sched := schedule{workers: pl.opts.workers}
	studies := make([]*study, n+1)
	for i := range studies {
		rows := pl.final
		if i < n {
			rows = pl.outer[i].Train
		}
		inner, err := pl.innerFolds(rows)
		if err != nil {
			return nil, fmt.Errorf("tune %s: %w", m.Name, err)
		}
		s := &study{index: i, inner: inner, space: m.Space, start: m.Configured, startPoint: m.ConfiguredPoint,
			sampler: pl.newSampler(m.Space, rand.NewPCG(pl.seed, 1<<32|uint64(i)))}
		studies[i] = s
		r := &searchRun{s: s, fs: fs, opts: &pl.opts, final: i == n, finish: func() []job {
			b := s.best()
			if i == n || b == nil {
				return nil // the final search has no test rows; no best is reported below
			}
			res.Outer[i] = b.point
			return []job{outerFit(i, b.point, "nested estimate", nested)}
		}}
		// The final search's first batch goes first: under --time it is
		// the one --apply takes its parameters from, so it should not be
		// the search that gets the fewest batches in.
		if i == n {
			sched.ready = append(r.next(), sched.ready...)
		} else {
			sched.ready = append(sched.ready, r.next()...)
		}
	}
	for f := range n {
		sched.filler = append(sched.filler, outerFit(f, nil, "default settings", def))
	}
	if err := sched.run(ctx); err != nil {
		return nil, err
	}

	final := studies[n]
	res.Trials = len(final.trials)
	for _, s := range studies {
		for _, t := range s.trials {
			if t.pruned {
				res.Pruned++
			}
		}
	}
	bestFinal := final.best()
	if bestFinal == nil {
		return nil, noTrial(m.Name, "the final search", final)
	}
	res.Chosen, res.ChosenInner = bestFinal.point, bestFinal.mean()
	inner := make([]float64, n)
	for f := range n {
		b := studies[f].best()
		if b == nil {
			return nil, noTrial(m.Name, fmt.Sprintf("the search of outer fold %d", f), studies[f])
		}
		inner[f] = b.mean()
	}
	res.InnerBest = metrics.Summarize(inner)
	res.DefaultCV = metrics.Summarize(def)
	res.Nested = metrics.Summarize(nested)
	for f := range n {
		res.Searches = append(res.Searches, studies[f].record(f, len(pl.outer[f].Train), nested[f]))
	}
	res.Searches = append(res.Searches, final.record(-1, len(pl.final), 0))
	res.Duration = time.Since(start)
	return res, nil
}

// noTrial is the error of a search that completed no trial: when the
// algorithm rejected every point it tried, it says how to fix that.
func noTrial(model, what string, s *study) error {
	for _, t := range s.trials {
		if !t.infeasible {
			return fmt.Errorf("tune %s: %s completed no trial", model, what)
		}
	}
	return fmt.Errorf("tune %s: %s completed no trial: the model rejected every trial's settings with the ones params.yaml fixes (%w); narrow its space in the tune: section", model, what, errInfeasible)
}
