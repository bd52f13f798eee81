package train

import (
	"fmt"
	"time"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/params"
)

// algorithm is one configured model, as its params.yaml section and the
// algorithm registry (package algorithm) define it.
type algorithm struct {
	name            string
	kind            string // the bundle's Algorithm field
	hyperparameters map[string]any
	// recorded returns what the bundle of a fit on rows training rows
	// records of the hyper-parameters (see algorithm.Spec.Recorded).
	recorded func(rows int) map[string]any
	// timeout bounds the model's cross-validation and final fit; 0: none.
	timeout time.Duration
	// newTrainer returns a trainer whose randomness comes from stream, so
	// every fit (each fold, the final fit) has its own reproducible source.
	newTrainer func(seed, stream uint64) (classifier.Trainer, error)
}

// algorithms returns the selected models of p, whose Validate has checked
// every configuration.
func algorithms(p *params.Params, names []string) ([]algorithm, error) {
	out := make([]algorithm, 0, len(names))
	for _, name := range names {
		s, ok := p.Models.Spec(name)
		if !ok {
			return nil, fmt.Errorf("%w: models.%s is not configured (or params were not validated)", params.ErrInvalid, name)
		}
		out = append(out, algorithm{
			name: s.Name, kind: s.Kind, hyperparameters: s.Hyperparameters, recorded: s.Recorded,
			timeout: s.Timeout, newTrainer: s.NewTrainer,
		})
	}
	return out, nil
}
