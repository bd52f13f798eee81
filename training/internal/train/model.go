package train

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/progress"
	"github.com/mlopsgo/mlops/training/model"
)

// job is what every model of a run is trained on.
type job struct {
	params   *params.Params
	data     *dataset.Dataset
	trainIdx []int
	testIdx  []int
	folds    []dataset.Fold
	stats    []model.Stats
	// imp fills missing values (data.missing: impute); nil otherwise.
	imp     *imputation
	workers int
	bar     *progress.Bar
}

// trainModel cross-validates alg and fits it on the training split, under
// a context bounded by alg.timeout (0: none). It never returns an error for
// the model's own failure: a model whose CV or final fit errs, panics or
// times out comes back with StatusFailed or StatusTimedOut and the reason
// in Err, so that one model cannot abort the run. Only the cancellation of
// ctx itself (the whole run) is returned as an error.
//
// The timeout relies on the classifiers checking their context between
// iterations, folds, trees and nodes, as classifier.Trainer requires, so a
// timed-out model stops within one such step and leaves no work behind.
func trainModel(ctx context.Context, logger *slog.Logger, j *job, alg algorithm) (ModelResult, error) {
	start := time.Now()
	mctx, cancel := ctx, context.CancelFunc(func() {})
	if alg.timeout > 0 {
		mctx, cancel = context.WithTimeout(ctx, alg.timeout)
	}
	defer cancel()
	mr, err := cvAndFit(mctx, logger, j, alg)
	if err == nil {
		mr.Status = StatusTrained
		mr.Duration = time.Since(start)
		return *mr, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ModelResult{}, ctxErr
	}
	failed := ModelResult{Name: alg.name, Status: StatusFailed, Err: err, Duration: time.Since(start)}
	if mctx.Err() != nil {
		failed.Status = StatusTimedOut
		failed.Err = fmt.Errorf("%s: timed out after %v: %w", alg.name, alg.timeout, err)
	}
	if mr != nil {
		failed.Warnings = mr.Warnings
	}
	attrs := []any{"model", alg.name, "status", string(failed.Status), "err", failed.Err}
	if pe, ok := errors.AsType[*panicError](err); ok {
		attrs = append(attrs, "stack", string(pe.stack))
	}
	logger.Error("model failed; the other models continue", attrs...)
	return failed, nil
}

// cvAndFit is one model's work: cross-validation, then the final fit. On
// error it may still return the partial result with the warnings so far.
func cvAndFit(ctx context.Context, logger *slog.Logger, j *job, alg algorithm) (*ModelResult, error) {
	folds, err := crossValidate(ctx, j.data, j.imp, alg, j.folds, j.params.Seed, j.workers, j.bar)
	if err != nil {
		return nil, err
	}
	acc := make([]float64, len(folds))
	var warnings []string
	warned, first := 0, -1
	for f, r := range folds {
		acc[f] = r.accuracy
		for _, w := range r.warnings {
			logger.Warn("fit warning", "model", alg.name, "repeat", j.folds[f].Repeat, "fold", j.folds[f].Fold, "warning", w)
		}
		if len(r.warnings) > 0 {
			warned++
			if first < 0 {
				first = f
			}
		}
	}
	if warned > 0 {
		// One line for all folds: with 50 folds the same warning would
		// otherwise drown the record; the log has each one.
		warnings = append(warnings, fmt.Sprintf("cross-validation: %d of %d fits warned; the first (repeat %d, fold %d): %s",
			warned, len(folds), j.folds[first].Repeat, j.folds[first].Fold, folds[first].warnings[0]))
	}
	mr, err := fitFinal(ctx, j, alg)
	if err != nil {
		return &ModelResult{Warnings: warnings}, err
	}
	for _, w := range mr.Fit.Warnings {
		logger.Warn("fit warning", "model", alg.name, "fit", "final", "warning", w)
	}
	mr.Warnings = append(slices.Clone(mr.Fit.Warnings), warnings...)
	mr.CV = metrics.Summarize(acc)
	mr.Bundle.Metrics["cv_accuracy_mean"] = mr.CV.Mean
	mr.Bundle.Metrics["cv_accuracy_std"] = mr.CV.Std
	if err := mr.Bundle.Seal(); err != nil {
		return mr, fmt.Errorf("bundle %s: %w", alg.name, err)
	}
	return mr, nil
}

// safeFit runs tr.Fit and turns a panic into a *panicError, so that a bug in
// one algorithm fails that model, not the run.
func safeFit(ctx context.Context, tr classifier.Trainer, X [][]float64, y []int, classes int) (fitted *classifier.Fitted, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: debug.Stack()}
		}
	}()
	return tr.Fit(ctx, X, y, classes)
}
