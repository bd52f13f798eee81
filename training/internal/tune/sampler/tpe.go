package sampler

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// TPE defaults, Optuna 3.x's TPESampler's.
const (
	// StartupTrials is the number of finished trials before which TPE
	// proposes at random (n_startup_trials).
	StartupTrials = 10
	// EICandidates is the number of candidates drawn from the good trials'
	// estimator, of which the one with the highest ratio of good to bad
	// density is proposed (n_ei_candidates).
	EICandidates = 24
)

// TPE is the tree-structured Parzen estimator sampler (Bergstra et al.
// 2011), as Optuna 3.x's TPESampler with its defaults: univariate (each
// dimension on its own), n_startup_trials 10, gamma(n) = min(⌈0.1 n⌉,
// 25), default weights, a prior kernel of weight 1, magic-clipped kernel
// widths, endpoints not considered, 24 expected-improvement candidates.
//
// For each point and each dimension, the finished trials are split into
// the gamma(n) best ("below") and the rest ("above"), each side gets a
// Parzen estimator l or g, 24 candidates are drawn from l, and the one
// maximizing log l − log g is proposed.
type TPE struct {
	space  space.Space
	rng    *rand.Rand
	random *Random
}

var _ Sampler = (*TPE)(nil)

// NewTPE returns a TPE sampler of s drawing from src.
func NewTPE(s space.Space, src rand.Source) *TPE {
	rng := rand.New(src)
	return &TPE{space: s, rng: rng, random: &Random{space: s, rng: rng}}
}

// gamma is Optuna's default_gamma: how many of n finished trials count as
// good.
func gamma(n int) int {
	return min(int(math.Ceil(0.1*float64(n))), 25)
}

// Propose returns n points drawn from history: at random while fewer than
// StartupTrials trials have finished, by TPE afterwards. Every point of
// the call sees the same history.
func (t *TPE) Propose(history []Trial, n int) [][]float64 {
	if len(history) < StartupTrials {
		return t.random.Propose(history, n)
	}
	below, above := split(history, gamma(len(history)))
	out := make([][]float64, n)
	for i := range out {
		x := make([]float64, len(t.space))
		for j, d := range t.space {
			if !t.space.Active(x, j) {
				// As a parameter a define-by-run objective does not
				// suggest: no draw, and absent from the history.
				x[j] = math.NaN()
				continue
			}
			x[j] = t.sampleDim(d, j, below, above)
		}
		out[i] = canonical(t.space, x)
	}
	return out
}

// sampleDim proposes dimension j's value, d, from the split history.
func (t *TPE) sampleDim(d space.Dim, j int, below, above []Trial) float64 {
	l, g := t.estimator(d, j, below), t.estimator(d, j, above)
	cands := l.sample(t.rng, EICandidates)
	best, bestScore := cands[0], math.Inf(-1)
	for _, c := range cands {
		// The first maximum, as numpy's argmax.
		if s := l.logPDF(c) - g.logPDF(c); s > bestScore {
			best, bestScore = c, s
		}
	}
	return best
}

// estimator returns the Parzen estimator of dimension j over the trials
// that have it: as Optuna's TPESampler, trials where the dimension was
// inactive count in the split into good and bad (and towards the startup
// trials) but give the estimators no observation.
func (t *TPE) estimator(d space.Dim, j int, trials []Trial) *parzen {
	obs := make([]float64, 0, len(trials))
	for _, tr := range trials {
		if !math.IsNaN(tr.X[j]) {
			obs = append(obs, tr.X[j])
		}
	}
	if d.Kind == space.KindCategorical {
		return newCategoricalParzen(obs, len(d.Choices))
	}
	low, high, step := d.Bounds()
	return newNumericalParzen(obs, low, high, step)
}

// split returns the n best trials and the others, each in trial order, as
// Optuna's _split_trials: complete trials by value first, then pruned
// ones by the rung they reached (further first), then value.
func split(history []Trial, n int) (below, above []Trial) {
	order := make([]int, len(history))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ta, tb := history[a], history[b]
		if ta.State != tb.State {
			return cmp.Compare(ta.State, tb.State) // Complete before Pruned
		}
		if ta.State == Pruned && ta.Step != tb.Step {
			return cmp.Compare(tb.Step, ta.Step)
		}
		return cmp.Compare(ta.Value, tb.Value)
	})
	isBelow := make([]bool, len(history))
	for _, i := range order[:n] {
		isBelow[i] = true
	}
	for i, tr := range history {
		if isBelow[i] {
			below = append(below, tr)
		} else {
			above = append(above, tr)
		}
	}
	return below, above
}
