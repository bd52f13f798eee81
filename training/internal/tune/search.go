package tune

import (
	"context"
	"errors"
	"time"

	"github.com/mlopsgo/mlops/training/internal/classifier"
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
	// deadline, when not zero, stops the studies starting a new batch
	// after it; the first batch always runs.
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

// search runs the studies in lockstep, batch by batch: each study
// proposes a batch from its history, then every surviving trial of every
// study is scored on inner fold 0, then pruned, then fold 1, and so on,
// each fold's fits in parallel on opts.workers goroutines. Every fit
// writes only its own slot and pruning waits for the whole fold, so the
// outcome does not depend on the number of workers. It returns the first
// fit's error.
func search(ctx context.Context, studies []*study, fs fitScorer, opts searchOptions) error {
	type task struct {
		s *study
		t *trial
	}
	folds := len(studies[0].inner)
	for done := 0; done < opts.trials; {
		if done > 0 && !opts.deadline.IsZero() && time.Now().After(opts.deadline) {
			return nil
		}
		n := min(opts.batch, opts.trials-done)
		batches := make([][]*trial, len(studies))
		for i, s := range studies {
			for _, x := range s.sampler.Propose(s.history(), n) {
				t := &trial{number: len(s.trials), x: x, point: s.space.Point(x)}
				s.trials = append(s.trials, t)
				batches[i] = append(batches[i], t)
			}
		}
		for rung := range folds {
			var tasks []task
			for i, s := range studies {
				for _, t := range batches[i] {
					if !t.pruned {
						tasks = append(tasks, task{s, t})
					}
				}
			}
			scores := make([]fitScore, len(tasks))
			infeasible := make([]bool, len(tasks))
			elapsed := make([]time.Duration, len(tasks))
			err := classifier.Run(opts.workers, len(tasks), func(_, k int) error {
				tk := tasks[k]
				f := tk.s.inner[rung]
				t0 := time.Now()
				v, err := fs(ctx, fitCall{Study: tk.s.index, Point: tk.t.point, Train: f.Train, Test: f.Test, Stream: stream(tk.s.index, tk.t.number, rung)})
				elapsed[k] = time.Since(t0)
				if errors.Is(err, errInfeasible) {
					infeasible[k] = true
					return nil
				}
				scores[k] = v
				return err
			})
			if err != nil {
				return err
			}
			for k, tk := range tasks {
				tk.t.scores = append(tk.t.scores, scores[k].Accuracy)
				tk.t.losses = append(tk.t.losses, scores[k].LogLoss)
				tk.t.elapsed += elapsed[k]
				if infeasible[k] {
					tk.t.infeasible, tk.t.pruned = true, true
				}
			}
			if opts.prune && rung < folds-1 {
				for i, s := range studies {
					s.prune(batches[i], rung)
				}
			}
		}
		done += n
		opts.bar.Add(n * len(studies))
	}
	return nil
}
