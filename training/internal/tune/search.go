package tune

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mlopsgo/mlops/training/internal/progress"
)

// searchOptions say how long studies search and on how many goroutines.
type searchOptions struct {
	// trials is the most trials of each study.
	trials int
	// batch is the number of trials proposed together.
	batch int
	// prune stops trials that fall behind at a rung (successive halving).
	prune bool
	// deadline, when not zero, stops a study starting a new batch after
	// it; the first batch always runs.
	deadline time.Time
	workers  int
	bar      *progress.Bar
}

// stream returns the random stream of a search fit, apart from those of
// `mlops train` (0 for the final fit, fold+1 for cross-validation) and of
// every other search fit.
func stream(study, trial, fold int) uint64 {
	return 1<<62 | uint64(study)<<40 | uint64(trial)<<8 | uint64(fold)
}

// searchRun is a study on its way through the search, batch by batch: it
// proposes a batch from its history, scores every surviving trial of it on
// inner fold 0, prunes, then fold 1, and so on. Each step waits for all of
// the previous one's fits (a barrier within the study), so a proposal or
// a pruning decision sees the same trials whatever the number of workers
// or the order fits finish in; studies do not wait for each other.
type searchRun struct {
	s    *study
	fs   fitScorer
	opts *searchOptions
	// finish returns the jobs to run once the search has stopped.
	finish func() []job
	// final says this is the search that picks the parameters: the
	// progress bar shows its best score so far.
	final bool

	proposed int      // trials proposed so far
	batch    []*trial // the batch being scored; nil between batches
	rung     int      // the inner fold the batch is being scored on
	fits     []rungFit
	left     int // fits of the rung not yet done
}

// rungFit is one trial's fit on the current rung's inner fold: the slot
// its job writes.
type rungFit struct {
	t          *trial
	score      fitScore
	elapsed    time.Duration
	infeasible bool
}

// next moves the search on and returns its next fits: the current rung's,
// or a new batch's first, or, once it has stopped, what finish returns.
func (r *searchRun) next() []job {
	for {
		if r.batch == nil {
			o := r.opts
			if r.proposed >= o.trials || (r.proposed > 0 && !o.deadline.IsZero() && time.Now().After(o.deadline)) {
				return r.finish()
			}
			n := min(o.batch, o.trials-r.proposed)
			configured := r.proposed == 0 && r.s.start != nil
			var xs [][]float64
			if sampled := n - b2i(configured); sampled > 0 {
				xs = r.s.sampler.Propose(r.s.history(), sampled)
			}
			if configured {
				r.add(&trial{x: r.s.start, point: r.s.startPoint})
			}
			for _, x := range xs {
				r.add(&trial{x: x, point: r.s.space.Point(x)})
			}
			r.proposed += n
			r.rung = 0
		}
		r.fits = r.fits[:0]
		for _, t := range r.batch {
			if !t.pruned {
				r.fits = append(r.fits, rungFit{t: t})
			}
		}
		if len(r.fits) > 0 {
			return r.jobs()
		}
		r.endRung() // every trial of the batch was stopped: nothing to fit
	}
}

// add numbers t and adds it to the study and the batch.
func (r *searchRun) add(t *trial) {
	t.number = len(r.s.trials)
	r.s.trials = append(r.s.trials, t)
	r.batch = append(r.batch, t)
}

// b2i is 1 for true, else 0.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// jobs returns a job per fit of the rung.
func (r *searchRun) jobs() []job {
	r.left = len(r.fits)
	rung, f := r.rung, r.s.inner[r.rung]
	out := make([]job, len(r.fits))
	for k := range r.fits {
		rf := &r.fits[k]
		out[k] = job{
			run: func(ctx context.Context) error {
				t0 := time.Now()
				v, err := r.fs(ctx, fitCall{Study: r.s.index, Point: rf.t.point, Train: f.Train, Test: f.Test, Stream: stream(r.s.index, rf.t.number, rung)})
				rf.elapsed = time.Since(t0)
				if errors.Is(err, errInfeasible) {
					rf.infeasible = true
					return nil
				}
				rf.score = v
				return err
			},
			done: func() []job {
				if r.left--; r.left > 0 {
					return nil
				}
				r.endRung()
				return r.next()
			},
		}
	}
	return out
}

// endRung records the rung's scores in trial order, prunes, and moves on
// to the next rung, or ends the batch.
func (r *searchRun) endRung() {
	for _, rf := range r.fits {
		t := rf.t
		t.scores = append(t.scores, rf.score.Accuracy)
		t.losses = append(t.losses, rf.score.LogLoss)
		t.elapsed += rf.elapsed
		if rf.infeasible {
			t.infeasible, t.pruned = true, true
		}
	}
	folds := len(r.s.inner)
	if r.opts.prune && r.rung < folds-1 {
		r.s.prune(r.batch, r.rung)
	}
	if r.rung++; r.rung == folds {
		if b := r.s.best(); r.final && b != nil {
			r.opts.bar.SetStatus(fmt.Sprintf("best so far %.4f (trial %d)", b.mean(), b.number))
		}
		r.opts.bar.Add(len(r.batch))
		r.batch = nil
	}
}
