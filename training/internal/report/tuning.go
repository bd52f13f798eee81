package report

import (
	"errors"
	"fmt"
	"html/template"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tune/importance"
)

// Tuning is the page's tuning section: one tune run's models.
type Tuning struct {
	Run *tracking.Run
	// Note says how the run was picked, or warns about it.
	Note string
	// Budget says what bounded each search: "24 trials" or "a 2m0s time
	// budget".
	Budget string
	Models []TunedModel
}

// TunedModel is one tuned model's part of the tuning section.
type TunedModel struct {
	*tracking.TunedModel
	// Chosen is the chosen parameters in the space's order, as the tune
	// table shows them: "{kernel: linear, C: 12.35}".
	Chosen string
	// Final is the final search (on the training split), nil when the
	// run has none for the model.
	Final  *tracking.TuneSearch
	Charts []Chart
	// Notes say why a chart is missing.
	Notes []string
}

// importanceSeed seeds the importances' forest: the report of the same
// run is the same page.
const importanceSeed = 0

// buildTuning renders the tuning section of the tune run r.
func buildTuning(r *tracking.Run, note string) (*Tuning, error) {
	if r.Kind != tracking.KindTune || r.Tune == nil {
		return nil, fmt.Errorf("report: run %s is not a tune run", r.ID)
	}
	t := &Tuning{Run: r, Note: note}
	switch {
	case r.Tune.Trials > 0:
		t.Budget = fmt.Sprintf("%d trials", r.Tune.Trials)
	case r.Tune.TimeBudgetSeconds > 0:
		t.Budget = "a " + (time.Duration(r.Tune.TimeBudgetSeconds * float64(time.Second))).String() + " time budget"
	default:
		t.Budget = "an unrecorded budget"
	}
	for i := range r.Tune.Models {
		m := &r.Tune.Models[i]
		tm := TunedModel{TunedModel: m, Chosen: formatPoint(m.Space, m.Chosen)}
		if tm.Failed() {
			t.Models = append(t.Models, tm)
			continue
		}
		for j := range m.Searches {
			if m.Searches[j].Fold == -1 {
				tm.Final = &m.Searches[j]
			}
		}
		if tm.Final == nil {
			tm.Notes = append(tm.Notes, "The run recorded no final search for "+m.Name+": no charts.")
		} else if err := tm.charts(t.Run); err != nil {
			return nil, fmt.Errorf("report: tune run %s, %s: %w", r.ID, m.Name, err)
		}
		t.Models = append(t.Models, tm)
	}
	return t, nil
}

