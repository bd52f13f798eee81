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
}

// NewCommand returns `mlops report`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "report [RUN...]",
		Short: "Write a self-contained HTML report of a run: data plots, model comparison, confusion matrices, run over run",
		Long: `Renders one HTML file with inline SVG charts and inline CSS (no scripts, fonts or
images from the network): the class distribution, scatter plots of feature pairs
coloured by class and a scatter matrix (from the run's data file), every model's
hold-out and cross-validated scores, CV score distributions, confusion matrices,
learning curves, and each model's CV accuracy run over run.

Without RUN the latest finished run is shown, with every finished run (the last
30) in the run-over-run chart; with RUNs, the last one is shown and the others
are compared with it. The path of the written file is printed on stdout.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, flags, args)
		},
	}
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	cmd.Flags().StringVarP(&flags.out, "out", "o", DefaultOut, "output file, or a directory to write report.html into")
	cmd.Flags().StringVar(&flags.data, "data", "", "data file for the data plots (default: the one the run trained on)")
	cmd.Flags().StringSliceVar(&flags.pairs, "pairs", nil, "feature pairs to scatter, as x:y (default: the first two pairs of features)")
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
			if r.Status == tracking.StatusFinished {
				history = append(history, r)
			}
		}
		if len(history) == 0 {
			return fmt.Errorf("no finished run in %s: run `mlops train` first", flags.runsDir)
		}
		history = history[max(0, len(history)-maxHistory):]
		main = history[len(history)-1]
	} else {
		for _, ref := range args {
			r, err := store.Resolve(ref)
			if err != nil {
				return err
			}
			history = append(history, r)
		}
		main = history[len(history)-1]
		slices.SortStableFunc(history, func(a, b *tracking.Run) int { return a.Start.Compare(b.Start) })
	}
	opts := report.Options{Run: main, History: history}
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
	logger.Info("report written", "run", main.ID, "runs", len(history), "file", path, "bytes", buf.Len())
	_, err = fmt.Fprintln(s.Out, path)
	return err
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
