package tune

import (
	"errors"
	"fmt"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// errInfeasible marks a point the algorithm rejects with the configured
// settings: its trial scores nothing and ranks below every other.
var errInfeasible = errors.New("not a valid setting of the model")

// Model is what a search tunes: a named model, its search space and how
// to get a trainer for a point of it.
type Model struct {
	Name  string
	Space space.Space
	// Trainer returns a trainer of the model with p's values laid over its
	// configured settings (p nil: the settings as configured), whose
	// randomness comes from stream of seed. It fails when the algorithm
	// rejects the settings.
	Trainer func(p space.Point, seed, stream uint64) (classifier.Trainer, error)
	// Configured is the configured settings as internal values of Space,
	// the first trial of every search, as SMAC's initial design starts
	// with the default configuration: a search then reports the defaults
	// unless it finds better. ConfiguredPoint is the point they make. Both
	// are nil when Space cannot take those settings (narrowed away from
	// them, or a value of another kind, such as max_features: sqrt).
	Configured      []float64
	ConfiguredPoint space.Point
}

// modelOf returns the model name of p, tuned over its narrowed space.
func modelOf(p *params.Params, name string) (Model, error) {
	a, ok := algorithm.Lookup(name)
	if !ok {
		return Model{}, fmt.Errorf("tune %s: %w: unknown model", name, params.ErrInvalid)
	}
	s, ok := p.Tune.Models.Space(name)
	if !ok {
		return Model{}, fmt.Errorf("tune %s: %w: no search space (were the params validated?)", name, params.ErrInvalid)
	}
	section := p.Models.Section(name)
	var start []float64
	var startPoint space.Point
	if spec, err := a.Configure(section); err == nil {
		if x, pt, ok := s.Encode(spec.Hyperparameters); ok {
			start, startPoint = x, pt
		}
	}
	return Model{
		Configured:      start,
		ConfiguredPoint: startPoint,
		Name:            name,
		Space:           s,
		Trainer: func(pt space.Point, seed, stream uint64) (classifier.Trainer, error) {
			spec, err := a.Configure(space.Overlay(section, pt))
			if err == nil {
				var tr classifier.Trainer
				// One goroutine per fit: the search runs its fits in
				// parallel on every core already, and a fit's own
				// goroutines (a forest's trees, a boosting round's
				// gradients) would only contend with them. Fits do not
				// depend on their number of workers.
				if tr, err = spec.WithWorkers(1).NewTrainer(seed, stream); err == nil {
					return tr, nil
				}
			}
			if pt != nil {
				// The algorithm rejects this combination of the point and
				// the configured settings (kernel rbf where params.yaml
				// says standardize: true): the trial is infeasible, not
				// the run broken.
				return nil, fmt.Errorf("tune %s: the point %v: %w: %w", name, pt, errInfeasible, err)
			}
			return nil, fmt.Errorf("tune %s: %w", name, err)
		},
	}, nil
}
