// Package inspect is the `mlops model inspect` command.
package inspect

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/model"
)

// NewCommand returns `mlops model inspect`.
func NewCommand(_ *slog.Logger, s streams.Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect BUNDLE",
		Short: "Verify a model bundle and describe it",
		Long:  "Loads the bundle (checking its format and checksum) and prints its data set, features with valid ranges, training statistics and impute values (data.missing: impute), classes, hyper-parameters, metrics and model structure.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := model.Load(args[0])
			if err != nil {
				return err
			}
			return Describe(s.Out, b)
		},
	}
}

// Describe writes a human-readable description of b to w.
func Describe(w io.Writer, b *model.Bundle) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	p("name:\t%s\n", b.Name)
	p("algorithm:\t%s\n", b.Algorithm)
	p("format:\t%s\n", b.Format)
	p("sha256:\t%s (verified)\n", b.SHA256)
	p("data set:\t%s (label %q, md5 %s, %d rows, %d used for fitting)\n", b.Dataset.Name, b.Dataset.Label, b.Dataset.MD5, b.Dataset.Rows, b.Dataset.TrainRows)
	p("classes:\t%s\n", strings.Join(b.Classes, ", "))
	p("structure:\t%s\n", structure(b.Model))
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nfeatures:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	// The IMPUTE column appears only for a model trained with
	// data.missing: impute, so other bundles print as they always did.
	imputes := b.Imputes()
	head := "  NAME\tVALID RANGE\tTRAIN MIN\tMAX\tMEAN\tSTD\tHISTOGRAM"
	if imputes {
		head += "\tIMPUTE"
	}
	fmt.Fprintln(tw, head)
	for _, f := range b.Features {
		st := f.Stats
		fmt.Fprintf(tw, "  %s\t[%g, %g]\t%.4g\t%.4g\t%.4g\t%.4g\t%s", f.Name, f.Valid.Min, f.Valid.Max, st.Min, st.Max, st.Mean, st.Std, sparkline(st.Histogram.Counts))
		switch {
		case !imputes:
		case f.Impute == nil:
			fmt.Fprint(tw, "\t-")
		default:
			fmt.Fprintf(tw, "\t%g", *f.Impute)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nhyper-parameters:")
	for _, k := range slices.Sorted(maps.Keys(b.Hyperparameters)) {
		v := b.Hyperparameters[k]
		if v == nil {
			v = "null"
		}
		fmt.Fprintf(w, "  %s: %v\n", k, v)
	}
	fmt.Fprintln(w, "\nmetrics:")
	for _, k := range slices.Sorted(maps.Keys(b.Metrics)) {
		fmt.Fprintf(w, "  %s: %.4f\n", k, b.Metrics[k])
	}
	return nil
}

func structure(p model.Params) string {
	switch {
	case p.Linear != nil:
		s := fmt.Sprintf("linear, %d classes x %d coefficients", len(p.Linear.Coef), len(p.Linear.Coef[0]))
		if p.Linear.Scale != nil {
			s += ", standardized inputs"
		}
		return s
	case p.Tree != nil:
		return fmt.Sprintf("tree, %d nodes, %d leaves, depth %d", p.Tree.NumNodes(), p.Tree.NumLeaves(), p.Tree.Depth())
	case p.Forest != nil:
		nodes, depth := 0, 0
		for i := range p.Forest.Trees {
			nodes += p.Forest.Trees[i].NumNodes()
			depth = max(depth, p.Forest.Trees[i].Depth())
		}
		return fmt.Sprintf("forest, %d trees, %d nodes, max depth %d", len(p.Forest.Trees), nodes, depth)
	case p.SVM != nil:
		s := fmt.Sprintf("svm, %s kernel, %d support vectors, %d one-vs-one pairs", p.SVM.Kernel, len(p.SVM.SupportVectors), len(p.SVM.Intercept))
		if p.SVM.Kernel != "linear" {
			s += fmt.Sprintf(", gamma %.4g", p.SVM.Gamma)
		}
		return s
	case p.LinearSVM != nil:
		s := fmt.Sprintf("linear svm, %d calibrated one-vs-rest members over %d classes", len(p.LinearSVM.Members), len(p.LinearSVM.Labels))
		if p.LinearSVM.Scale != nil {
			s += ", standardized inputs"
		}
		return s
	case p.Boosted != nil:
		return fmt.Sprintf("gradient-boosted trees, %d trees, %d nodes, %d leaves, max depth %d", p.Boosted.NumTrees(), p.Boosted.NumNodes(), p.Boosted.NumLeaves(), p.Boosted.MaxDepth())
	}
	return "unknown"
}

// sparkline draws histogram counts as block characters, so the shape of a
// feature's training distribution shows at a glance.
func sparkline(counts []int) string {
	blocks := []rune("▁▂▃▄▅▆▇█")
	top := slices.Max(counts)
	var b strings.Builder
	for _, c := range counts {
		i := 0
		if top > 0 {
			i = c * (len(blocks) - 1) / top
		}
		b.WriteRune(blocks[i])
	}
	return b.String()
}
