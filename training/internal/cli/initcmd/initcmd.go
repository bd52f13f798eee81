// Package initcmd is the `mlops init` command.
package initcmd

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/scaffold"
)

type flagpole struct {
	label   string
	name    string
	drop    []string
	missing string
	force   bool
}

// NewCommand returns `mlops init`; it works in env.Dir.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "init DATA.csv",
		Short: "Write params.yaml (and dvc.yaml, DATA's .dvc file) to train on your own CSV",
		Long: `Reads DATA.csv (a header line, then one row per observation) and writes
params.yaml so that mlops train and model-api work on it with no edit: the label
(the last column unless --label) and its classes, every other column as a feature
in file order (minus --drop) with a valid range serving enforces (the observed
range widened by 10% each side, not below 0 for a column with no negative value),
cross-validation and tree sizes suited to the number of rows, and the five models.
It also writes dvc.yaml when there is none, and in a DVC repository (mlops data
init) tracks the data as mlops data add does: the CSV's directory (data.dvc for
data/DATA.csv), or the file itself when it sits at the root.

Every problem with the data is reported at once: non-numeric or constant columns
(leave them out with --drop), names that are not identifiers, blank cells with
their count per column. Blank feature cells are errors (data.missing: error)
unless --missing impute writes data.missing: impute: training then fills each
with its column's median over the rows a model is fitted on and records the
training medians in the bundles, so mlops predict and model-api fill missing
inputs the same way. Ranges come from the observed values. A blank label is
always an error. Existing params.yaml and .dvc files are only replaced with
--force; an existing dvc.yaml is kept.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, env, args[0], flags)
		},
	}
	cmd.Flags().StringVar(&flags.label, "label", "", "label (class) column (default: the last column)")
	cmd.Flags().StringVar(&flags.name, "name", "", "data set name: lowercase letters, digits, _ (default: from the file name)")
	cmd.Flags().StringSliceVar(&flags.drop, "drop", nil, "columns to leave out (comma-separated)")
	cmd.Flags().StringVar(&flags.missing, "missing", "error", "blank feature cells: error (stop training on them) or impute (fill them with the training median)")
	cmd.Flags().BoolVarP(&flags.force, "force", "f", false, "replace an existing params.yaml and .dvc file")
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, data string, flags flagpole) error {
	res, err := scaffold.Run(ctx, logger, scaffold.Options{
		Dir: env.Dir, Data: data, Label: flags.label, Name: flags.name, Drop: flags.drop, Missing: flags.missing, Force: flags.force,
	})
	if err != nil {
		return err
	}
	if res.NoRepo != nil {
		logger.Warn("data not tracked by DVC; to version it, run mlops data init (in a git work tree) and mlops init again with --force", "err", res.NoRepo)
	}
	return report(s.Out, res)
}

// report prints what was written and what to run next.
func report(w io.Writer, res *scaffold.Result) error {
	p := res.Params.Params
	var b strings.Builder
	fmt.Fprintf(&b, "Wrote params.yaml for %s (%s): %d rows", p.Data.Path, p.Data.Name, res.Rows)
	if res.Duplicates > 0 {
		fmt.Fprintf(&b, " after dropping %d duplicates", res.Duplicates)
	}
	fmt.Fprintf(&b, ", label %q with %d classes, %d features; %s data: cross-validation %d folds x %d repeats.\n",
		p.Data.Label, len(res.Params.Classes), len(p.Data.Features), res.Params.Tier, p.CV.Folds, p.CV.Repeats)
	var blanks []string
	for j, n := range res.Missing {
		if n > 0 {
			blanks = append(blanks, fmt.Sprintf("%q %d", p.Data.Features[j].Name, n))
		}
	}
	if len(blanks) > 0 {
		fmt.Fprintf(&b, "Blank cells training will fill with the column's training median (data.missing: impute): %s.\n", strings.Join(blanks, ", "))
	}
	if res.PipelineKept {
		b.WriteString("Kept the existing dvc.yaml.\n")
	} else {
		b.WriteString("Wrote dvc.yaml.\n")
	}
	if t := res.Tracked; t != nil {
		fmt.Fprintf(&b, "Tracked %s in %s.\n", t.Path, t.DvcFile)
	}
	fmt.Fprintf(&b, "\nNext, train (and version the files with git add %s):\n\n\tmlops train\n", strings.Join(res.Written, " "))
	_, err := io.WriteString(w, b.String())
	return err
}
