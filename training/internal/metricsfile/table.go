package metricsfile

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// Ranked returns the model names ordered by mean CV accuracy, best first,
// ties by name; failed models come last, by name.
func (f *File) Ranked() []string {
	names := make([]string, 0, len(f.Models))
	for name := range f.Models {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		if fa, fb := f.Models[a].Failed(), f.Models[b].Failed(); fa != fb {
			if fa {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(f.Models[b].CV.AccuracyMean, f.Models[a].CV.AccuracyMean); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return names
}

// WriteTable writes the comparison table: one row per model, best first,
// the champion marked, a model with warnings marked with their number, and a
// failed model with its status and reason in place of metrics.
func WriteTable(w io.Writer, f *File) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tCV ACCURACY\tTEST ACCURACY\tF1 MACRO\tF1 WEIGHTED\tLOG LOSS")
	for _, name := range f.Ranked() {
		m := f.Models[name]
		if m.Failed() {
			// The reason is the last cell, unpadded, however long.
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t%s: %s\n", name, strings.ReplaceAll(m.Status, "_", " "), m.Error)
			continue
		}
		// Only rows with a note have a last cell, so no row ends in padding.
		var notes []string
		if name == f.Champion {
			notes = append(notes, "champion")
		}
		switch len(m.Warnings) {
		case 0:
		case 1:
			notes = append(notes, "1 warning")
		default:
			notes = append(notes, fmt.Sprintf("%d warnings", len(m.Warnings)))
		}
		mark := ""
		if len(notes) > 0 {
			mark = "\t" + strings.Join(notes, ", ")
		}
		fmt.Fprintf(tw, "%s\t%.4f ± %.4f\t%.4f\t%.4f\t%.4f\t%.4f%s\n", name, m.CV.AccuracyMean, m.CV.AccuracyStd,
			m.Test.Accuracy, m.Test.F1Macro, m.Test.F1Weighted, m.Test.LogLoss, mark)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write comparison table: %w", err)
	}
	if f.Champion != "" {
		m := f.Models[f.Champion]
		_, err := fmt.Fprintf(w, "\nCV: stratified %d-fold x %d repeats. Champion: %s.\n", m.CV.Folds, m.CV.Repeats, f.Champion)
		return err
	}
	return nil
}
