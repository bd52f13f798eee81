package tune

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/tune"
)

// writeTable writes one row per model: the configured settings' CV, the
// nested estimate of tune-then-train, the inner best (marked optimistic),
// the trials and the chosen parameters.
func writeTable(w io.Writer, res *tune.Result) error {
	if len(res.Models) == 0 {
		return errNoModels
	}
	p := res.Params
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tDEFAULT CV\tNESTED (TUNE+TRAIN)\tINNER BEST*\tTRIALS\tPRUNED\tCHOSEN")
	for _, m := range res.Models {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", m.Name, summary(m.DefaultCV), summary(m.Nested), summary(m.InnerBest),
			m.Trials, m.Pruned, m.Chosen)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "\nouter CV: %d-fold x %d repeats (as mlops train); inner CV: %d-fold; %d searches per model.\n"+
		"* INNER BEST is each search's best score on the rows it chose by: optimistic. Compare models by NESTED.\n"+
		"CHOSEN: the final search's best on the training split, what --apply writes.\n",
		p.CV.Folds, p.CV.Repeats, p.Tune.InnerFolds, p.CV.Folds*p.CV.Repeats+1); err != nil {
		return err
	}
	// NESTED and DEFAULT CV score the same outer folds, so NESTED below
	// DEFAULT CV is the honest evidence that tuning this model, then
	// training it, did worse than keeping its settings.
	var worse []string
	for _, m := range res.Models {
		if m.Nested.Mean < m.DefaultCV.Mean {
			worse = append(worse, m.Name)
		}
	}
	if len(worse) == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "NESTED is below DEFAULT CV for %s: on the same outer folds, tuning then training did worse than the configured settings, which --apply would replace (leave a model out with --models).\n",
		strings.Join(worse, ", "))
	return err
}

func summary(s metrics.Summary) string {
	return fmt.Sprintf("%.4f ± %.4f", s.Mean, s.Std)
}
