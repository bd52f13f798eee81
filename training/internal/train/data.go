package train

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/params"
)

// Data is the data set params.yaml describes, split and folded as mlops
// train uses it: the start of mlops train and mlops tune alike, so that a
// tuning's outer folds and final split are train's.
type Data struct {
	Set *dataset.Dataset
	// Train and Test are the rows of the stratified train/test split.
	Train, Test []int
	// Folds are the repeated stratified cross-validation folds of cv:.
	Folds []dataset.Fold
}

// LoadData loads the data set of p (blank cells as NaN when p imputes
// them), logs what it fills or drops, and splits and folds it with p's
// seed.
func LoadData(ctx context.Context, logger *slog.Logger, p *params.Params) (*Data, error) {
	d, err := dataset.Load(ctx, dataset.Spec{
		Path: p.Data.Path, Label: p.Data.Label, Features: p.Data.FeatureNames(), BlankAsNaN: p.Data.Impute(),
	})
	if err != nil {
		return nil, err
	}
	for j, n := range d.Missing {
		if n > 0 {
			logger.Info("blank cells to impute with the training median", "file", p.Data.Path, "column", d.Features[j], "cells", n)
		}
	}
	if d.Duplicates > 0 {
		logger.Info("dropped exact duplicate rows", "file", p.Data.Path, "duplicates", d.Duplicates, "rows", len(d.Y))
	}
	if err := d.CheckStratifiable(p.CV.Folds); err != nil {
		return nil, err
	}
	trainIdx, testIdx, err := dataset.StratifiedSplit(d.Y, len(d.Classes), p.Split.TestSize, p.Seed)
	if err != nil {
		return nil, fmt.Errorf("split %s: %w", p.Data.Path, err)
	}
	folds, err := dataset.RepeatedStratifiedKFold(d.Y, len(d.Classes), p.CV.Folds, p.CV.Repeats, p.Seed)
	if err != nil {
		return nil, fmt.Errorf("cross-validation folds of %s: %w", p.Data.Path, err)
	}
	return &Data{Set: d, Train: trainIdx, Test: testIdx, Folds: folds}, nil
}

// Info describes the data for a run's record; path is the file as
// params.yaml names it.
func (d *Data) Info(path string) DatasetInfo {
	return DatasetInfo{
		Path: path, MD5: d.Set.MD5, Rows: len(d.Set.Y), Duplicates: d.Set.Duplicates,
		TrainRows: len(d.Train), TestRows: len(d.Test), Classes: d.Set.Classes, Features: d.Set.Features,
	}
}
