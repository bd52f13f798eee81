package mlflow

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// The request messages, with the JSON names of
// mlflow/mlflow:mlflow/protos/service.proto.

// KeyValue is a Param or a RunTag.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Metric is service.proto's Metric: timestamp in ms, step defaults to 0.
type Metric struct {
	Key       string  `json:"key"`
	Value     float64 `json:"value"`
	Timestamp int64   `json:"timestamp"`
	Step      int64   `json:"step"`
}

// CreateRun is the body of POST runs/create.
type CreateRun struct {
	ExperimentID string     `json:"experiment_id"`
	RunName      string     `json:"run_name"`
	StartTime    int64      `json:"start_time"`
	Tags         []KeyValue `json:"tags"`
}

// UpdateRun is the body of POST runs/update.
type UpdateRun struct {
	RunID   string `json:"run_id"`
	Status  string `json:"status"`
	EndTime int64  `json:"end_time"`
}

// Batch is the body of POST runs/log-batch.
type Batch struct {
	RunID   string     `json:"run_id"`
	Metrics []Metric   `json:"metrics,omitempty"`
	Params  []KeyValue `json:"params,omitempty"`
	Tags    []KeyValue `json:"tags,omitempty"`
	// paramsSoFar counts the params of this batch and the ones before it.
	paramsSoFar int
}

type remoteRun struct {
	Info struct {
		RunID  string `json:"run_id"`
		Status string `json:"status"`
	} `json:"info"`
	Data struct {
		Params  []KeyValue `json:"params"`
		Metrics []Metric   `json:"metrics"`
		Tags    []KeyValue `json:"tags"`
	} `json:"data"`
}

// tag returns the run's tag key, or "".
func (r *remoteRun) tag(key string) string {
	for _, t := range r.Data.Tags {
		if t.Key == key {
			return t.Value
		}
	}
	return ""
}

// ended reports whether the run has a final status (it was updated).
func (r *remoteRun) ended() bool {
	return r.Info.Status != "" && r.Info.Status != "RUNNING" && r.Info.Status != "SCHEDULED"
}

// Tags returns the run's tags: MLflow's own (mlflow.runName,
// mlflow.source.git.commit; see mlflow/utils/mlflow_tags.py) and ours.
func Tags(r *tracking.Run) []KeyValue {
	tags := []KeyValue{
		{"mlflow.runName", r.ID},
		{"mlflow.source.name", "mlops " + r.Kind.String()},
		{"mlflow.source.type", "LOCAL"},
		{"mlops.run_id", r.ID},
		{"mlops.kind", r.Kind.String()},
		{"mlops.host", r.Process.Host},
		{"mlops.status", string(r.Status)},
	}
	if r.Git != nil {
		tags = append(tags, KeyValue{"mlflow.source.git.commit", r.Git.Commit}, KeyValue{"mlops.git_dirty", strconv.FormatBool(r.Git.Dirty)})
	}
	if r.Data != nil {
		tags = append(tags, KeyValue{"mlops.data_md5", r.Data.MD5})
	}
	if r.Champion != "" {
		tags = append(tags, KeyValue{"mlops.champion", r.Champion})
	}
	if r.Tune != nil {
		if b := r.Tune.Best(); b != nil {
			tags = append(tags, KeyValue{"mlops.best_model", b.Name})
		}
	}
	if r.Error != "" {
		tags = append(tags, KeyValue{"mlops.error", truncate(r.Error, 5000)})
	}
	return tags
}

// Params flattens the run's parameters into dotted keys, sorted
// (tracking.FlattenParams), each value truncated to MLflow's limit. A
// tuning run's search settings follow under "search." (tracking.Tune.Settings):
// --trials and --time override the params file's tune: section.
func Params(r *tracking.Run) []KeyValue {
	out := keyValues(r.Params)
	if r.Tune != nil {
		out = append(out, keyValues(r.Tune.Settings())...)
	}
	return out
}

