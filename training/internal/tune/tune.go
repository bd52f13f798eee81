package tune

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/progress"
	"github.com/mlopsgo/mlops/training/internal/train"
	"github.com/mlopsgo/mlops/training/internal/tune/sampler"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// Options configures a tuning run. The zero value of each optional field
// means its default.
type Options struct {
	// ParamsPath is params.yaml. Optional. Default: params.yaml.
	ParamsPath string
	// Models restricts tuning to these model names. Optional. Default:
	// every model params.yaml lists.
	Models []string
	// Trials is the number of trials of each search. Optional. Default:
	// tune.trials, or unbounded when Time is set.
	Trials int
	// Time bounds the run: the models take turns, each with an equal part
	// of the time left when it starts (see share), and no batch of its
	// searches starts after that part has passed (the first batch always
	// runs). Optional. Default: none.
	Time time.Duration
	// NoPruning scores every trial on every inner fold. Optional. Default:
	// false (successive-halving pruning).
	NoPruning bool
	// Workers bounds parallel fits; the results do not depend on it.
	// Optional. Default: GOMAXPROCS.
	Workers int
	// Progress receives the progress bar (drawn only on a terminal).
	// Optional. Default: none.
	Progress io.Writer
}

// Result is a tuning run's outcome.
type Result struct {
	Params *params.Params
	// Dataset describes the data the searches ran on, as for a training
	// run.
	Dataset train.DatasetInfo
	Models  []*ModelResult
}

// Run tunes the selected models of the params file, one after the other,
// each with its searches in parallel.
func Run(ctx context.Context, logger *slog.Logger, opts Options) (*Result, error) {
	if opts.ParamsPath == "" {
		opts.ParamsPath = params.DefaultFile
	}
	p, err := params.Load(opts.ParamsPath)
	if err != nil {
		return nil, err
	}
	names, err := p.Models.Select(opts.Models)
	if err != nil {
		return nil, err
	}
	data, err := train.LoadData(ctx, logger, p)
	if err != nil {
		return nil, err
	}
	d, trainIdx, outerFolds := data.Set, data.Train, data.Folds
	trials := opts.Trials
	switch {
	case trials == 0 && opts.Time > 0:
		trials = math.MaxInt32
	case trials == 0:
		trials = p.Tune.Trials
	}
	pl := plan{
		final: trainIdx,
		innerFolds: func(rows []int) ([]fold, error) {
			return innerFolds(d.Y, len(d.Classes), rows, p.Tune.InnerFolds, p.Seed)
		},
		seed:       p.Seed,
		newSampler: func(s space.Space, src rand.Source) sampler.Sampler { return sampler.NewTPE(s, src) },
		opts: searchOptions{
			trials: trials, batch: p.Tune.Batch, prune: !opts.NoPruning, workers: classifier.Workers(opts.Workers),
		},
	}
	for _, f := range outerFolds {
		pl.outer = append(pl.outer, fold{Train: f.Train, Test: f.Test})
	}
	logger.Info("tuning", "file", p.Data.Path, "rows", len(d.Y), "models", len(names),
		"outer_cv", fmt.Sprintf("%d folds x %d repeats", p.CV.Folds, p.CV.Repeats), "inner_folds", p.Tune.InnerFolds,
		"searches_per_model", len(outerFolds)+1, "batch", p.Tune.Batch)
	res := &Result{Params: p, Dataset: data.Info(p.Data.Path)}
	// Models take turns at --time: each gets an equal part of what is left
	// when it starts, so the time a quick model leaves goes to the later
	// ones, and a model that ran over takes it from them.
	end := time.Now().Add(opts.Time)
	for i, name := range names {
		m, err := modelOf(p, name)
		if err != nil {
			return nil, err
		}
		// tuneModel fits the configured settings after the search; a
		// setting the algorithm rejects is reported before it.
		if _, err := m.Trainer(nil, p.Seed, 1); err != nil {
			return nil, fmt.Errorf("tune %s: default settings: %w", name, err)
		}
		pl := pl
		var part time.Duration // this model's share of --time
		if opts.Time > 0 {
			part = share(end, time.Now(), len(names)-i)
			pl.opts.deadline = time.Now().Add(part)
		}
		w := opts.Progress
		if w == nil {
			w = io.Discard
		}
		total := (len(pl.outer) + 1) * min(trials, math.MaxInt32/(len(pl.outer)+1))
		pl.opts.bar = progress.New(w, "tuning "+name, total)
		r, err := tuneModel(ctx, m, accuracyScorer(d, m, p.Seed), pl)
		pl.opts.bar.Done()
		if err != nil {
			return nil, err
		}
		if opts.Time > 0 && r.Duration > part+part/2 {
			// The budget cannot cut the work a nested estimate needs at the
			// least, which on a large data set can take far longer.
			logger.Warn("tuning outlasted its share of --time", "model", name, "share", part, "took", r.Duration.Round(time.Millisecond),
				"why", fmt.Sprintf("whatever the budget, each of the %d searches runs its first batch of %d trials, and the default settings and the nested estimate are fitted on each of the %d outer folds",
					len(pl.outer)+1, p.Tune.Batch, len(pl.outer)),
				"fix", "give more time, or lower tune.batch (trials per batch), cv.repeats or cv.folds")
		}
		logger.Info("model tuned", "model", name, "trials", r.Trials, "pruned", r.Pruned,
			"default_cv", fmt.Sprintf("%.4f", r.DefaultCV.Mean), "nested", fmt.Sprintf("%.4f", r.Nested.Mean),
			"chosen", r.Chosen.String(), "duration", r.Duration.Round(time.Millisecond))
		res.Models = append(res.Models, r)
	}
	return res, nil
}

// share is a model's part of --time when it starts at now with models
// (itself included) still to tune and the budget ending at end: an equal
// part of what is left, none once the budget has passed.
func share(end, now time.Time, models int) time.Duration {
	return max(end.Sub(now)/time.Duration(models), 0)
}

// innerFolds returns a stratified k-fold split of rows (row indices of the
// data set whose labels are y) as row indices of the data set.
func innerFolds(y []int, classes int, rows []int, k int, seed uint64) ([]fold, error) {
	sub := make([]int, len(rows))
	for i, r := range rows {
		sub[i] = y[r]
	}
	folds, err := dataset.RepeatedStratifiedKFold(sub, classes, k, 1, seed)
	if err != nil {
		return nil, fmt.Errorf("inner %d-fold cross-validation of %d rows (lower tune.inner_folds or use more data): %w", k, len(rows), err)
	}
	out := make([]fold, len(folds))
	for i, f := range folds {
		out[i] = fold{Train: mapRows(rows, f.Train), Test: mapRows(rows, f.Test)}
	}
	return out, nil
}

func mapRows(rows, idx []int) []int {
	out := make([]int, len(idx))
	for i, j := range idx {
		out[i] = rows[j]
	}
	return out
}
