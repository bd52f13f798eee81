// Package report is the `mlops report` command.
package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsflag"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/report"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// DefaultOut is where the report goes without -o.
const DefaultOut = "reports/report.html"

// maxHistory bounds the runs in the run-over-run chart.
const maxHistory = 30

type flagpole struct {
	runsDir string
	out     string
	data    string
	pairs   []string
	// tune is the --tune flag: a tune run, TuneOff, or empty for the
	// latest finished tune run on the reported run's data.
	tune string
}

// TuneOff is the --tune value that leaves the tuning section out.
const TuneOff = "off"

// NewCommand returns `mlops report`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "report [RUN...]",
		Short: "Write a self-contained HTML report of a run: data plots, model comparison, confusion matrices, run over run, tuning",
		Long: `Renders one HTML file with inline SVG charts and inline CSS (no scripts, fonts or
images from the network): the class distribution, scatter plots of feature pairs
coloured by class and a scatter matrix (from the run's data file), every model's
hold-out and cross-validated scores, CV score distributions, confusion matrices,
learning curves, each model's CV accuracy run over run, and a tuning section
from a tune run (mlops tune): per tuned model its default CV, nested estimate
and optimistic inner best, the final search's best score by trial, its score
against each hyper-parameter and the parameters' fANOVA importances.

Without RUN the latest finished training run is shown, with every finished
training run (the last 30) in the run-over-run chart; with RUNs, the last one
is shown and the others are compared with it. The tuning section shows the
latest finished tune run whose data has the shown run's md5 (none: no
section); --tune RUN shows that tune run instead, --tune off none. The path of
the written file is printed on stdout.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, flags, args)
		},
	}
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	cmd.Flags().StringVarP(&flags.out, "out", "o", DefaultOut, "output file, or a directory to write report.html into")
	cmd.Flags().StringVar(&flags.data, "data", "", "data file for the data plots (default: the one the run trained on)")
	cmd.Flags().StringSliceVar(&flags.pairs, "pairs", nil, "feature pairs to scatter, as x:y (default: the first two pairs of features)")
	cmd.Flags().StringVar(&flags.tune, "tune", "", "tune run for the tuning section, or off (default: the latest finished tune run on the same data)")
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, flags flagpole, args []string) error {
	store := runsflag.Store(logger, flags.runsDir)
	all, err := store.List()
	if err != nil {
		return err
	}
	var main *tracking.Run
	var history []*tracking.Run
	if len(args) == 0 {
		for _, r := range all {
			if r.Status == tracking.StatusFinished && r.Kind == tracking.KindTrain {
				history = append(history, r)
			}
		}
		if len(history) == 0 {
			return fmt.Errorf("no finished training run in %s: run `mlops train` first", flags.runsDir)
		}
		history = history[max(0, len(history)-maxHistory):]
		main = history[len(history)-1]
	} else {
		for _, ref := range args {
			r, err := store.Resolve(ref)
			if err != nil {
				return err
			}
			if r.Kind != tracking.KindTrain {
				return fmt.Errorf("run %s is a %s run: the report shows training runs (name a tune run with --tune)", r.ID, r.Kind)
			}
			history = append(history, r)
		}
		main = history[len(history)-1]
		slices.SortStableFunc(history, func(a, b *tracking.Run) int { return a.Start.Compare(b.Start) })
	}
	opts := report.Options{Run: main, History: history}
	if opts.Tune, opts.TuneNote, err = pickTune(store, all, main, flags.tune); err != nil {
		return err
	}
	if opts.Tune == nil {
		logger.Info("report without a tuning section", "reason", opts.TuneNote)
	}
	if main.Data != nil {
		// The page names the data file relative to its repository, not
		// by this machine's absolute path.
		opts.Root = report.FindRoot(main.Data.Path)
	}
	opts.Data, opts.DataNote = loadData(ctx, main, flags.data)
	if opts.Data == nil {
		logger.Warn("report without data plots", "reason", opts.DataNote)
	}
	if len(flags.pairs) > 0 {
		if opts.Data == nil {
			return errors.New("--pairs needs the data file; " + opts.DataNote)
		}
		if opts.Pairs, err = ParsePairs(flags.pairs, opts.Data.Features); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, opts); err != nil {
		return err
	}
	path := outPath(flags.out)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create report directory: %w", err)
	}
	if err := atomicfile.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	tune := ""
	if opts.Tune != nil {
		tune = opts.Tune.ID
	}
	logger.Info("report written", "run", main.ID, "runs", len(history), "tune", tune, "file", path, "bytes", buf.Len())
	_, err = fmt.Fprintln(s.Out, path)
	return err
}

// pickTune returns the tune run the tuning section shows and a note on it
// (for the page), or nil and why there is none (for the log): the run that
// ref names (TuneOff: none), or without ref the latest finished tune run
// among all whose data has main's md5, so that the section describes the
// same data.
func pickTune(store *tracking.Store, all []*tracking.Run, main *tracking.Run, ref string) (*tracking.Run, string, error) {
	md5 := ""
	if main.Data != nil {
		md5 = main.Data.MD5
	}
	switch ref {
	case TuneOff:
		return nil, "--tune off", nil
	case "":
		for i := len(all) - 1; i >= 0; i-- {
			r := all[i]
			if r.Kind == tracking.KindTune && r.Tune != nil && r.Status == tracking.StatusFinished &&
				r.Data != nil && md5 != "" && r.Data.MD5 == md5 {
				return r, fmt.Sprintf("The latest finished tune run on the same data (md5 %s) as run %s.", md5, main.ID), nil
			}
		}
		return nil, fmt.Sprintf("no finished tune run on the data of run %s (md5 %s)", main.ID, md5), nil
	}
	r, err := store.Resolve(ref)
	if err != nil {
		return nil, "", fmt.Errorf("--tune %s: %w", ref, err)
	}
	if r.Kind != tracking.KindTune || r.Tune == nil {
		return nil, "", fmt.Errorf("--tune %s: run %s is a training run, not a tune run (mlops runs list shows each run's kind)", ref, r.ID)
	}
	note := fmt.Sprintf("Picked with --tune %s.", ref)
	if r.Status != tracking.StatusFinished {
		note += fmt.Sprintf(" The run is %s: its searches may be incomplete.", r.Status)
	}
	switch {
	case r.Data == nil:
		note += " It does not record its data."
	case r.Data.MD5 != md5:
		note += fmt.Sprintf(" Warning: it tuned other data (md5 %s) than run %s trained on (md5 %s).", r.Data.MD5, main.ID, md5)
	}
	return r, note, nil
}

// loadData reads the run's data set (or the override). The note says why
// there is none, or that the file changed since the run.
func loadData(ctx context.Context, r *tracking.Run, override string) (*dataset.Dataset, string) {
	if r.Data == nil || len(r.Data.Features) == 0 || r.Data.Label == "" {
		return nil, "the run does not record its data file's columns"
	}
	path := r.Data.Path
	if override != "" {
		path = override
	}
	// Blank cells read as missing values, which the charts leave out: a run
	// with data.missing: impute trained on such a file.
	d, err := dataset.Load(ctx, dataset.Spec{Path: path, Label: r.Data.Label, Features: r.Data.Features, BlankAsNaN: true})
	if err != nil {
		return nil, err.Error()
	}
	if override == "" && d.MD5 != r.Data.MD5 {
		// Still plotted, with a warning: the file changed since the run.
		return d, fmt.Sprintf("%s has changed since the run (md5 %s, the run trained on %s)", path, d.MD5, r.Data.MD5)
	}
	return d, ""
}

// ParsePairs turns "x:y" names into feature index pairs.
func ParsePairs(specs, features []string) ([][2]int, error) {
	var out [][2]int
	for _, spec := range specs {
		x, y, ok := strings.Cut(spec, ":")
		i, j := slices.Index(features, x), slices.Index(features, y)
		if !ok || i < 0 || j < 0 {
			return nil, fmt.Errorf("--pairs %q: want x:y with x and y among the features (%s)", spec, strings.Join(features, ", "))
		}
		out = append(out, [2]int{i, j})
	}
	return out, nil
}

// outPath is out itself when it names an .html file, else out/report.html.
func outPath(out string) string {
	if info, err := os.Stat(out); err == nil && info.IsDir() {
		return filepath.Join(out, "report.html")
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return out
	}
	if strings.HasSuffix(out, "/") || !strings.EqualFold(filepath.Ext(out), ".html") {
		return filepath.Join(out, "report.html")
	}
	return out
}
