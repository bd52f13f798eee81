package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/metricsfile"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/progress"
	"github.com/mlopsgo/mlops/training/model"
)

// Options configures a training run. The zero value of each optional field
// means its default.
type Options struct {
	// ParamsPath is params.yaml. Optional. Default: params.yaml.
	ParamsPath string
	// ModelsDir receives the bundles and index.json. Optional. Default: models.
	ModelsDir string
	// MetricsPath receives metrics.json; empty writes none.
	MetricsPath string
	// PlotsPath receives each model's accuracy per CV fold as CSV (a DVC
	// plot); empty writes none.
	PlotsPath string
	// Only restricts training to these model names. Optional. Default: every
	// model params.yaml lists.
	Only []string
	// Workers bounds parallel fits. Optional. Default: GOMAXPROCS.
	Workers int
	// Progress receives the progress bar (drawn only on a terminal).
	// Optional. Default: none.
	Progress io.Writer
}

// Result is what a run produced.
type Result struct {
	Params   *params.Params
	Dataset  DatasetInfo
	Champion string
	Models   []ModelResult
	// Metrics is metrics.json's content.
	Metrics *metricsfile.File
}

// DatasetInfo summarizes the data a run used.
type DatasetInfo struct {
	Path       string
	MD5        string
	Rows       int
	Duplicates int
	TrainRows  int
	TestRows   int
	Classes    []string
	Features   []string
}

// ModelResult is one model's outcome. A failed or timed-out model has only
// Name, Status, Err, Duration and the Warnings raised before it failed.
type ModelResult struct {
	Name string
	// Status says whether the model was trained, failed or timed out.
	Status Status
	// Err is why the model failed or timed out; nil when trained.
	Err    error
	Test   metrics.Report
	CV     metrics.Summary
	Bundle *model.Bundle
	// Fit is the final fit's details (history, iterations, convergence).
	Fit *classifier.Fitted
	// ValidationHistory is the loss on the hold-out rows after each
	// iteration, for algorithms that report one (classifier.Evaluator);
	// the same slice as Fit.ValidationHistory.
	ValidationHistory []float64
	// Warnings are the fits' warnings (classifier.Fitted.Warnings): the
	// final fit's as they are, then one line summing up the
	// cross-validation folds' (each fold's is logged).
	Warnings []string
	// Duration covers cross-validation and the final fit.
	Duration time.Duration
}

// Run trains the configured models and writes their bundles, the index and
// metrics.json. A model that fails or times out is reported in the Result
// (Status, Err) and the others are still trained and written; when every
// model fails, Run writes nothing and returns the Result with an error
// wrapping ErrAllFailed.
func Run(ctx context.Context, logger *slog.Logger, opts Options) (*Result, error) {
	if opts.ParamsPath == "" {
		opts.ParamsPath = params.DefaultFile
	}
	if opts.ModelsDir == "" {
		opts.ModelsDir = "models"
	}
	res, err := Fit(ctx, logger, opts)
	if err != nil {
		return res, err
	}
	if err := Write(res, opts.ModelsDir, opts.MetricsPath, opts.PlotsPath); err != nil {
		return nil, err
	}
	logger.Info("training finished", "champion", res.Champion, "models_dir", opts.ModelsDir)
	return res, nil
}

// Fit does everything Run does except writing files. Its only errors with a
// non-nil Result wrap ErrAllFailed.
func Fit(ctx context.Context, logger *slog.Logger, opts Options) (*Result, error) {
	p, err := params.Load(opts.ParamsPath)
	if err != nil {
		return nil, err
	}
	names, err := p.Models.Select(opts.Only)
	if err != nil {
		return nil, err
	}
	algs, err := algorithms(p, names)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.ParamsPath, err)
	}
	return fitAlgorithms(ctx, logger, opts, p, algs)
}

