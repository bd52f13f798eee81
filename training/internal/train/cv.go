package train

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/progress"
	"github.com/mlopsgo/mlops/training/model"
)

// task is one fit: a model on one fold.
type task struct {
	alg  int
	fold int
}

// crossValidate fits every algorithm on every fold in parallel and returns
// the accuracy per algorithm per fold. Each fold's trainer gets the random
// stream fold+1 (stream 0 is the final fit), so results do not depend on
// scheduling.
func crossValidate(ctx context.Context, d *dataset.Dataset, algs []algorithm, folds []dataset.Fold, seed uint64, workers int, bar *progress.Bar) ([][]float64, error) {
	acc := make([][]float64, len(algs))
	for i := range acc {
		acc[i] = make([]float64, len(folds))
	}
	tasks := make(chan task)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for range workers {
		wg.Go(func() {
			for t := range tasks {
				a, err := fitFold(ctx, d, algs[t.alg], folds[t.fold], seed, uint64(t.fold)+1)
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					continue
				}
				acc[t.alg][t.fold] = a
				bar.Add(1)
			}
		})
	}
feed:
	for a := range algs {
		for f := range folds {
			select {
			case tasks <- task{alg: a, fold: f}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(tasks)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return acc, nil
}

func fitFold(ctx context.Context, d *dataset.Dataset, alg algorithm, fold dataset.Fold, seed, stream uint64) (float64, error) {
	tr, err := alg.newTrainer(seed, stream)
	if err != nil {
		return 0, err
	}
	X, y := d.Subset(fold.Train)
	fitted, err := tr.Fit(ctx, X, y, len(d.Classes))
	if err != nil {
		return 0, fmt.Errorf("cross-validate %s (repeat %d, fold %d): %w", alg.name, fold.Repeat, fold.Fold, err)
	}
	pred, err := fitted.Params.Compile(len(d.Features), len(d.Classes))
	if err != nil {
		return 0, fmt.Errorf("cross-validate %s (repeat %d, fold %d): %w", alg.name, fold.Repeat, fold.Fold, err)
	}
	Xt, yt := d.Subset(fold.Test)
	predicted := make([]int, len(yt))
	p := make([]float64, len(d.Classes))
	for i, x := range Xt {
		pred.PredictInto(p, x)
		predicted[i] = model.ArgMax(p)
	}
	return metrics.Accuracy(yt, predicted), nil
}
