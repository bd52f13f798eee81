// Package trainrun is the tracked training `mlops train` runs: it records
// the training into the run store (a run begun before training, filled
// from train.Result, marked finished or failed) and, when asked, exports
// the finished run to a tracker, so the train package itself knows nothing
// about tracking and the command only parses flags. Track, the recording
// itself, is shared with the tuning runs of package tunerun.
package trainrun

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/train"
)

// Off is the RunsDir that records nothing.
const Off = "off"

// Options says what the run is and where it goes.
type Options struct {
	// Command is the command line, recorded as is.
	Command []string
	// ParamsPath is the parameters file training reads.
	ParamsPath string
	// ModelsDir is where the bundles are written (for artifact paths).
	ModelsDir string
	// RunsDir is the run store's directory. Optional. Default: "", which
	// like Off records nothing.
	RunsDir string
	// Tracker names the tracker (export.Trackers) the recorded run is
	// exported to. Optional. Default: none.
	Tracker string
	// Getenv reads the tracker's settings. Optional. Default: os.Getenv.
	Getenv func(string) string
	// Git describes the working tree for the record. Optional. Default:
	// tracking.GitInfo of the working directory.
	Git func(context.Context) *tracking.Git
	// Now is the clock of the export's sync state. Optional. Default:
	// time.Now.
	Now func() time.Time
}

// Run runs fn, the training, as a run recorded in opts.RunsDir (see
// Track), then, when opts.Tracker is set, exports the run.
func Run(ctx context.Context, logger *slog.Logger, opts Options, fn func(context.Context) (*train.Result, error)) (*train.Result, error) {
	return Track(ctx, logger, opts, tracking.KindTrain, fn, func(run *tracking.Run, res *train.Result) {
		Fill(run, res, opts.ModelsDir)
	})
}

