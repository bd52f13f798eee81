package tune

import (
	"math"
	"slices"
	"time"

	"github.com/mlopsgo/mlops/training/internal/tune/sampler"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// reduction is successive halving's reduction factor η: at each rung only
// the best 1/η of the trials that reached it go on (Optuna's
// SuccessiveHalvingPruner uses 4; with 3 inner folds, two rungs, 3 keeps
// more of a small batch).
const reduction = 3

// study is one search: trials on the rows of one training part, each
// scored by the inner folds of those rows.
type study struct {
	index   int
	inner   []fold
	sampler sampler.Sampler
	space   space.Space
	trials  []*trial
	// start and startPoint, when not nil, are the first trial: the
	// configured settings (Model.Configured).
	start      []float64
	startPoint space.Point
}

// fold is a train/test split of row indices of the data set.
type fold struct {
	Train, Test []int
}

// trial is one point of a study and its inner folds' scores so far.
type trial struct {
	number int
	x      []float64
	point  space.Point
	scores []float64 // one per inner fold scored, in fold order
	losses []float64 // the folds' log losses, beside scores
	pruned bool
	// infeasible says the algorithm rejected the point: the trial is
	// pruned at the first rung with accuracy 0, the worst there is, so
	// TPE learns to avoid the region, and it never counts in pruning.
	infeasible bool
	// elapsed is the time its fits took, summed.
	elapsed time.Duration
}

// mean is the trial's mean score over the folds scored so far.
func (t *trial) mean() float64 {
	var s float64
	for _, v := range t.scores {
		s += v
	}
	return s / float64(len(t.scores))
}

// complete reports whether every inner fold scored the trial.
func (t *trial) complete(folds int) bool { return !t.pruned && len(t.scores) == folds }

// history is the study's finished trials as its sampler sees them: values
// to minimize (the negated mean accuracy).
func (s *study) history() []sampler.Trial {
	h := make([]sampler.Trial, len(s.trials))
	for i, t := range s.trials {
		h[i] = sampler.Trial{X: t.x, Value: -t.mean(), State: sampler.Complete}
		if t.pruned {
			h[i].State, h[i].Step = sampler.Pruned, len(t.scores)
		}
	}
	return h
}

// prune stops the trials of batch that fall below the rung reached after
// rung+1 folds: a trial goes on if its mean over those folds is at least
// the k-th best among every trial of the study that reached the rung
// (earlier batches' included), k = max(⌊n/η⌋, 1); ties go on. Deciding
// only here, when every trial of the batch has reached the rung, makes the
// outcome independent of the order fits finish in.
func (s *study) prune(batch []*trial, rung int) {
	var reached []float64
	for _, t := range s.trials {
		if len(t.scores) > rung && !t.infeasible {
			reached = append(reached, meanOf(t.scores[:rung+1]))
		}
	}
	if len(reached) == 0 {
		return
	}
	slices.SortFunc(reached, func(a, b float64) int { return cmpDesc(a, b) })
	k := max(len(reached)/reduction, 1)
	threshold := reached[k-1]
	for _, t := range batch {
		if !t.pruned && meanOf(t.scores[:rung+1]) < threshold {
			t.pruned = true
		}
	}
}

func meanOf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// best returns the complete trial with the highest mean score; among
// equal means (within rounding) the one with the lowest mean log loss, then
// the earliest; nil when none completed. On small data many trials tie on
// accuracy, which counts whole rows; the log loss still tells apart how
// sure each was of the right class.
func (s *study) best() *trial {
	var b *trial
	for _, t := range s.trials {
		if t.complete(len(s.inner)) && (b == nil || t.ranksAbove(b)) {
			b = t
		}
	}
	return b
}

// tieTolerance is how close two mean accuracies are to count as equal: the
// same fold scores summed in another order differ in the last bits.
const tieTolerance = 1e-9

// ranksAbove reports whether complete trial t ranks strictly above u.
func (t *trial) ranksAbove(u *trial) bool {
	tm, um := t.mean(), u.mean()
	if math.Abs(tm-um) > tieTolerance {
		return tm > um
	}
	return meanOf(t.losses) < meanOf(u.losses)
}
