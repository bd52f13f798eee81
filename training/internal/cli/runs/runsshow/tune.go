package runsshow

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runslist"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/tunerun"
)

// searchSettings describes how a tuning run searched, in one line.
func searchSettings(t *tracking.Tune) string {
	var budget string
	switch {
	case t.Trials > 0 && t.TimeBudgetSeconds > 0:
		budget = fmt.Sprintf("%d trials per search within %v", t.Trials, seconds(t.TimeBudgetSeconds))
	case t.Trials > 0:
		budget = fmt.Sprintf("%d trials per search", t.Trials)
	case t.TimeBudgetSeconds > 0:
		budget = fmt.Sprintf("trials for %v", seconds(t.TimeBudgetSeconds))
	}
	pruning := "successive-halving pruning"
	if !t.Pruning {
		pruning = "no pruning"
	}
	applied := "chosen parameters not applied"
	if t.Applied {
		applied = "chosen parameters applied (--apply)"
	}
	return fmt.Sprintf("%s, %s in batches of %d, inner %d-fold CV, %s; %s", t.Sampler, budget, t.Batch, t.InnerFolds, pruning, applied)
}

// renderTune writes a tuning run's results: per model the untuned
// default's CV, the nested estimate (the best marked), the optimistic inner
// best, the trials per search, the pruned trials and the chosen values;
// then the searches' sizes, failures, and the searched spaces.
func renderTune(w *bytes.Buffer, t *tracking.Tune) error {
	if len(t.Models) == 0 {
		return nil
	}
	best := t.Best()
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tDEFAULT CV\tNESTED (TUNE+TRAIN)\tINNER BEST*\tTRIALS\tPRUNED\tCHOSEN")
	for i := range t.Models {
		m := &t.Models[i]
		name := m.Name
		if m == best {
			name += " *"
		}
		if m.Failed() {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t%s\n", name, strings.ReplaceAll(string(m.Status), "_", " "))
			continue
		}
		trials := "-"
		if n := len(m.Searches); n > 0 {
			trials = strconv.Itoa(len(m.Searches[n-1].Trials))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", name, cv(m.DefaultCV), cv(m.Nested), cv(m.InnerBest), trials, m.Pruned, chosen(m))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\n* best nested estimate of tune-then-train: compare models by NESTED.")
	fmt.Fprintln(w, "INNER BEST is each outer search's best score on the rows it chose by: optimistic.")
	fmt.Fprintln(w, "TRIALS per search; CHOSEN is the final search's best, what --apply writes.")

	fmt.Fprintln(w, "\nsearches (one per outer fold, then the final one on the training split):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tSEARCHES\tOUTER ROWS\tFINAL ROWS\tTRIALS\tCOMPLETE\tPRUNED\tINFEASIBLE\tDURATION")
	for i := range t.Models {
		m := &t.Models[i]
		if m.Failed() {
			continue
		}
		n := m.Trials()
		outer, final := rows(m.Searches)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", m.Name, len(m.Searches), outer, final, n[""],
			n["complete"], n["pruned"], n["infeasible"], runslist.FormatDuration(seconds(m.DurationSeconds)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	header := false
	for _, m := range t.Models {
		if !m.Failed() {
			continue
		}
		if !header {
			fmt.Fprintln(w, "\nfailures:")
			header = true
		}
		fmt.Fprintf(w, "  %s: %s: %s\n", m.Name, strings.ReplaceAll(string(m.Status), "_", " "), m.Error)
	}

	fmt.Fprintln(w, "\nsearch spaces:")
	tw = tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	for _, m := range t.Models {
		for _, d := range m.Space {
			fmt.Fprintf(tw, "  %s.%s:\t%s\n", m.Name, d.Name, dim(d))
		}
	}
	return tw.Flush()
}

func cv(c tracking.CV) string { return fmt.Sprintf("%.4f ± %.4f", c.Mean, c.Std) }

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// rows returns the outer searches' row counts ("97-98" when they differ)
// and the final search's, "-" for none.
func rows(searches []tracking.TuneSearch) (outer, final string) {
	outer, final = "-", "-"
	lo, hi := 0, 0
	for _, s := range searches {
		if s.Fold < 0 {
			final = strconv.Itoa(s.Rows)
			continue
		}
		if lo == 0 || s.Rows < lo {
			lo = s.Rows
		}
		hi = max(hi, s.Rows)
	}
	switch lo {
	case 0:
	case hi:
		outer = strconv.Itoa(lo)
	default:
		outer = fmt.Sprintf("%d-%d", lo, hi)
	}
	return outer, final
}

// chosen formats the chosen values as the tune table does, "{C: 179.7,
// kernel: linear}", in the space's order (floats to 4 significant
// digits); "-" when nothing was chosen.
func chosen(m *tracking.TunedModel) string {
	if len(m.Chosen) == 0 {
		return "-"
	}
	var keys []string
	for _, d := range m.Space {
		if _, ok := m.Chosen[d.Name]; ok {
			keys = append(keys, d.Name)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.Chosen)) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + value(m.Chosen[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func value(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case float64:
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return fmt.Sprint(v)
}

// dim describes a searched parameter as `mlops tune` does:
// "log-uniform [0.0001, 10000]", "integer [1, 20] or null", "one of gini,
// entropy", "log-uniform [0.0001, 10] when kernel is rbf".
func dim(d tracking.TuneDim) string { return tunerun.Dim(d).String() }