// Track runs fn as a run of kind recorded in opts.RunsDir (see record),
// with fill copying fn's result into the record, then, when opts.Tracker
// is set, exports the run. An unknown tracker or incomplete tracker
// settings fail before fn starts, so a typo does not cost a training or
// tuning run. An export failure is logged and leaves the run unsynced for
// `mlops runs sync`; it does not fail the command. `mlops train` and
// `mlops tune` (package tunerun) share it.
func Track[R any](ctx context.Context, logger *slog.Logger, opts Options, kind tracking.Kind,
	fn func(context.Context) (*R, error), fill func(*tracking.Run, *R),
) (*R, error) {
	if opts.RunsDir == "" || opts.RunsDir == Off {
		return fn(ctx)
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var exp export.Exporter
	if opts.Tracker != "" {
		var err error
		if exp, err = export.New(logger, opts.Tracker, opts.Getenv); err != nil {
			return nil, err
		}
	}
	store := tracking.New(logger, tracking.Options{Dir: opts.RunsDir, Git: opts.Git})
	meta := tracking.Run{Kind: kind, Command: opts.Command, ParamsFile: opts.ParamsPath, Params: rawParams(opts.ParamsPath)}
	res, run, err := record(ctx, logger, store, meta, fn, fill)
	if err != nil || run == nil || exp == nil {
		return res, err
	}
	if outcome, err := export.Sync(ctx, logger, store, run.ID, exp, opts.Now); err == nil {
		logger.Info("run exported", "run", run.ID, "tracker", exp.Name(), "outcome", string(outcome))
	} else {
		logger.Warn("run not exported; retry with `mlops runs sync`", "run", run.ID, "tracker", exp.Name(), "err", err)
	}
	return res, nil
}

// record runs fn as a tracked run: the run (meta) is written as running
// first, then finished with fn's result, or failed with its error (or
// panic, which is re-raised after the record is saved); a failed fn's
// result, when it returns one, is recorded too. A failure to write the
// store is logged, not returned: losing the record must not fail a command
// that succeeded. The run is returned when it was recorded.
func record[R any](ctx context.Context, logger *slog.Logger, store *tracking.Store, meta tracking.Run,
	fn func(context.Context) (*R, error), fill func(*tracking.Run, *R),
) (res *R, run *tracking.Run, err error) {
	run, berr := store.Begin(ctx, meta)
	if berr != nil {
		logger.Warn("could not record the run; continuing without it", "runs_dir", store.Dir(), "err", berr)
		res, err = fn(ctx)
		return res, nil, err
	}
	logger.Info("run started", "run", run.ID, "runs_dir", store.Dir())
	defer func() {
		if p := recover(); p != nil {
			if ferr := store.Fail(run, fmt.Errorf("panic: %v", p)); ferr != nil {
				logger.Warn("could not record the failed run", "run", run.ID, "err", ferr)
			}
			panic(p)
		}
	}()
	res, err = fn(ctx)
	if err != nil {
		if res != nil {
			// Part of the work was done (every model failed; a tuning
			// whose --apply failed): record it with the reason.
			fill(run, res)
		}
		if ferr := store.Fail(run, err); ferr != nil {
			logger.Warn("could not record the failed run", "run", run.ID, "err", ferr)
		} else {
			logger.Info("run failed", "run", run.ID)
		}
		return res, run, err
	}
	fill(run, res)
	if ferr := store.Finish(run); ferr != nil {
		logger.Warn("could not record the finished run", "run", run.ID, "err", ferr)
		return res, nil, nil
	}
	logger.Info("run recorded", "run", run.ID, "file", filepath.Join(store.Dir(), run.ID, tracking.RunFile))
	return res, run, nil
}

// Fill copies a training result into run: the effective parameters, the
// data, and each model's status, warnings, metrics, history and bundle (a
// failed model's reason instead of the last three).
func Fill(run *tracking.Run, res *train.Result, modelsDir string) {
	FillSetup(run, res.Params, res.Dataset)
	run.Champion = res.Champion
	run.Models = make([]tracking.Model, 0, len(res.Models))
	for _, m := range res.Models {
		t := m.Test
		tm := tracking.Model{
			Name: m.Name, Status: tracking.ModelStatus(m.Status), Warnings: m.Warnings,
			Test: tracking.Test{
				Accuracy: t.Accuracy, PrecisionWeighted: t.PrecisionWeighted, RecallWeighted: t.RecallWeighted,
				F1Weighted: t.F1Weighted, PrecisionMacro: t.PrecisionMacro, RecallMacro: t.RecallMacro,
				F1Macro: t.F1Macro, LogLoss: t.LogLoss, Precision: t.Precision, Recall: t.Recall, F1: t.F1,
				Support: t.Support, Confusion: t.Confusion,
			},
			CV:              tracking.CV{Metric: "accuracy", Mean: m.CV.Mean, Std: m.CV.Std, Values: m.CV.Values},
			DurationSeconds: m.Duration.Seconds(),
		}
		if m.Err != nil {
			tm.Error = m.Err.Error()
		}
		if m.Fit != nil {
			tm.History, tm.Iterations, tm.Converged = m.Fit.History, m.Fit.Iterations, m.Fit.Converged
		}
		tm.ValidationHistory = m.ValidationHistory
		if b := m.Bundle; b != nil {
			tm.Algorithm = b.Algorithm
			tm.Hyperparameters = b.Hyperparameters
			tm.Artifact = tracking.Artifact{Path: filepath.Join(modelsDir, m.Name+".json"), SHA256: b.SHA256}
		}
		run.Models = append(run.Models, tm)
	}
}

// FillSetup copies what a training or tuning run worked on into run: the
// effective parameters p (nil: keep the file's content recorded at the
// start), the data set d, and the cross-validation p configures.
func FillSetup(run *tracking.Run, p *params.Params, d train.DatasetInfo) {
	if m := EffectiveParams(p); m != nil {
		run.Params = m
	}
	run.Data = &tracking.Data{
		Path: d.Path, MD5: d.MD5, Rows: d.Rows, Duplicates: d.Duplicates,
		TrainRows: d.TrainRows, TestRows: d.TestRows, Classes: d.Classes, Features: d.Features,
	}
	if p != nil {
		run.Data.Label = p.Data.Label
		run.CV = &tracking.CVSpec{Folds: p.CV.Folds, Repeats: p.CV.Repeats}
	}
}

// rawParams parses the parameters file as generic YAML, so a run that fails
// before validation still records what it was given. It returns nil when
// the file cannot be read or parsed (training then fails and says why).
func rawParams(path string) map[string]any {
	if path == "" {
		path = params.DefaultFile
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil
	}
	return jsonable(m).(map[string]any)
}

// jsonable converts what YAML decoding can produce and JSON cannot encode:
// maps with non-string keys, and NaN or infinite numbers (kept as text).
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprint(x)
		}
	}
	return v
}

// EffectiveParams returns p (defaults filled in) under its params.yaml
// keys, without the sections of models that are not trained, or nil for
// a nil p.
func EffectiveParams(p *params.Params) map[string]any {
	if p == nil {
		return nil
	}
	data, err := yaml.Marshal(p)
	if err != nil {
		return nil
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil
	}
	m = jsonable(m).(map[string]any)
	if models, ok := m["models"].(map[string]any); ok {
		for name, v := range models {
			if v == nil {
				delete(models, name)
			}
		}
	}
	return m
}