// charts renders the model's charts of its final search: the history and
// the importances side by side, the wide panels of scores against each
// parameter below them.
func (tm *TunedModel) charts(r *tracking.Run) error {
	m, s := tm.TunedModel, tm.Final
	id := "chart-tune-" + m.Name + "-"
	search := fmt.Sprintf("the final search (on the training split, %d rows, %d-fold inner cross-validation)", s.Rows, r.Tune.InnerFolds)
	counts := map[string]int{}
	for _, t := range s.Trials {
		counts[t.State]++
	}
	svg, err := TuneHistory(m.Name, s)
	if err != nil {
		return err
	}
	if svg != nil {
		caption := fmt.Sprintf("Every trial of %s by trial number: its mean inner CV accuracy (%d complete; %d pruned, at the mean of the folds they reached; %d infeasible, along the bottom), the best complete trial so far as a line, the chosen one ringed.",
			search, counts[trialComplete], counts[trialPruned], counts[trialInfeasible])
		tm.Charts = append(tm.Charts, chart(id+"history", m.Name+": best score by trial", caption, false, svg))
	}
	in, err := importance.FromSearch(m.Space, s.Trials)
	if err != nil {
		// A record the charts cannot read: say so on the page rather than
		// lose the rest of the report.
		tm.Notes = append(tm.Notes, fmt.Sprintf("The trials of %s's final search cannot be read: %v.", m.Name, err))
		return nil
	}
	common, left := in.Common()
	svg, note, err := importanceChart(m.Name, common)
	if err != nil {
		return err
	}
	leftOut := ""
	if len(left) > 0 {
		leftOut = fmt.Sprintf(" Left out, as Optuna leaves them out: %s, which not every complete trial has (conditional parameters).", strings.Join(left, ", "))
	}
	if svg != nil {
		caption := fmt.Sprintf("fANOVA importance of each hyper-parameter over the %d complete trials of %s, as Optuna's FanovaImportanceEvaluator computes it: a random forest of %d trees fitted on the trials, each parameter's share of the variance its main effect explains, normalized to sum to 1 (log-scaled parameters count in their own units, as in Optuna). %s",
			len(in.Y), search, importance.DefaultTrees, note)
		tm.Charts = append(tm.Charts, chart(id+"importance", m.Name+": parameter importance", caption+leftOut, false, svg))
	} else {
		tm.Notes = append(tm.Notes, fmt.Sprintf("No parameter importances for %s: %s (%s).", m.Name, note, search))
	}
	pruned, err := importance.FromTrials(m.Space, s.Trials, trialPruned)
	if err != nil {
		tm.Notes = append(tm.Notes, fmt.Sprintf("The pruned trials of %s's final search cannot be read: %v.", m.Name, err))
		pruned = nil
	}
	svg, err = TuneScores(m.Name, m.Space, in, pruned, s.Best)
	if err != nil {
		return err
	}
	if svg != nil {
		stopped := ""
		if pruned != nil && len(pruned.Y) > 0 {
			stopped = fmt.Sprintf(", %d pruned (grey rings, at the mean of the folds they reached)", len(pruned.Y))
		}
		caption := fmt.Sprintf("Score against each hyper-parameter, for the trials of %s: %d complete (filled)%s; the chosen one ringed. Log-scaled parameters on a log axis; a categorical parameter's trials in a strip per choice; null (no limit) one step past an integer's range; a conditional parameter only where a trial has it.",
			search, len(in.Y), stopped)
		tm.Charts = append(tm.Charts, chart(id+"scores", m.Name+": score against each hyper-parameter", caption, true, svg))
	}
	return nil
}

// importanceChart returns the fANOVA importance chart of a search and a
// sentence on how much the main effects explain, or no chart and why
// there is none.
func importanceChart(name string, in *importance.Inputs) (svg []byte, note string, err error) {
	res, err := importance.Fanova(in.Params, in.X, in.Y, importance.Options{Src: rand.NewPCG(importanceSeed, importanceSeed)})
	switch {
	case errors.Is(err, importance.ErrTooFewTrials):
		return nil, fmt.Sprintf("too few complete trials, %d, where fANOVA needs at least %d", len(in.Y), importance.MinTrials), nil
	case errors.Is(err, importance.ErrNoVariance):
		return nil, fmt.Sprintf("its %d complete trials all scored the same", len(in.Y)), nil
	case errors.Is(err, importance.ErrNoMainEffects):
		return nil, "no parameter alone changes the score; what varies is interactions", nil
	case err != nil:
		return nil, err.Error(), nil
	case len(in.Params) == 0:
		return nil, "no parameter is in every complete trial", nil
	}
	names := make([]string, len(in.Params))
	for j, p := range in.Params {
		names[j] = p.Name
	}
	if svg, err = Importances(name+": parameter importance (fANOVA)", names, res.Importance); err != nil {
		return nil, "", err
	}
	var explained float64
	for _, e := range res.Explained {
		explained += e
	}
	return svg, fmt.Sprintf("Main effects explain %.0f%% of the forest's variance; the rest is interactions.", 100*explained), nil
}

func chart(id, title, caption string, wide bool, svg []byte) Chart {
	return Chart{ID: id, Title: title, Caption: caption, SVG: template.HTML(svg), Wide: wide} //nolint:gosec // our own SVG
}

// formatPoint formats the chosen parameters in the order of dims, floats
// to 4 significant digits, as the tune table shows them; "-" for none.
func formatPoint(dims []tracking.TuneDim, p map[string]any) string {
	if len(p) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(dims))
	for _, d := range dims {
		v, ok := p[d.Name]
		if !ok {
			continue
		}
		s := formatValue(v)
		if f, ok := v.(float64); ok && d.Type == "float" {
			s = strconv.FormatFloat(f, 'g', 4, 64)
		}
		parts = append(parts, d.Name+": "+s)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// formatValue writes a params.yaml value: null, a bool, a number in its
// shortest form, a string as it is.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return v
	}
	return fmt.Sprint(v)
}
