package tune

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
	"github.com/mlopsgo/mlops/training/model"
)

// fitCall is one fit and its score: the model at Point fitted on the rows
// Train of the data set and scored on the rows Test.
type fitCall struct {
	// Study is the search the fit belongs to (its index), or -1 for a fit
	// outside any search: the default settings' cross-validation and the
	// nested estimate's outer fits.
	Study int
	// Point is the trial's values; nil means the configured settings.
	Point space.Point
	Train []int
	Test  []int
	// Stream is the fit's random stream.
	Stream uint64
}

// fitScorer fits and scores one call; the search's only access to data.
// Tests substitute one that records the rows it is given.
type fitScorer func(ctx context.Context, c fitCall) (float64, error)

// accuracyScorer returns the fitScorer that fits m on the rows of d and
// returns the accuracy on the test rows. A panic in a fit becomes an
// error, so that a bug in one algorithm fails that model, not the run.
func accuracyScorer(d *dataset.Dataset, m Model, seed uint64) fitScorer {
	return func(ctx context.Context, c fitCall) (acc float64, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("tune %s: fit panicked: %v\n%s", m.Name, p, debug.Stack())
			}
		}()
		tr, err := m.Trainer(c.Point, seed, c.Stream)
		if err != nil {
			return 0, err
		}
		X, y := d.Subset(c.Train)
		fitted, err := tr.Fit(ctx, X, y, len(d.Classes))
		if err != nil {
			return 0, fmt.Errorf("tune %s: fit %v: %w", m.Name, c.Point, err)
		}
		return score(fitted, d, c.Test)
	}
}

// score returns the accuracy of fitted on the rows test of d.
func score(fitted *classifier.Fitted, d *dataset.Dataset, test []int) (float64, error) {
	pred, err := fitted.Params.Compile(len(d.Features), len(d.Classes))
	if err != nil {
		return 0, err
	}
	Xt, yt := d.Subset(test)
	predicted := model.PredictLabels(pred, Xt, len(d.Classes))
	return metrics.Accuracy(yt, predicted), nil
}