// fitAlgorithms is Fit once the models are built from params.
func fitAlgorithms(ctx context.Context, logger *slog.Logger, opts Options, p *params.Params, algs []algorithm) (*Result, error) {
	data, err := LoadData(ctx, logger, p)
	if err != nil {
		return nil, err
	}
	d, trainIdx, testIdx, folds := data.Set, data.Train, data.Test, data.Folds
	var imp *imputation
	if p.Data.Impute() {
		if imp, err = newImputation(d, trainIdx, folds, opts.Workers); err != nil {
			return nil, err
		}
	}
	logger.Info("data loaded", "file", p.Data.Path, "rows", len(d.Y), "classes", len(d.Classes),
		"train_rows", len(trainIdx), "test_rows", len(testIdx), "cv", fmt.Sprintf("%d folds x %d repeats", p.CV.Folds, p.CV.Repeats))

	res := &Result{Params: p, Dataset: data.Info(p.Data.Path)}

	start := time.Now()
	var bar *progress.Bar
	if opts.Progress != nil {
		bar = progress.New(opts.Progress, "training", len(algs)*len(folds))
	} else {
		bar = progress.New(io.Discard, "", 0)
	}
	j := &job{
		params: p, data: d, trainIdx: trainIdx, testIdx: testIdx, folds: folds,
		stats: trainingStats(d, trainIdx), imp: imp, workers: opts.Workers, bar: bar,
	}
	// Models run one after the other, each with its folds in parallel, so
	// that each has its own deadline and a failure stays its own.
	for _, alg := range algs {
		mr, err := trainModel(ctx, logger, j, alg)
		if err != nil {
			bar.Done()
			return nil, err
		}
		res.Models = append(res.Models, mr)
	}
	bar.Done()
	logger.Info("cross-validation and fits finished", "fits", len(algs)*(len(folds)+1), "duration", time.Since(start).Round(time.Millisecond))
	res.Champion = pickChampion(res.Models)
	res.Metrics = metricsFile(res, p)
	if failures := res.Failures(); len(failures) == len(res.Models) {
		return res, fmt.Errorf("%w: %d of %d, the first: %w", ErrAllFailed, len(failures), len(res.Models), failures[0].Err)
	}
	return res, nil
}

// Write saves the bundles of the trained models, then the index, then
// metrics.json and the CV plot, each atomically. The index goes before the
// metrics so a reader never sees an index that names bundles not yet
// written. A failed model's bundle from an earlier run is removed, so the
// directory holds only this run's models.
func Write(res *Result, modelsDir, metricsPath, plotsPath string) error {
	if err := os.MkdirAll(modelsDir, 0o755); err != nil {
		return fmt.Errorf("create models directory: %w", err)
	}
	var bundles []*model.Bundle
	var trained []ModelResult
	for _, m := range res.Models {
		path := filepath.Join(modelsDir, m.Name+".json")
		if m.Failed() {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove the stale bundle of failed model %s: %w", m.Name, err)
			}
			continue
		}
		if err := m.Bundle.Save(path); err != nil {
			return err
		}
		bundles = append(bundles, m.Bundle)
		trained = append(trained, m)
	}
	idx, err := model.NewIndex(res.Champion, bundles)
	if err != nil {
		return err
	}
	if err := idx.Save(filepath.Join(modelsDir, model.IndexFile)); err != nil {
		return err
	}
	if metricsPath != "" {
		if err := metricsfile.Write(metricsPath, res.Metrics); err != nil {
			return err
		}
	}
	if plotsPath != "" {
		if err := writeCVPlot(plotsPath, trained); err != nil {
			return err
		}
	}
	return nil
}

