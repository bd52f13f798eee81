// Package runsdiff is the `mlops runs diff` command: metrics.json in the
// working tree against a git revision's, as a markdown table for a pull
// request comment.
package runsdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
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
			d := Diff(flags.rev, old, "working tree", cur)
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

// Comparison is two metrics files side by side.
type Comparison struct {
	Old         string `json:"old"`
	New         string `json:"new"`
	OldChampion string `json:"old_champion"`
	NewChampion string `json:"new_champion"`
	Rows        []Row  `json:"rows"`
}

// Row is one metric of one model. Old or New is nil where that side has no
// such model.
type Row struct {
	Model  string   `json:"model"`
	Metric string   `json:"metric"`
	Old    *float64 `json:"old"`
	New    *float64 `json:"new"`
	// HigherIsBetter says which way an improvement goes.
	HigherIsBetter bool `json:"higher_is_better"`
}

type metric struct {
	name   string
	get    func(metricsfile.Model) float64
	higher bool
}

var metrics = []metric{
	{"cv accuracy (mean)", func(m metricsfile.Model) float64 { return m.CV.AccuracyMean }, true},
	{"cv accuracy (std)", func(m metricsfile.Model) float64 { return m.CV.AccuracyStd }, false},
	{"test accuracy", func(m metricsfile.Model) float64 { return m.Test.Accuracy }, true},
	{"test precision (weighted)", func(m metricsfile.Model) float64 { return m.Test.PrecisionWeighted }, true},
	{"test recall (weighted)", func(m metricsfile.Model) float64 { return m.Test.RecallWeighted }, true},
	{"test F1 (macro)", func(m metricsfile.Model) float64 { return m.Test.F1Macro }, true},
	{"test log loss", func(m metricsfile.Model) float64 { return m.Test.LogLoss }, false},
}

// Diff compares old (nil: absent) with cur, model by model (sorted by
// name), metric by metric.
func Diff(oldName string, old *metricsfile.File, newName string, cur *metricsfile.File) Comparison {
	c := Comparison{Old: oldName, New: newName, Rows: []Row{}}
	names := map[string]bool{}
	if old != nil {
		c.OldChampion = old.Champion
		for k := range old.Models {
			names[k] = true
		}
	}
	if cur != nil {
		c.NewChampion = cur.Champion
		for k := range cur.Models {
			names[k] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		for _, mt := range metrics {
			row := Row{Model: name, Metric: mt.name, HigherIsBetter: mt.higher}
			if old != nil {
				if m, ok := old.Models[name]; ok {
					v := mt.get(m)
					row.Old = &v
				}
			}
			if cur != nil {
				if m, ok := cur.Models[name]; ok {
					v := mt.get(m)
					row.New = &v
				}
			}
			c.Rows = append(c.Rows, row)
		}
	}
	return c
}

// WriteMarkdown prints the comparison as a GitHub-flavoured markdown table;
// a change for the better is marked 🟢, for the worse 🔴.
func WriteMarkdown(w io.Writer, c Comparison) error {
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

func change(r Row) string {
	switch {
	case r.Old == nil && r.New == nil:
		return ""
	case r.Old == nil:
		return "new"
	case r.New == nil:
		return "removed"
	}
	d := *r.New - *r.Old
	if fmt.Sprintf("%.4f", d) == "0.0000" || fmt.Sprintf("%.4f", d) == "-0.0000" {
		return "="
	}
	mark := "🔴"
	if (d > 0) == r.HigherIsBetter {
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
