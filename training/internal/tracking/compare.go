package tracking

import (
	"maps"
	"slices"
)

// Comparison is runs side by side: what `mlops runs compare` shows.
type Comparison struct {
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

// compared is a compared metric: its name, how to read it, and whether
// higher is better.
type compared struct {
	name   string
	get    func(*Model) float64
	higher bool
}

var comparedMetrics = []compared{
	{"cv_accuracy", func(m *Model) float64 { return m.CV.Mean }, true},
	{"cv_accuracy_std", func(m *Model) float64 { return m.CV.Std }, false},
	{"test_accuracy", func(m *Model) float64 { return m.Test.Accuracy }, true},
	{"test_precision", func(m *Model) float64 { return m.Test.PrecisionWeighted }, true},
	{"test_recall", func(m *Model) float64 { return m.Test.RecallWeighted }, true},
	{"test_f1_macro", func(m *Model) float64 { return m.Test.F1Macro }, true},
	{"test_log_loss", func(m *Model) float64 { return m.Test.LogLoss }, false},
}

// Compare lines runs up: every model any run has (in first-seen order),
// each metric, the best marked; then the parameters that differ.
func Compare(runs []*Run) Comparison {
	c := Comparison{Metrics: []MetricRow{}, Params: []ParamRow{}}
	var models []string
	for _, r := range runs {
		c.Runs = append(c.Runs, RunInfo{ID: r.ID, Status: string(r.Status), Commit: r.ShortCommit(), Data: r.ShortMD5(), Champion: r.Champion})
		for _, m := range r.Models {
			if !slices.Contains(models, m.Name) {
				models = append(models, m.Name)
			}
		}
	}
	for _, name := range models {
		for _, mt := range comparedMetrics {
			row := MetricRow{Model: name, Metric: mt.name, Values: make([]*float64, len(runs)), Best: []int{}}
			for i, r := range runs {
				if m := r.Model(name); m != nil && !m.Failed() {
					v := mt.get(m)
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
		for _, p := range FlattenParams(r.Params) {
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
