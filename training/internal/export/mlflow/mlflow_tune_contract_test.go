package mlflow_test

// Contract tests of a tuning run's export as nested runs: the same fake
// server as mlflow_contract_test.go, which also answers runs/search
// (SearchRuns in service.proto) and accepts the KILLED status. The nesting
// is MLflow's tag mlflow.parentRunId (mlflow/utils/mlflow_tags.py,
// MLFLOW_PARENT_RUN_ID), which its UI reads to show child runs.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/export/mlflow"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// tree is the server's runs of one tuning run, by level.
type tree struct {
	parent *fakeRun
	models map[string]*fakeRun   // by model name
	trials map[string][]*fakeRun // by model name
}

func (f *fakeMLflow) tree(t *testing.T) tree {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	tr := tree{models: map[string]*fakeRun{}, trials: map[string][]*fakeRun{}}
	for _, r := range f.runs {
		if r.tags["mlflow.parentRunId"] == "" {
			if tr.parent != nil {
				t.Fatalf("two top-level runs on the server: %s and %s", tr.parent.name, r.name)
			}
			tr.parent = r
		}
	}
	if tr.parent == nil {
		t.Fatal("no top-level run on the server")
	}
	byID := map[string]string{}
	for _, r := range f.runs {
		if r.tags["mlflow.parentRunId"] == tr.parent.id {
			if tr.models[r.name] != nil {
				t.Fatalf("model %s has two runs on the server", r.name)
			}
			tr.models[r.name], byID[r.id] = r, r.name
		}
	}
	for _, r := range f.runs {
		if model, ok := byID[r.tags["mlflow.parentRunId"]]; ok {
			tr.trials[model] = append(tr.trials[model], r)
		}
	}
	return tr
}

// checkTuneTree asserts the server holds the tuning run exactly once, as
// a parent, one child per model and one grandchild per trial, each ended,
// with its params and each metric once.
func checkTuneTree(t *testing.T, f *fakeMLflow, run *tracking.Run) {
	t.Helper()
	tr := f.tree(t)
	p := tr.parent
	if p.name != run.ID || p.status != "FINISHED" || p.tags["mlops.kind"] != "tune" || p.tags["mlflow.source.name"] != "mlops tune" {
		t.Errorf("parent %s: status %s tags %v; want the tune run, finished", p.name, p.status, p.tags)
	}
	for _, kv := range mlflow.Params(run) {
		if p.params[kv.Key] != kv.Value {
			t.Errorf("parent param %s = %q, want %q", kv.Key, p.params[kv.Key], kv.Value)
		}
	}
	if p.params["search.trials"] != strconv.Itoa(run.Tune.Trials) || p.params["search.sampler"] != "tpe" {
		t.Errorf("parent params %v lack the search settings", p.params)
	}
	if want := mlflow.Metrics(run); len(p.metrics) != len(want) {
		t.Errorf("parent holds %d metrics, want %d", len(p.metrics), len(want))
	}
	wantModels := 0
	for _, m := range run.Tune.Models {
		if !hasMetric(p.metrics, m.Name+"/nested") && !m.Failed() {
			t.Errorf("parent lacks %s/nested", m.Name)
		}
		wantModels++
		c := tr.models[m.Name]
		if c == nil {
			t.Errorf("no child run for %s", m.Name)
			continue
		}
		wantStatus := "FINISHED"
		if m.Failed() {
			wantStatus = "FAILED"
		}
		if c.status != wantStatus || c.tags["mlops.model"] != m.Name || c.params["model"] != m.Name {
			t.Errorf("%s: child status %s tags %v params %v; want %s, tagged and named", m.Name, c.status, c.tags, c.params, wantStatus)
		}
		for k, v := range m.Chosen {
			if c.params[k] != fmt.Sprint(jsonValue(v)) {
				t.Errorf("%s: chosen %s = %q, want %v", m.Name, k, c.params[k], v)
			}
		}
		if want := mlflow.ModelMetrics(run, &m); len(c.metrics) != len(want) {
			t.Errorf("%s: child holds %d metrics, want %d (each once)", m.Name, len(c.metrics), len(want))
		}
		if n := countMetric(c.metrics, "nested_fold"); !m.Failed() && n != len(m.Nested.Values) {
			t.Errorf("%s: %d nested_fold steps, want one per outer fold (%d)", m.Name, n, len(m.Nested.Values))
		}
		trials := map[string]*fakeRun{}
		for _, r := range tr.trials[m.Name] {
			key := r.tags["mlops.trial_key"]
			if trials[key] != nil {
				t.Errorf("%s: trial %s is on the server twice", m.Name, key)
			}
			trials[key] = r
		}
		want := 0
		for si := range m.Searches {
			s := &m.Searches[si]
			for ti := range s.Trials {
				want++
				trial := &s.Trials[ti]
				r := trials[mlflow.TrialKey(s, trial)]
				if r == nil {
					t.Errorf("%s: no run for trial %s", m.Name, mlflow.TrialKey(s, trial))
					continue
				}
				checkTrial(t, m.Name, s, trial, r)
			}
		}
		if len(trials) != want {
			t.Errorf("%s: %d trial runs, want %d", m.Name, len(trials), want)
		}
	}
	if len(tr.models) != wantModels {
		t.Errorf("%d model runs, want %d", len(tr.models), wantModels)
	}
}