func fitFinal(ctx context.Context, j *job, alg algorithm) (*ModelResult, error) {
	p, d, trainIdx, testIdx, stats := j.params, j.data, j.trainIdx, j.testIdx, j.stats
	tr, err := alg.newTrainer(p.Seed, 0)
	if err != nil {
		return nil, err
	}
	X, y := d.Subset(trainIdx)
	Xt, yt := d.Subset(testIdx)
	// Both sides are filled with the training split's medians, the values
	// the bundle records for serving.
	if j.imp != nil {
		j.imp.fill(X, j.imp.final)
		j.imp.fill(Xt, j.imp.final)
	}
	// Where the algorithm can, the hold-out rows give a validation curve
	// beside the training loss; they only measure, never steer the fit.
	if ev, ok := tr.(classifier.Evaluator); ok {
		tr = ev.WithValidation(Xt, yt)
	}
	fitted, err := safeFit(ctx, tr, X, y, len(d.Classes))
	if err != nil {
		return nil, fmt.Errorf("fit %s: %w", alg.name, err)
	}
	pred, err := fitted.Params.Compile(len(d.Features), len(d.Classes))
	if err != nil {
		return nil, fmt.Errorf("fit %s: %w", alg.name, err)
	}
	proba := model.PredictProba(pred, Xt, len(d.Classes))
	report := metrics.Evaluate(yt, proba, len(d.Classes))

	features := make([]model.Feature, len(p.Data.Features))
	for k, f := range p.Data.Features {
		features[k] = model.Feature{Name: f.Name, Valid: model.Range{Min: f.Min, Max: f.Max}, Stats: stats[k]}
		if j.imp != nil {
			features[k].Impute = &j.imp.final[k]
		}
	}
	b := &model.Bundle{
		Name:      alg.name,
		Algorithm: alg.kind,
		Dataset: model.Dataset{
			Name: p.Data.Name, Label: p.Data.Label, MD5: d.MD5, Rows: len(d.Y), TrainRows: len(trainIdx),
		},
		Features:        features,
		Classes:         d.Classes,
		Hyperparameters: alg.recorded(len(trainIdx)),
		Metrics: map[string]float64{
			"test_accuracy":           report.Accuracy,
			"test_precision_weighted": report.PrecisionWeighted,
			"test_recall_weighted":    report.RecallWeighted,
			"test_f1_weighted":        report.F1Weighted,
			"test_f1_macro":           report.F1Macro,
			"test_log_loss":           report.LogLoss,
		},
		Model: fitted.Params,
	}
	return &ModelResult{Name: alg.name, Test: report, Bundle: b, Fit: fitted, ValidationHistory: fitted.ValidationHistory}, nil
}

// trainingStats computes each feature's drift baseline over the rows the
// models are fitted on. Missing values are left out: the baseline
// describes the values observed (newImputation has checked, before any
// model is fitted, that each feature has some).
func trainingStats(d *dataset.Dataset, trainIdx []int) []model.Stats {
	stats := make([]model.Stats, len(d.Features))
	col := make([]float64, 0, len(trainIdx))
	for j := range d.Features {
		col = col[:0]
		for _, r := range trainIdx {
			if v := d.X[r][j]; !math.IsNaN(v) {
				col = append(col, v)
			}
		}
		stats[j] = model.NewStats(col, model.DefaultBins)
	}
	return stats
}

func metricsFile(res *Result, p *params.Params) *metricsfile.File {
	f := &metricsfile.File{Champion: res.Champion, Models: make(map[string]metricsfile.Model, len(res.Models))}
	for _, m := range res.Models {
		if m.Failed() {
			f.Models[m.Name] = metricsfile.Model{Status: string(m.Status), Error: firstLine(m.Err), Warnings: m.Warnings}
			continue
		}
		f.Models[m.Name] = metricsfile.Model{
			Status: string(m.Status), Warnings: m.Warnings,
			Test: metricsfile.Test{
				Accuracy: m.Test.Accuracy, PrecisionWeighted: m.Test.PrecisionWeighted, RecallWeighted: m.Test.RecallWeighted,
				F1Weighted: m.Test.F1Weighted, F1Macro: m.Test.F1Macro, LogLoss: m.Test.LogLoss,
			},
			CV: metricsfile.CV{Folds: p.CV.Folds, Repeats: p.CV.Repeats, AccuracyMean: m.CV.Mean, AccuracyStd: m.CV.Std},
		}
	}
	return f
}

// firstLine is err's message up to its first newline: the reason a failed
// model shows in tables and metrics.json.
func firstLine(err error) string {
	if err == nil {
		return ""
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}
