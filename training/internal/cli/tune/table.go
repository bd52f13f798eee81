package tune

import (
	"fmt"
	"io"
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
	_, err := fmt.Fprintf(w, "\nouter CV: %d-fold x %d repeats (as mlops train); inner CV: %d-fold; %d searches per model.\n"+
		"* INNER BEST is each search's best score on the rows it chose by: optimistic. Compare models by NESTED.\n"+
		"CHOSEN: the final search's best on the training split, what --apply writes.\n",
		p.CV.Folds, p.CV.Repeats, p.Tune.InnerFolds, p.CV.Folds*p.CV.Repeats+1)
	return err
}

func summary(s metrics.Summary) string {
	return fmt.Sprintf("%.4f ± %.4f", s.Mean, s.Std)
}
