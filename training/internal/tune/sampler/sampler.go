package sampler

import (
	"math"
	"math/rand/v2"

	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// State is how a trial ended.
type State int

// Trial states.
const (
	// Complete trials ran to the end; Value is their objective.
	Complete State = iota
	// Pruned trials were stopped early; Value is their objective at Step,
	// the last rung they reached.
	Pruned
)

// Trial is a finished trial as a sampler sees it.
type Trial struct {
	// X holds the trial's internal values, one per dimension, as a sampler
	// proposed them: NaN for a dimension inactive at the trial's point
	// (space.Space.Active), which the trial does not have.
	X     []float64
	Value float64
	State State
	// Step is the number of rungs a pruned trial passed; unused for a
	// complete one.
	Step int
}

// Sampler proposes points of a space.
type Sampler interface {
	// Propose returns n points, each one internal value per dimension
	// (NaN for a dimension inactive at the point), given the finished
	// trials so far, in trial order. It consumes the
	// sampler's random source, so proposals depend on every earlier call.
	Propose(history []Trial, n int) [][]float64
}

// Random draws every point uniformly (log-uniformly on a log scale), as
// Optuna's RandomSampler does.
type Random struct {
	space space.Space
	rng   *rand.Rand
}

var _ Sampler = (*Random)(nil)

// NewRandom returns a random sampler of s drawing from src.
func NewRandom(s space.Space, src rand.Source) *Random {
	return &Random{space: s, rng: rand.New(src)}
}

// Propose returns n uniform draws; the history is not used.
func (r *Random) Propose(_ []Trial, n int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = canonical(r.space, r.space.Random(r.rng))
	}
	return out
}

// canonical replaces each internal value by the internal value of the
// parameter value it stands for: a log-scaled integer by the logarithm of
// the integer, as Optuna records it, so the history holds what was tried.
// An inactive dimension's NaN stays.
func canonical(s space.Space, x []float64) []float64 {
	for i, d := range s {
		if !math.IsNaN(x[i]) {
			x[i] = d.Internal(x[i])
		}
	}
	return x
}
