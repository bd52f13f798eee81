package train

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
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

// ModelResult is one model's outcome.
type ModelResult struct {
	Name   string
	Test   metrics.Report
	CV     metrics.Summary
	Bundle *model.Bundle
	// Fit is the final fit's details (history, iterations, convergence).
	Fit *classifier.Fitted
	// ValidationHistory is the loss on the hold-out rows after each
	// iteration, for algorithms that report one (classifier.Evaluator);
	// the same slice as Fit.ValidationHistory.
	ValidationHistory []float64
	// Duration covers cross-validation and the final fit.
	Duration time.Duration
}

// Run trains the configured models and writes their bundles, the index and
// metrics.json.
func Run(ctx context.Context, logger *slog.Logger, opts Options) (*Result, error) {
	if opts.ParamsPath == "" {
		opts.ParamsPath = params.DefaultFile
	}
	if opts.ModelsDir == "" {
		opts.ModelsDir = "models"
	}
	res, err := Fit(ctx, logger, opts)
	if err != nil {
		return nil, err
	}
	if err := Write(res, opts.ModelsDir, opts.MetricsPath, opts.PlotsPath); err != nil {
		return nil, err
	}
	logger.Info("training finished", "champion", res.Champion, "models_dir", opts.ModelsDir)
	return res, nil
}

// Fit does everything Run does except writing files.
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
	d, err := dataset.Load(ctx, dataset.Spec{Path: p.Data.Path, Label: p.Data.Label, Features: p.Data.FeatureNames()})
	if err != nil {
		return nil, err
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
	logger.Info("data loaded", "file", p.Data.Path, "rows", len(d.Y), "classes", len(d.Classes),
		"train_rows", len(trainIdx), "test_rows", len(testIdx), "cv", fmt.Sprintf("%d folds x %d repeats", p.CV.Folds, p.CV.Repeats))

	res := &Result{Params: p, Dataset: DatasetInfo{
		Path: p.Data.Path, MD5: d.MD5, Rows: len(d.Y), Duplicates: d.Duplicates,
		TrainRows: len(trainIdx), TestRows: len(testIdx), Classes: d.Classes, Features: d.Features,
	}}

	start := time.Now()
	var bar *progress.Bar
	if opts.Progress != nil {
		bar = progress.New(opts.Progress, "cross-validating", len(algs)*len(folds))
	} else {
		bar = progress.New(io.Discard, "", 0)
	}
	acc, err := crossValidate(ctx, d, algs, folds, p.Seed, opts.Workers, bar)
	bar.Done()
	if err != nil {
		return nil, err
	}
	cvDuration := time.Since(start)
	logger.Info("cross-validation finished", "fits", len(algs)*len(folds), "duration", cvDuration.Round(time.Millisecond))

	stats := trainingStats(d, trainIdx)
	for i, alg := range algs {
		t0 := time.Now()
		mr, err := fitFinal(ctx, p, d, alg, trainIdx, testIdx, stats)
		if err != nil {
			return nil, err
		}
		mr.CV = metrics.Summarize(acc[i])
		mr.Bundle.Metrics["cv_accuracy_mean"] = mr.CV.Mean
		mr.Bundle.Metrics["cv_accuracy_std"] = mr.CV.Std
		if err := mr.Bundle.Seal(); err != nil {
			return nil, fmt.Errorf("bundle %s: %w", alg.name, err)
		}
		// Each model's share of the parallel cross-validation is not
		// separable, so the duration reported is the final fit's plus an
		// equal share of the CV time.
		mr.Duration = time.Since(t0) + cvDuration/time.Duration(len(algs))
		res.Models = append(res.Models, *mr)
	}
	res.Champion = pickChampion(res.Models)
	res.Metrics = metricsFile(res, p)
	return res, nil
}

// Write saves the bundles, then the index, then metrics.json and the CV
// plot, each atomically. The index goes before the metrics so a reader never
// sees an index that names bundles not yet written.
func Write(res *Result, modelsDir, metricsPath, plotsPath string) error {
	if err := os.MkdirAll(modelsDir, 0o755); err != nil {
		return fmt.Errorf("create models directory: %w", err)
	}
	bundles := make([]*model.Bundle, len(res.Models))
	for i, m := range res.Models {
		if err := m.Bundle.Save(filepath.Join(modelsDir, m.Name+".json")); err != nil {
			return err
		}
		bundles[i] = m.Bundle
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
		if err := writeCVPlot(plotsPath, res.Models); err != nil {
			return err
		}
	}
	return nil
}

func fitFinal(ctx context.Context, p *params.Params, d *dataset.Dataset, alg algorithm, trainIdx, testIdx []int, stats []model.Stats) (*ModelResult, error) {
	tr, err := alg.newTrainer(p.Seed, 0)
	if err != nil {
		return nil, err
	}
	X, y := d.Subset(trainIdx)
	Xt, yt := d.Subset(testIdx)
	// Where the algorithm can, the hold-out rows give a validation curve
	// beside the training loss; they only measure, never steer the fit.
	if ev, ok := tr.(classifier.Evaluator); ok {
		tr = ev.WithValidation(Xt, yt)
	}
	fitted, err := tr.Fit(ctx, X, y, len(d.Classes))
	if err != nil {
		return nil, fmt.Errorf("fit %s: %w", alg.name, err)
	}
	pred, err := fitted.Params.Compile(len(d.Features), len(d.Classes))
	if err != nil {
		return nil, fmt.Errorf("fit %s: %w", alg.name, err)
	}
	proba := make([][]float64, len(Xt))
	for i, x := range Xt {
		proba[i] = make([]float64, len(d.Classes))
		pred.PredictInto(proba[i], x)
	}
	report := metrics.Evaluate(yt, proba, len(d.Classes))

	features := make([]model.Feature, len(p.Data.Features))
	for j, f := range p.Data.Features {
		features[j] = model.Feature{Name: f.Name, Valid: model.Range{Min: f.Min, Max: f.Max}, Stats: stats[j]}
	}
	b := &model.Bundle{
		Name:      alg.name,
		Algorithm: alg.kind,
		Dataset: model.Dataset{
			Name: p.Data.Name, Label: p.Data.Label, MD5: d.MD5, Rows: len(d.Y), TrainRows: len(trainIdx),
		},
		Features:        features,
		Classes:         d.Classes,
		Hyperparameters: alg.hyperparameters,
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
// models are fitted on.
func trainingStats(d *dataset.Dataset, trainIdx []int) []model.Stats {
	stats := make([]model.Stats, len(d.Features))
	col := make([]float64, len(trainIdx))
	for j := range d.Features {
		for i, r := range trainIdx {
			col[i] = d.X[r][j]
		}
		stats[j] = model.NewStats(col, model.DefaultBins)
	}
	return stats
}

func metricsFile(res *Result, p *params.Params) *metricsfile.File {
	f := &metricsfile.File{Champion: res.Champion, Models: make(map[string]metricsfile.Model, len(res.Models))}
	for _, m := range res.Models {
		f.Models[m.Name] = metricsfile.Model{
			Test: metricsfile.Test{
				Accuracy: m.Test.Accuracy, PrecisionWeighted: m.Test.PrecisionWeighted, RecallWeighted: m.Test.RecallWeighted,
				F1Weighted: m.Test.F1Weighted, F1Macro: m.Test.F1Macro, LogLoss: m.Test.LogLoss,
			},
			CV: metricsfile.CV{Folds: p.CV.Folds, Repeats: p.CV.Repeats, AccuracyMean: m.CV.Mean, AccuracyStd: m.CV.Std},
		}
	}
	return f
}
