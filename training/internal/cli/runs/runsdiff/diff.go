// Package runsdiff is the `mlops runs diff` command: metrics.json in the
// working tree against a git revision's, as a markdown table for a pull
// request comment.
package runsdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/metricsfile"
)

type flagpole struct {
	rev     string
	metrics string
	json    bool
}

// NewCommand returns `mlops runs diff`.
func NewCommand(_ *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Compare metrics.json with a git revision's, as a markdown table (for pull requests)",
		Long: `Reads metrics.json from the working tree and from a git revision (git show
REV:metrics.json) and prints a markdown table of every model's metrics in both,
with the change. Paste it into a pull request, or let CI post it:

  mlops runs diff --rev origin/main > metrics-diff.md

A file missing at the revision (first training, or never committed) shows as
empty there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cur, err := metricsfile.Load(flags.metrics)
			if err != nil {
				return err
			}
			old, err := metricsfile.LoadRevision(cmd.Context(), "", flags.rev, flags.metrics)
			if err != nil {
				return err
			}
			d := metricsfile.Diff(flags.rev, old, "working tree", cur)
			if flags.json {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(d)
			}
			return WriteMarkdown(s.Out, d)
		},
	}
	cmd.Flags().StringVar(&flags.rev, "rev", "HEAD", "git revision to compare with")
	cmd.Flags().StringVar(&flags.metrics, "metrics", "metrics.json", "metrics file (in the working tree, and the same path at the revision)")
	cmd.Flags().BoolVar(&flags.json, "json", false, "print the comparison as JSON")
	return cmd
}

// WriteMarkdown prints the comparison as a GitHub-flavoured markdown table;
// a change for the better is marked 🟢, for the worse 🔴.
func WriteMarkdown(w io.Writer, c metricsfile.Comparison) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### Metrics: `%s` → %s\n\n", c.Old, c.New)
	fmt.Fprintf(&b, "Champion: %s → **%s**\n\n", or(c.OldChampion, "—"), or(c.NewChampion, "—"))
	fmt.Fprintf(&b, "| model | metric | `%s` | %s | change |\n", c.Old, c.New)
	b.WriteString("|---|---|---:|---:|---:|\n")
	changed := 0
	for _, r := range c.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.Model, r.Metric, cell(r.Old), cell(r.New), change(r))
		if change(r) != "=" {
			changed++
		}
	}
	if changed == 0 {
		b.WriteString("\nNo metric changed.\n")
	} else {
		fmt.Fprintf(&b, "\n%d of %d values changed.\n", changed, len(c.Rows))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.4f", *v)
}

func change(r metricsfile.Row) string {
	switch {
	case r.Old == nil && r.New == nil:
		return ""
	case r.Old == nil:
		return "new"
	case r.New == nil:
		return "removed"
	}
	d, changed := r.Change()
	if !changed {
		return "="
	}
	mark := "🔴"
	if r.Better(d) {
		mark = "🟢"
	}
	return fmt.Sprintf("%+.4f %s", d, mark)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
