package tune

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/impute"
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
type fitScorer func(ctx context.Context, c fitCall) (fitScore, error)

// fitScore is how well a fit did on its test rows.
type fitScore struct {
	// Accuracy is the share of test rows whose most probable class is
	// their label: what the search maximizes.
	Accuracy float64
	// LogLoss is the mean negative log-likelihood of the labels (natural
	// log, probabilities clipped as metrics.LogLoss clips them); it only
	// breaks ties of accuracy.
	LogLoss float64
}

// accuracyScorer returns the fitScorer that fits m on the rows of d and
// returns the accuracy on the test rows. A panic in a fit becomes an
// error, so that a bug in one algorithm fails that model, not the run.
//
// Blank cells (data.missing: impute) are filled as mlops train fills them,
// with medians over the fit's own training rows, in the training and the
// test rows alike: the outer test fold informs neither the search nor the
// values its rows are filled with, and neither does an inner fold's.
func accuracyScorer(d *dataset.Dataset, m Model, seed uint64) fitScorer {
	cols := impute.Columns(d.Missing)
	return func(ctx context.Context, c fitCall) (sc fitScore, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("tune %s: fit panicked: %v\n%s", m.Name, p, debug.Stack())
			}
		}()
		tr, err := m.Trainer(c.Point, seed, c.Stream)
		if err != nil {
			return fitScore{}, err
		}
		if h, ok := tr.(classifier.HistoryRecorder); ok {
			tr = h.WithoutHistory() // the fit is only scored
		}
		med, err := trainingMedians(d, cols, c.Train)
		if err != nil {
			return fitScore{}, fmt.Errorf("tune %s: %w", m.Name, err)
		}
		X, y := d.Subset(c.Train)
		impute.Fill(X, cols, med)
		fitted, err := tr.Fit(ctx, X, y, len(d.Classes))
		if err != nil {
			return fitScore{}, fmt.Errorf("tune %s: fit %v: %w", m.Name, c.Point, err)
		}
		return score(fitted, d, c.Test, cols, med)
	}
}

// trainingMedians returns, indexed by feature, the medians of the columns
// cols over the rows train, or nil when cols is empty.
func trainingMedians(d *dataset.Dataset, cols []int, train []int) ([]float64, error) {
	if len(cols) == 0 {
		return nil, nil
	}
	med, blank := impute.Medians(make([]float64, 0, len(train)), d.X, train, cols, len(d.Features))
	if blank >= 0 {
		return nil, fmt.Errorf("impute %s: column %q is blank in every training row of a tuning fit (%d rows), so it has no median; add values to that column, or lower cv.folds or tune.inner_folds",
			d.Name, d.Features[blank], len(train))
	}
	return med, nil
}

// score returns the accuracy and log loss of fitted on the rows test of
// d, their blank cells in cols filled with med.
func score(fitted *classifier.Fitted, d *dataset.Dataset, test []int, cols []int, med []float64) (fitScore, error) {
	pred, err := fitted.Params.Compile(len(d.Features), len(d.Classes))
	if err != nil {
		return fitScore{}, err
	}
	Xt, yt := d.Subset(test)
	impute.Fill(Xt, cols, med)
	k := len(d.Classes)
	proba := model.PredictProba(pred, Xt, k)
	predicted := make([]int, len(Xt))
	for i, p := range proba {
		predicted[i] = model.ArgMax(p)
	}
	return fitScore{Accuracy: metrics.Accuracy(yt, predicted), LogLoss: metrics.LogLoss(yt, proba, k)}, nil
}