func checkTrial(t *testing.T, model string, s *tracking.TuneSearch, trial *tracking.TuneTrial, r *fakeRun) {
	t.Helper()
	key := mlflow.TrialKey(s, trial)
	fold := "final"
	if s.Fold >= 0 {
		fold = strconv.Itoa(s.Fold)
	}
	if r.status != mlflow.TrialStatus(trial) || r.tags["mlops.state"] != trial.State || r.tags["mlops.fold"] != fold ||
		r.tags["mlops.trial"] != strconv.Itoa(trial.Number) || r.name != mlflow.TrialName(s, trial) {
		t.Errorf("%s trial %s: %s status %s tags %v; want %s, state %s, fold %s", model, key, r.name, r.status, r.tags, mlflow.TrialStatus(trial), trial.State, fold)
	}
	if len(r.params) != len(trial.Params) {
		t.Errorf("%s trial %s: params %v, want the point %v", model, key, r.params, trial.Params)
	}
	for k, v := range trial.Params {
		if r.params[k] != fmt.Sprint(jsonValue(v)) {
			t.Errorf("%s trial %s: param %s = %q, want %v", model, key, k, r.params[k], v)
		}
	}
	wantScores := len(trial.Scores)
	if trial.State == "infeasible" {
		wantScores = 0
	}
	if n := countMetric(r.metrics, "inner_accuracy"); n != wantScores {
		t.Errorf("%s trial %s: %d inner_accuracy steps, want %d (each once)", model, key, n, wantScores)
	}
	if n := countMetric(r.metrics, "inner_log_loss"); n != min(wantScores, len(trial.LogLosses)) {
		t.Errorf("%s trial %s: %d inner_log_loss steps, want %d (each once)", model, key, n, len(trial.LogLosses))
	}
	if n := countMetric(r.metrics, "outer_test_accuracy"); n != 0 != (trial.Number == s.Best && s.Fold >= 0) {
		t.Errorf("%s trial %s: %d outer_test_accuracy values; want one on the best trial of an outer search", model, key, n)
	}
	if want := len(mlflow.TrialMetrics(&tracking.Run{}, s, trial)); len(r.metrics) != want {
		t.Errorf("%s trial %s: %d metrics, want %d", model, key, len(r.metrics), want)
	}
}

// jsonValue is v as a param value reads: a string as it is, anything else
// as compact JSON (tracking.FlattenParams).
func jsonValue(v any) any {
	if s, ok := v.(string); ok {
		return s
	}
	data, _ := json.Marshal(v)
	return string(data)
}

func hasMetric(ms []mlflow.Metric, key string) bool { return countMetric(ms, key) > 0 }

func countMetric(ms []mlflow.Metric, key string) int {
	n := 0
	for _, m := range ms {
		if m.Key == key {
			n++
		}
	}
	return n
}

// trialCount is the number of trials of the run's models.
func trialCount(run *tracking.Run) int {
	n := 0
	for _, m := range run.Tune.Models {
		for _, s := range m.Searches {
			n += len(s.Trials)
		}
	}
	return n
}

