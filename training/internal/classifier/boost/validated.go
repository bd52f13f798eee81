package boost

import (
	"context"

	"github.com/mlopsgo/mlops/training/internal/classifier"
)

var _ classifier.Evaluator = (*Trainer)(nil)

// FitValidated fits as Fit does with (Xv, yv) as the validation set, and
// returns the validation log loss after each round. The Trainer's own
// Config is not changed.
func (t *Trainer) FitValidated(ctx context.Context, X [][]float64, y []int, classes int, Xv [][]float64, yv []int) (*classifier.Fitted, []float64, error) {
	cfg := t.cfg
	cfg.Validation = &Validation{X: Xv, Y: yv}
	res, err := (&Trainer{cfg: cfg}).FitEval(ctx, X, y, classes)
	if err != nil {
		return nil, nil, err
	}
	return &res.Fitted, res.ValidationHistory, nil
}
