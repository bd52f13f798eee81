package train

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/progress"
	"github.com/mlopsgo/mlops/training/model"
)

// foldResult is one cross-validation fit's outcome.
type foldResult struct {
	accuracy float64
	warnings []string
}

// crossValidate fits one algorithm on every fold in parallel and returns
// each fold's accuracy and warnings, in fold order. Each fold's trainer gets
// the random stream fold+1 (stream 0 is the final fit), so results do not
// depend on scheduling. The first failing fold cancels the others and its
// error is returned. Every fold counts once on bar, run or not, so the bar
// ends full whatever fails. With imp (nil when data.missing is error) each
// fold's missing values are filled with the medians of its training rows.
func crossValidate(ctx context.Context, d *dataset.Dataset, imp *imputation, alg algorithm, folds []dataset.Fold, seed uint64, workers int, bar *progress.Bar) ([]foldResult, error) {
	out := make([]foldResult, len(folds))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		counted  atomic.Int64
		errOnce  sync.Once
		firstErr error
	)
	err := classifier.Run(classifier.Workers(workers), len(folds), func(_, f int) error {
		r, err := fitFold(ctx, d, alg, folds[f], imp.foldMedians(f), imp, seed, uint64(f)+1)
		if err != nil {
			// The error that cancels the other folds is the one returned,
			// not the cancellation they then report.
			errOnce.Do(func() { firstErr = err; cancel() })
			return err
		}
		out[f] = r
		counted.Add(1)
		bar.Add(1)
		return nil
	})
	bar.Add(len(folds) - int(counted.Load()))
	if err != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cross-validate %s: %w", alg.name, err)
	}
	return out, nil
}

// fitFold fits alg on the fold's training rows and scores its held-out
// rows, both with missing values filled with med (the medians of the
// training rows alone).
func fitFold(ctx context.Context, d *dataset.Dataset, alg algorithm, fold dataset.Fold, med []float64, imp *imputation, seed, stream uint64) (foldResult, error) {
	tr, err := alg.newTrainer(seed, stream)
	if err != nil {
		return foldResult{}, err
	}
	X, y := d.Subset(fold.Train)
	imp.fill(X, med)
	fitted, err := safeFit(ctx, tr, X, y, len(d.Classes))
	if err != nil {
		return foldResult{}, fmt.Errorf("cross-validate %s (repeat %d, fold %d): %w", alg.name, fold.Repeat, fold.Fold, err)
	}
	pred, err := fitted.Params.Compile(len(d.Features), len(d.Classes))
	if err != nil {
		return foldResult{}, fmt.Errorf("cross-validate %s (repeat %d, fold %d): %w", alg.name, fold.Repeat, fold.Fold, err)
	}
	Xt, yt := d.Subset(fold.Test)
	imp.fill(Xt, med)
	predicted := model.PredictLabels(pred, Xt, len(d.Classes))
	return foldResult{accuracy: metrics.Accuracy(yt, predicted), warnings: fitted.Warnings}, nil
}