func TestMLflowContractTuneExport(t *testing.T) {
	failedModel := trackingtest.TuneRuns()[1]
	failedModel.Tune.Models[1] = tracking.TunedModel{Name: "svm", Algorithm: "svm", Status: tracking.ModelFailed, Error: "tune svm: the final search completed no trial"}
	tests := []struct {
		name string
		run  *tracking.Run
	}{
		{"two models", trackingtest.TuneRuns()[0]},
		{"a failed model", failedModel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t, "")
			store := trackingtest.Store(t, tt.run)
			e := newExporter(srv, mlflow.Config{}, &sleeps{})
			if outcome, err := sync1(t, store, tt.run.ID, e); err != nil || outcome != export.Sent {
				t.Fatalf("sync: %v, %v; want sent", outcome, err)
			}
			checkTuneTree(t, f, tt.run)
			// 1 parent, one run per model, one per trial: each created,
			// logged in one batch and ended once; nothing searched.
			runs := 1 + len(tt.run.Tune.Models) + trialCount(tt.run)
			if f.hits["POST runs/create"] != runs || f.hits["POST runs/update"] != runs || f.hits["POST runs/search"] != 0 {
				t.Errorf("requests %v; want %d runs created and ended, and no search", f.hits, runs)
			}
			local, err := store.Get(tt.run.ID)
			if err != nil {
				t.Fatal(err)
			}
			st := local.Sync["mlflow"]
			if st == nil || !st.Complete || st.Sent["models"] != len(tt.run.Tune.Models) || st.Sent["trial_runs"] != trialCount(tt.run) {
				t.Fatalf("local sync state %+v; want complete with %d models and %d trial runs", st, len(tt.run.Tune.Models), trialCount(tt.run))
			}
			n := len(f.calls())
			if outcome, err := sync1(t, store, tt.run.ID, e); err != nil || outcome != export.UpToDate || len(f.calls()) != n {
				t.Fatalf("second sync: %v, %v, %d new requests; want up to date and none", outcome, err, len(f.calls())-n)
			}
		})
	}
}

// An export cut off part-way (a request failing after the server accepted
// some runs) resumes: the runs on the server are found with runs/search
// (paged) and completed, none is created twice, and every metric arrives
// once.
func TestMLflowContractTuneResume(t *testing.T) {
	tests := []struct {
		name string
		// call fails from its nth request on, until the second sync.
		call string
		n    int
	}{
		{"trial updates failing", "POST runs/update", 6},
		{"trial batches failing", "POST runs/log-batch", 9},
		{"trial creation failing", "POST runs/create", 12},
		{"the second model's run failing", "POST runs/create", 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t, "")
			f.pageSize = 5
			down := true
			f.fail = func(call string, n int) (int, string, string) {
				if down && call == tt.call && n >= tt.n {
					return http.StatusInternalServerError, `{"error_code":"INTERNAL_ERROR","message":"database is locked"}`, ""
				}
				return 0, "", ""
			}
			run := trackingtest.TuneRuns()[0]
			store := trackingtest.Store(t, run)
			e := newExporter(srv, mlflow.Config{}, &sleeps{})
			if outcome, err := sync1(t, store, run.ID, e); err == nil || outcome != export.SendFailed {
				t.Fatalf("first sync: %v, %v; want a failure", outcome, err)
			}
			local, _ := store.Get(run.ID)
			if st := local.Sync["mlflow"]; st == nil || st.Complete || st.RemoteID == "" || st.LastError == "" {
				t.Fatalf("after the failure: sync state %+v; want the parent's id and the error", st)
			}
			down = false
			creates := f.hits["POST runs/create"]
			if outcome, err := sync1(t, store, run.ID, e); err != nil || outcome != export.Sent {
				t.Fatalf("resumed sync: %v, %v", outcome, err)
			}
			checkTuneTree(t, f, run)
			if f.hits["POST runs/search"] == 0 {
				t.Error("the resumed sync did not look for the runs already on the server")
			}
			if created := f.hits["POST runs/create"] - creates; created > 1+len(run.Tune.Models)+trialCount(run) {
				t.Errorf("the resumed sync created %d runs", created)
			}
		})
	}
}

// The filter MLflow's search syntax needs for a key with a dot.
func TestChildrenFilter(t *testing.T) {
	if got, want := mlflow.ChildrenFilter("0a1b"), "tags.`mlflow.parentRunId` = '0a1b'"; got != want {
		t.Errorf("ChildrenFilter = %s, want %s", got, want)
	}
}
