package tracking

import (
	"maps"
	"slices"
)

// Comparison is runs side by side: what `mlops runs compare` shows.
type Comparison struct {
	// Kind is the runs' kind: empty for training runs, "tune" for tuning
	// runs.
	Kind Kind      `json:"kind,omitempty"`
	Runs []RunInfo `json:"runs"`
	// Metrics has one row per model and metric, a value per run.
	Metrics []MetricRow `json:"metrics"`
	// Params lists only the parameters whose values differ between runs.
	Params []ParamRow `json:"params"`
}

// RunInfo identifies a compared run.
type RunInfo struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Commit   string `json:"commit"`
	Data     string `json:"data_md5"`
	Champion string `json:"champion"`
}

// MetricRow is one metric of one model across the runs. Values[i] is nil
// where run i has no such model or the model failed there; Best lists the
// indexes of the best values.
type MetricRow struct {
	Model  string     `json:"model"`
	Metric string     `json:"metric"`
	Values []*float64 `json:"values"`
	Best   []int      `json:"best"`
}

// ParamRow is one parameter's value per run ("" where absent).
type ParamRow struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// compared is a compared metric: its name, how to read it from a run's
// model (false when the run has no such model, or it failed there), and
// whether higher is better.
type compared struct {
	name   string
	get    func(r *Run, model string) (float64, bool)
	higher bool
}

// trained reads a metric of a training run's model.
func trained(get func(*Model) float64) func(*Run, string) (float64, bool) {
	return func(r *Run, name string) (float64, bool) {
		if m := r.Model(name); m != nil && !m.Failed() {
			return get(m), true
		}
		return 0, false
	}
}

// tuned reads a metric of a tuning run's model.
func tuned(get func(*TunedModel) float64) func(*Run, string) (float64, bool) {
	return func(r *Run, name string) (float64, bool) {
		if m := r.TunedModel(name); m != nil && !m.Failed() {
			return get(m), true
		}
		return 0, false
	}
}

var comparedMetrics = []compared{
	{"cv_accuracy", trained(func(m *Model) float64 { return m.CV.Mean }), true},
	{"cv_accuracy_std", trained(func(m *Model) float64 { return m.CV.Std }), false},
	{"test_accuracy", trained(func(m *Model) float64 { return m.Test.Accuracy }), true},
	{"test_precision", trained(func(m *Model) float64 { return m.Test.PrecisionWeighted }), true},
	{"test_recall", trained(func(m *Model) float64 { return m.Test.RecallWeighted }), true},
	{"test_f1_macro", trained(func(m *Model) float64 { return m.Test.F1Macro }), true},
	{"test_log_loss", trained(func(m *Model) float64 { return m.Test.LogLoss }), false},
}

// comparedTuneMetrics are a tuning run's estimates: the untuned default's
// CV, the nested estimate of tune-then-train (the one to compare by), and
// the optimistic inner scores.
var comparedTuneMetrics = []compared{
	{"default_cv", tuned(func(m *TunedModel) float64 { return m.DefaultCV.Mean }), true},
	{"nested", tuned(func(m *TunedModel) float64 { return m.Nested.Mean }), true},
	{"nested_std", tuned(func(m *TunedModel) float64 { return m.Nested.Std }), false},
	{"inner_best", tuned(func(m *TunedModel) float64 { return m.InnerBest.Mean }), true},
	{"chosen_inner", tuned(func(m *TunedModel) float64 { return m.ChosenInner }), true},
}

// Compare lines runs up: every model any run has (in first-seen order),
// each metric, the best marked; then the parameters that differ. The runs
// must be of one kind (see SameKind). Tuning runs are compared by their
// estimates (default_cv, nested, nested_std, inner_best, chosen_inner),
// and their parameters include the search settings (search.*) and each
// model's chosen values (chosen.<model>.<key>); their RunInfo.Champion is
// the model with the best nested estimate.
func Compare(runs []*Run) Comparison {
	c := Comparison{Metrics: []MetricRow{}, Params: []ParamRow{}}
	metrics := comparedMetrics
	var models []string
	addModel := func(name string) {
		if !slices.Contains(models, name) {
			models = append(models, name)
		}
	}
	for _, r := range runs {
		info := RunInfo{ID: r.ID, Status: string(r.Status), Commit: r.ShortCommit(), Data: r.ShortMD5(), Champion: r.Champion}
		for _, m := range r.Models {
			addModel(m.Name)
		}
		if r.Kind == KindTune && r.Tune != nil {
			c.Kind, metrics = KindTune, comparedTuneMetrics
			if b := r.Tune.Best(); b != nil {
				info.Champion = b.Name
			}
			for _, m := range r.Tune.Models {
				addModel(m.Name)
			}
		}
		c.Runs = append(c.Runs, info)
	}
	for _, name := range models {
		for _, mt := range metrics {
			row := MetricRow{Model: name, Metric: mt.name, Values: make([]*float64, len(runs)), Best: []int{}}
			for i, r := range runs {
				if v, ok := mt.get(r, name); ok {
					row.Values[i] = &v
				}
			}
			row.Best = best(row.Values, mt.higher)
			c.Metrics = append(c.Metrics, row)
		}
	}
	flat := make([]map[string]string, len(runs))
	keys := map[string]bool{}
	for i, r := range runs {
		flat[i] = map[string]string{}
		for _, p := range comparedParams(r) {
			flat[i][p.Key] = p.Value
		}
		for k := range flat[i] {
			keys[k] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		row := ParamRow{Key: k, Values: make([]string, len(runs))}
		differ := false
		for i := range runs {
			row.Values[i] = flat[i][k]
			if row.Values[i] != row.Values[0] {
				differ = true
			}
		}
		if differ {
			c.Params = append(c.Params, row)
		}
	}
	return c
}

// comparedParams returns a run's parameters, flattened; for a tuning run,
// with its search settings and each model's chosen values.
func comparedParams(r *Run) []Param {
	params := FlattenParams(r.Params)
	if r.Kind != KindTune || r.Tune == nil {
		return params
	}
	extra := r.Tune.Settings()
	chosen := map[string]any{}
	for _, m := range r.Tune.Models {
		if len(m.Chosen) > 0 {
			chosen[m.Name] = m.Chosen
		}
	}
	extra["chosen"] = chosen
	return append(params, FlattenParams(extra)...)
}

// best returns the indexes holding the best value; none when fewer than
// two runs have one, or when they all tie (nothing to beat).
func best(values []*float64, higher bool) []int {
	var b, w *float64
	n := 0
	for _, v := range values {
		if v == nil {
			continue
		}
		n++
		if b == nil || (higher && *v > *b) || (!higher && *v < *b) {
			b = v
		}
		if w == nil || (higher && *v < *w) || (!higher && *v > *w) {
			w = v
		}
	}
	out := []int{}
	if n < 2 || *b == *w {
		return out
	}
	for i, v := range values {
		if v != nil && *v == *b {
			out = append(out, i)
		}
	}
	return out
}