// keyValues flattens params into sorted dotted keys, each value truncated
// to MLflow's limit.
func keyValues(params map[string]any) []KeyValue {
	var out []KeyValue
	for _, p := range tracking.FlattenParams(params) {
		out = append(out, KeyValue{Key: p.Key, Value: truncate(p.Value, MaxParamValueLength)})
	}
	return out
}

// Metrics returns every metric of the run in a fixed order (model by
// model), so a resumed sync can skip the ones already sent by count.
func Metrics(r *tracking.Run) []Metric {
	ts := millis(r.Start)
	if r.End != nil {
		ts = millis(*r.End)
	}
	var out []Metric
	add := func(key string, v float64, step int) {
		out = append(out, Metric{Key: key, Value: v, Timestamp: ts, Step: int64(step)})
	}
	for _, m := range r.Models {
		p := m.Name + "/"
		t := m.Test
		add(p+"test_accuracy", t.Accuracy, 0)
		add(p+"test_precision_weighted", t.PrecisionWeighted, 0)
		add(p+"test_recall_weighted", t.RecallWeighted, 0)
		add(p+"test_f1_weighted", t.F1Weighted, 0)
		add(p+"test_precision_macro", t.PrecisionMacro, 0)
		add(p+"test_recall_macro", t.RecallMacro, 0)
		add(p+"test_f1_macro", t.F1Macro, 0)
		add(p+"test_log_loss", t.LogLoss, 0)
		add(p+"cv_accuracy_mean", m.CV.Mean, 0)
		add(p+"cv_accuracy_std", m.CV.Std, 0)
		add(p+"duration_seconds", m.DurationSeconds, 0)
		for i, v := range m.CV.Values {
			add(p+"cv_accuracy_fold", v, i)
		}
		for i, v := range m.History {
			add(p+"train_loss", v, i+1)
		}
	}
	if r.Tune != nil {
		for _, m := range r.Tune.Models {
			if m.Failed() {
				continue
			}
			p := m.Name + "/"
			add(p+"default_cv", m.DefaultCV.Mean, 0)
			add(p+"default_cv_std", m.DefaultCV.Std, 0)
			add(p+"nested", m.Nested.Mean, 0)
			add(p+"nested_std", m.Nested.Std, 0)
			add(p+"inner_best", m.InnerBest.Mean, 0)
			add(p+"inner_best_std", m.InnerBest.Std, 0)
		}
	}
	return out
}

// Batches splits params and metrics into log-batch requests within
// MLflow's limits: at most MaxParamsPerBatch params, MaxMetricsPerBatch
// metrics and MaxEntitiesPerBatch items each, and well under
// MaxBatchBytes (a metric encodes to at most ~200 bytes with a 250-byte
// key, a param to ~800). Params go first: they are write-once, so sending
// them early keeps a resumed sync from sending different values.
func Batches(params []KeyValue, metrics []Metric) []Batch {
	var out []Batch
	var cur Batch
	size, nParams := 0, 0
	flush := func() {
		if len(cur.Params)+len(cur.Metrics) > 0 {
			out = append(out, cur)
		}
		cur, size = Batch{paramsSoFar: nParams}, 0
	}
	for _, p := range params {
		n := len(p.Key) + len(p.Value) + 32
		if len(cur.Params) == MaxParamsPerBatch || size+n > MaxBatchBytes/2 {
			flush()
		}
		cur.Params = append(cur.Params, p)
		size += n
		nParams++
		cur.paramsSoFar = nParams
	}
	for _, m := range metrics {
		n := len(m.Key) + 96
		if len(cur.Metrics) == MaxMetricsPerBatch || len(cur.Params)+len(cur.Metrics) == MaxEntitiesPerBatch || size+n > MaxBatchBytes/2 {
			flush()
		}
		cur.Metrics = append(cur.Metrics, m)
		size += n
	}
	flush()
	return out
}

func skipKnown(params []KeyValue, known map[string]bool) []KeyValue {
	if len(known) == 0 {
		return params
	}
	return slices.DeleteFunc(slices.Clone(params), func(p KeyValue) bool { return known[p.Key] })
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
