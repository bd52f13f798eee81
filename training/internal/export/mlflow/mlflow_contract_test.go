package mlflow_test

// Contract tests: the exporter against an httptest server on 127.0.0.1
// that checks every request's method, path, auth header and body against
// the documented shapes of MLflow's REST API 2.0
// (mlflow/mlflow:mlflow/protos/service.proto: CreateExperiment,
// GetExperimentByName, CreateRun, GetRun, LogBatch, UpdateRun; the batch
// limits of mlflow/utils/validation.py; errors as
// {"error_code", "message"}, mlflow/exceptions.py RestException). They
// were not run against a live MLflow server.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/export/mlflow"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// fakeMLflow is an in-memory MLflow tracking server that rejects any
// request not shaped as the REST API documents.
type fakeMLflow struct {
	t        *testing.T
	wantAuth string

	mu          sync.Mutex
	requests    []string // "METHOD path" in order
	experiments map[string]string
	runs        map[string]*fakeRun
	nextID      int
	// fail, when set, may answer a request instead of the server: it
	// returns a status (0: no failure), body and Retry-After.
	fail func(call string, n int) (int, string, string)
	hits map[string]int
	// paramsReceived counts params across all accepted batches.
	paramsReceived int
	// pageSize caps a runs/search page below max_results (0: no cap), as
	// a server may, to exercise paging.
	pageSize int
}

type fakeRun struct {
	id         string
	experiment string
	name       string
	status     string
	endTime    int64
	tags       map[string]string
	params     map[string]string
	metrics    []mlflow.Metric
}

func newFake(t *testing.T, wantAuth string) (*fakeMLflow, *httptest.Server) {
	f := &fakeMLflow{t: t, wantAuth: wantAuth, experiments: map[string]string{}, runs: map[string]*fakeRun{}, hits: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// decode reads the body strictly into v: an unknown field is a contract
// violation.
func decode(t *testing.T, r *http.Request, v any) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", r.Method, r.URL.Path, ct)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Errorf("%s %s: body does not match the message: %v", r.Method, r.URL.Path, err)
	}
}

func mlflowError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error_code": code, "message": msg})
}

func (f *fakeMLflow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t := f.t
	f.mu.Lock()
	defer f.mu.Unlock()
	call := r.Method + " " + strings.TrimPrefix(r.URL.Path, "/api/2.0/mlflow/")
	f.requests = append(f.requests, call)
	f.hits[call]++
	if got := r.Header.Get("Authorization"); got != f.wantAuth {
		t.Errorf("%s: Authorization %q, want %q", call, got, f.wantAuth)
		mlflowError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "bad credentials")
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/2.0/mlflow/") {
		t.Errorf("%s: not under /api/2.0/mlflow/", r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if f.fail != nil {
		if status, body, after := f.fail(call, f.hits[call]); status != 0 {
			if after != "" {
				w.Header().Set("Retry-After", after)
			}
			w.WriteHeader(status)
			io.WriteString(w, body)
			return
		}
	}
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	switch call {
	case "GET experiments/get-by-name":
		name := r.URL.Query().Get("experiment_name")
		if name == "" {
			t.Errorf("%s without experiment_name", call)
		}
		id, ok := f.experiments[name]
		if !ok {
			mlflowError(w, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name '"+name+"'")
			return
		}
		reply(map[string]any{"experiment": map[string]any{"experiment_id": id, "name": name, "lifecycle_stage": "active"}})
	case "POST experiments/create":
		var req struct {
			Name string `json:"name"`
		}
		decode(t, r, &req)
		if req.Name == "" {
			mlflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'")
			return
		}
		if _, ok := f.experiments[req.Name]; ok {
			mlflowError(w, http.StatusBadRequest, "RESOURCE_ALREADY_EXISTS", "Experiment '"+req.Name+"' already exists.")
			return
		}
		f.nextID++
		f.experiments[req.Name] = fmt.Sprint(f.nextID)
		reply(map[string]any{"experiment_id": f.experiments[req.Name]})
	case "POST runs/create":
		var req mlflow.CreateRun
		decode(t, r, &req)
		if req.ExperimentID == "" || req.StartTime <= 0 || req.RunName == "" {
			t.Errorf("runs/create: %+v lacks experiment_id, start_time or run_name", req)
		}
		tags := map[string]string{}
		for _, tg := range req.Tags {
			tags[tg.Key] = tg.Value
		}
		if tags["mlflow.runName"] != req.RunName {
			t.Errorf("runs/create: mlflow.runName tag %q, run_name %q", tags["mlflow.runName"], req.RunName)
		}
		f.nextID++
		id := fmt.Sprintf("%032x", f.nextID)
		f.runs[id] = &fakeRun{id: id, experiment: req.ExperimentID, name: req.RunName, status: "RUNNING", tags: tags, params: map[string]string{}}
		reply(map[string]any{"run": map[string]any{"info": map[string]any{"run_id": id, "run_uuid": id, "experiment_id": req.ExperimentID, "status": "RUNNING"}, "data": map[string]any{}}})
	case "GET runs/get":
		run, ok := f.runs[r.URL.Query().Get("run_id")]
		if !ok {
			mlflowError(w, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Run not found")
			return
		}
		var params []mlflow.KeyValue
		for k, v := range run.params {
			params = append(params, mlflow.KeyValue{Key: k, Value: v})
		}
		reply(map[string]any{"run": map[string]any{"info": map[string]any{"run_id": r.URL.Query().Get("run_id"), "status": run.status}, "data": map[string]any{"params": params}}})
	case "POST runs/log-batch":
		body, _ := io.ReadAll(r.Body)
		if len(body) > mlflow.MaxBatchBytes {
			t.Errorf("log-batch of %d bytes, limit %d", len(body), mlflow.MaxBatchBytes)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var req mlflow.Batch
		decode(t, r, &req)
		switch {
		case len(req.Params) > mlflow.MaxParamsPerBatch:
			t.Errorf("log-batch with %d params, limit %d", len(req.Params), mlflow.MaxParamsPerBatch)
		case len(req.Metrics) > mlflow.MaxMetricsPerBatch:
			t.Errorf("log-batch with %d metrics, limit %d", len(req.Metrics), mlflow.MaxMetricsPerBatch)
		case len(req.Params)+len(req.Metrics)+len(req.Tags) > mlflow.MaxEntitiesPerBatch:
			t.Errorf("log-batch with %d items, limit %d", len(req.Params)+len(req.Metrics)+len(req.Tags), mlflow.MaxEntitiesPerBatch)
		}
		run, ok := f.runs[req.RunID]
		if !ok {
			mlflowError(w, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Run not found")
			return
		}
		for _, p := range req.Params {
			// Params are write-once: a different value is an error.
			if old, ok := run.params[p.Key]; ok && old != p.Value {
				mlflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed. Param with key='"+p.Key+"' was already logged")
				return
			}
			if len(p.Value) > mlflow.MaxParamValueLength {
				t.Errorf("param %s value of %d bytes", p.Key, len(p.Value))
			}
			run.params[p.Key] = p.Value
		}
		for _, m := range req.Metrics {
			if m.Timestamp <= 0 {
				t.Errorf("metric %s without a timestamp", m.Key)
			}
		}
		run.metrics = append(run.metrics, req.Metrics...)
		f.paramsReceived += len(req.Params)
		reply(map[string]any{})
	case "POST runs/update":
		var req mlflow.UpdateRun
		decode(t, r, &req)
		run, ok := f.runs[req.RunID]
		if !ok {
			mlflowError(w, http.StatusNotFound, "RESOURCE_DOES_NOT_EXIST", "Run not found")
			return
		}
		// RunStatus in service.proto; an export only ends runs.
		if req.Status != "FINISHED" && req.Status != "FAILED" && req.Status != "KILLED" || req.EndTime <= 0 {
			t.Errorf("runs/update: %+v", req)
		}
		run.status, run.endTime = req.Status, req.EndTime
		reply(map[string]any{"run_info": map[string]any{"run_id": req.RunID, "status": req.Status}})
	case "POST runs/search":
		f.search(w, r, reply)
	default:
		t.Errorf("unexpected request %s", call)
		mlflowError(w, http.StatusNotFound, "ENDPOINT_NOT_FOUND", "no such endpoint")
	}
}

// childrenFilter is the one filter the fake understands: the runs nested
// under a run, with the dotted tag key quoted as MLflow's search syntax
// requires (backticks or double quotes).
var childrenFilter = regexp.MustCompile("^tags\\.[`\"]mlflow\\.parentRunId[`\"] = '([0-9a-f]+)'$")

// search answers runs/search (SearchRuns in service.proto): the live runs
// of the experiments that match the filter, oldest first, in pages of
// max_results (or pageSize) with next_page_token.
func (f *fakeMLflow) search(w http.ResponseWriter, r *http.Request, reply func(any)) {
	t := f.t
	var req mlflow.SearchRuns
	decode(t, r, &req)
	m := childrenFilter.FindStringSubmatch(req.Filter)
	if m == nil || len(req.ExperimentIDs) == 0 || req.MaxResults < 1 || req.MaxResults > 50000 || req.RunViewType != "ACTIVE_ONLY" {
		t.Errorf("runs/search: %+v; want the children filter, experiment ids, 1 <= max_results <= 50000, ACTIVE_ONLY", req)
		mlflowError(w, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "bad search")
		return
	}
	var match []*fakeRun
	for _, run := range f.runs {
		if run.tags["mlflow.parentRunId"] == m[1] && slices.Contains(req.ExperimentIDs, run.experiment) {
			match = append(match, run)
		}
	}
	slices.SortFunc(match, func(a, b *fakeRun) int { return strings.Compare(a.id, b.id) })
	start := 0
	if req.PageToken != "" {
		n, err := strconv.Atoi(req.PageToken)
		if err != nil {
			t.Errorf("runs/search: page_token %q is not one the server gave", req.PageToken)
		}
		start = n
	}
	size := req.MaxResults
	if f.pageSize > 0 {
		size = min(size, f.pageSize)
	}
	end := min(start+size, len(match))
	runs := []map[string]any{}
	for _, run := range match[start:end] {
		runs = append(runs, run.json())
	}
	resp := map[string]any{"runs": runs}
	if end < len(match) {
		resp["next_page_token"] = strconv.Itoa(end)
	}
	reply(resp)
}

// json is the run as runs/get and runs/search return it: info, and data
// with params, tags and each metric's latest value.
func (run *fakeRun) json() map[string]any {
	kv := func(m map[string]string) []mlflow.KeyValue {
		out := []mlflow.KeyValue{}
		for k, v := range m {
			out = append(out, mlflow.KeyValue{Key: k, Value: v})
		}
		return out
	}
	latest := map[string]mlflow.Metric{}
	for _, m := range run.metrics {
		if old, ok := latest[m.Key]; !ok || m.Step >= old.Step {
			latest[m.Key] = m
		}
	}
	metrics := []mlflow.Metric{}
	for _, m := range latest {
		metrics = append(metrics, m)
	}
	return map[string]any{
		"info": map[string]any{"run_id": run.id, "run_uuid": run.id, "experiment_id": run.experiment, "run_name": run.name, "status": run.status},
		"data": map[string]any{"params": kv(run.params), "tags": kv(run.tags), "metrics": metrics},
	}
}

func (f *fakeMLflow) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

func (f *fakeMLflow) onlyRun(t *testing.T) *fakeRun {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.runs) != 1 {
		t.Fatalf("%d runs on the server, want 1", len(f.runs))
	}
	for _, r := range f.runs {
		return r
	}
	return nil
}

// bigRun is a fixture run with more params and metrics than fit in one
// batch: 150 params, 2500 loss values.
func bigRun() *tracking.Run {
	r := trackingtest.Runs()[0]
	extra := map[string]any{}
	for i := range 150 {
		extra[fmt.Sprintf("p%03d", i)] = i
	}
	r.Params["extra"] = extra
	r.Models[0].History = make([]float64, 2500)
	for i := range r.Models[0].History {
		r.Models[0].History[i] = 1 / float64(i+1)
	}
	return r
}

type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func newExporter(srv *httptest.Server, cfg mlflow.Config, sl *sleeps) *mlflow.Exporter {
	cfg.TrackingURI = srv.URL
	e := mlflow.New(slog.New(slog.DiscardHandler), cfg)
	e.Client().Sleep = sl.sleep
	e.Client().MinWait = time.Millisecond
	return e
}

func sync1(t *testing.T, store *tracking.Store, id string, e export.Exporter) (export.Outcome, error) {
	t.Helper()
	return export.Sync(t.Context(), slog.New(slog.DiscardHandler), store, id, e, func() time.Time { return trackingtest.T0 })
}

// checkComplete asserts the server holds the whole run exactly once.
func checkComplete(t *testing.T, f *fakeMLflow, run *tracking.Run) {
	t.Helper()
	got := f.onlyRun(t)
	if got.status != "FINISHED" || got.endTime != run.End.UnixMilli() {
		t.Errorf("remote run status %q end %d; want FINISHED at %d", got.status, got.endTime, run.End.UnixMilli())
	}
	want := mlflow.Metrics(run)
	if len(got.metrics) != len(want) {
		t.Fatalf("server holds %d metrics, want %d (each exactly once)", len(got.metrics), len(want))
	}
	for i := range want {
		if got.metrics[i] != want[i] {
			t.Fatalf("metric %d: got %+v, want %+v", i, got.metrics[i], want[i])
		}
	}
	params := mlflow.Params(run)
	if f.paramsReceived != len(params) {
		t.Errorf("server received %d params, want each of the %d once", f.paramsReceived, len(params))
	}
	if len(got.params) != len(params) {
		t.Errorf("server holds %d params, want %d", len(got.params), len(params))
	}
	for _, p := range params {
		if got.params[p.Key] != p.Value {
			t.Errorf("param %s = %q, want %q", p.Key, got.params[p.Key], p.Value)
		}
	}
	if got.tags["mlflow.source.git.commit"] != run.Git.Commit || got.tags["mlops.data_md5"] != run.Data.MD5 {
		t.Errorf("tags %v lack the commit or data md5", got.tags)
	}
}

func TestMLflowContractExport(t *testing.T) {
	tests := []struct {
		name      string
		cfg       mlflow.Config
		auth      string
		existing  bool
		wantCalls []string
	}{
		{
			name: "new experiment, bearer token", cfg: mlflow.Config{Token: "s3cret"}, auth: "Bearer s3cret",
			wantCalls: []string{"GET experiments/get-by-name", "POST experiments/create", "POST runs/create",
				"POST runs/log-batch", "POST runs/log-batch", "POST runs/log-batch", "POST runs/log-batch", "POST runs/update"},
		},
		{
			name: "existing experiment, basic auth", cfg: mlflow.Config{Username: "ann", Password: "pw", Experiment: "iris-prod"}, auth: "Basic YW5uOnB3", existing: true,
			wantCalls: []string{"GET experiments/get-by-name", "POST runs/create",
				"POST runs/log-batch", "POST runs/log-batch", "POST runs/log-batch", "POST runs/log-batch", "POST runs/update"},
		},
		{
			name: "no auth", cfg: mlflow.Config{}, auth: "",
			wantCalls: []string{"GET experiments/get-by-name", "POST experiments/create", "POST runs/create",
				"POST runs/log-batch", "POST runs/log-batch", "POST runs/log-batch", "POST runs/log-batch", "POST runs/update"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t, tt.auth)
			if tt.existing {
				f.experiments["iris-prod"] = "7"
			}
			run := bigRun()
			store := trackingtest.Store(t, run)
			e := newExporter(srv, tt.cfg, &sleeps{})
			outcome, err := sync1(t, store, run.ID, e)
			if err != nil || outcome != export.Sent {
				t.Fatalf("sync: %v, %v; want sent", outcome, err)
			}
			if got := f.calls(); strings.Join(got, ",") != strings.Join(tt.wantCalls, ",") {
				t.Errorf("requests\n got %v\nwant %v", got, tt.wantCalls)
			}
			checkComplete(t, f, run)
			if tt.existing && f.onlyRun(t).experiment != "7" {
				t.Errorf("run created in experiment %s, want the existing 7", f.onlyRun(t).experiment)
			}
			local, err := store.Get(run.ID)
			if err != nil {
				t.Fatal(err)
			}
			st := local.Sync["mlflow"]
			if st == nil || !st.Complete || st.RemoteID == "" || st.URL != srv.URL || st.LastError != "" || st.SyncedAt == nil {
				t.Fatalf("local sync state %+v; want complete with the remote id", st)
			}
			// Synced once: a second sync sends nothing.
			n := len(f.calls())
			if outcome, err := sync1(t, store, run.ID, e); err != nil || outcome != export.UpToDate || len(f.calls()) != n {
				t.Fatalf("second sync: %v, %v, %d new requests; want up to date and none", outcome, err, len(f.calls())-n)
			}
		})
	}
}

// Two clients creating the experiment at once: create answers
// RESOURCE_ALREADY_EXISTS and the exporter looks it up again.
func TestMLflowContractExperimentCreateRace(t *testing.T) {
	f, srv := newFake(t, "")
	f.fail = func(call string, n int) (int, string, string) {
		if call == "POST experiments/create" {
			f.experiments["iris"] = "42" // the other client won
			return http.StatusBadRequest, `{"error_code":"RESOURCE_ALREADY_EXISTS","message":"Experiment 'iris' already exists."}`, ""
		}
		return 0, "", ""
	}
	run := trackingtest.Runs()[0]
	store := trackingtest.Store(t, run)
	if _, err := sync1(t, store, run.ID, newExporter(srv, mlflow.Config{}, &sleeps{})); err != nil {
		t.Fatal(err)
	}
	if got := f.onlyRun(t).experiment; got != "42" {
		t.Fatalf("run in experiment %s, want 42", got)
	}
}

// 429 and 5xx are retried (Retry-After honoured), and the retried batch is
// not applied twice.
func TestMLflowContractRetry(t *testing.T) {
	f, srv := newFake(t, "")
	f.fail = func(call string, n int) (int, string, string) {
		switch {
		case call == "POST runs/create" && n == 1:
			return http.StatusTooManyRequests, `{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}`, "7"
		case call == "POST runs/log-batch" && n == 2:
			return http.StatusServiceUnavailable, "upstream unavailable", ""
		}
		return 0, "", ""
	}
	run := bigRun()
	store := trackingtest.Store(t, run)
	sl := &sleeps{}
	if _, err := sync1(t, store, run.ID, newExporter(srv, mlflow.Config{}, sl)); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, f, run)
	if len(sl.d) != 2 || sl.d[0] != 7*time.Second {
		t.Fatalf("waits %v; want 2, the first the server's Retry-After of 7s", sl.d)
	}
}

// A client error is not retried; the run stays local, unsynced, with the
// error recorded.
func TestMLflowContractError(t *testing.T) {
	f, srv := newFake(t, "Bearer wrong")
	f.fail = func(call string, n int) (int, string, string) {
		if call == "POST runs/create" {
			return http.StatusForbidden, `{"error_code":"PERMISSION_DENIED","message":"User cannot create runs in experiment 1"}`, ""
		}
		return 0, "", ""
	}
	run := trackingtest.Runs()[0]
	store := trackingtest.Store(t, run)
	_, err := sync1(t, store, run.ID, newExporter(srv, mlflow.Config{Token: "wrong"}, &sleeps{}))
	if err == nil || !strings.Contains(err.Error(), "PERMISSION_DENIED") {
		t.Fatalf("sync error %v, want PERMISSION_DENIED", err)
	}
	if f.hits["POST runs/create"] != 1 {
		t.Errorf("runs/create sent %d times; a 403 must not be retried", f.hits["POST runs/create"])
	}
	local, err := store.Get(run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st := local.Sync["mlflow"]; st == nil || st.Complete || !strings.Contains(st.LastError, "PERMISSION_DENIED") {
		t.Fatalf("local sync state %+v; want incomplete with the error", st)
	}
	if local.Status != tracking.StatusFinished || len(local.Models) != 2 {
		t.Fatal("the failed export changed the local run")
	}
}

// An export cut off part-way resumes: the run is not created again, params
// the server has are not re-sent, and each metric arrives once.
func TestMLflowContractResume(t *testing.T) {
	f, srv := newFake(t, "")
	down := true
	f.fail = func(call string, n int) (int, string, string) {
		if down && call == "POST runs/log-batch" && n >= 3 {
			return http.StatusInternalServerError, `{"error_code":"INTERNAL_ERROR","message":"database is locked"}`, ""
		}
		return 0, "", ""
	}
	run := bigRun()
	store := trackingtest.Store(t, run)
	e := newExporter(srv, mlflow.Config{}, &sleeps{})
	if outcome, err := sync1(t, store, run.ID, e); err == nil || outcome != export.SendFailed {
		t.Fatalf("first sync: %v, %v; want a failure", outcome, err)
	}
	local, _ := store.Get(run.ID)
	st := local.Sync["mlflow"]
	if st == nil || st.Complete || st.RemoteID == "" || st.Sent["params"] == 0 {
		t.Fatalf("after the failure: sync state %+v; want the remote id and progress", st)
	}
	// The two accepted batches hold 100 + 60 params and 940 metrics (at
	// most 1000 items a batch).
	if st.Sent["metrics"] != 940 || st.Sent["params"] != 160 {
		t.Fatalf("progress %v; want 160 params and 940 metrics sent", st.Sent)
	}
	down = false
	before := len(f.calls())
	if outcome, err := sync1(t, store, run.ID, e); err != nil || outcome != export.Sent {
		t.Fatalf("resumed sync: %v, %v", outcome, err)
	}
	resumed := f.calls()[before:]
	if resumed[0] != "GET runs/get" {
		t.Errorf("a resumed sync starts with %s, want GET runs/get", resumed[0])
	}
	for _, c := range resumed {
		if c == "POST runs/create" || c == "POST experiments/create" {
			t.Errorf("a resumed sync sent %s again", c)
		}
	}
	checkComplete(t, f, run)
}

// A remote run deleted since the last (partial) sync is created again.
func TestMLflowContractResumeAfterRemoteDelete(t *testing.T) {
	f, srv := newFake(t, "")
	run := trackingtest.Runs()[0]
	run.Sync = map[string]*tracking.SyncState{"mlflow": {URL: srv.URL, RemoteID: "deadbeef", Experiment: "1", Sent: map[string]int{"metrics": 10}}}
	store := trackingtest.Store(t, run)
	f.experiments["iris"] = "1"
	if _, err := sync1(t, store, run.ID, newExporter(srv, mlflow.Config{}, &sleeps{})); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, f, run)
}

func TestBatchesRespectLimits(t *testing.T) {
	run := bigRun()
	params, metrics := mlflow.Params(run), mlflow.Metrics(run)
	batches := mlflow.Batches(params, metrics)
	np, nm := 0, 0
	for i, b := range batches {
		if len(b.Params) > mlflow.MaxParamsPerBatch || len(b.Metrics) > mlflow.MaxMetricsPerBatch || len(b.Params)+len(b.Metrics) > mlflow.MaxEntitiesPerBatch {
			t.Errorf("batch %d: %d params, %d metrics", i, len(b.Params), len(b.Metrics))
		}
		data, _ := json.Marshal(b)
		if len(data) > mlflow.MaxBatchBytes {
			t.Errorf("batch %d: %d bytes", i, len(data))
		}
		np += len(b.Params)
		nm += len(b.Metrics)
	}
	if np != len(params) || nm != len(metrics) {
		t.Fatalf("batches hold %d params and %d metrics, want %d and %d", np, nm, len(params), len(metrics))
	}
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unset", map[string]string{}, "MLFLOW_TRACKING_URI is not set"},
		{"file store", map[string]string{"MLFLOW_TRACKING_URI": "file:./mlruns"}, "must be an http(s) server address"},
		{"ok", map[string]string{"MLFLOW_TRACKING_URI": "http://127.0.0.1:5000/", "MLFLOW_TRACKING_TOKEN": "t"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := mlflow.ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.want == "" {
				if err != nil || c.TrackingURI != "http://127.0.0.1:5000" || c.Token != "t" {
					t.Fatalf("config %+v, %v", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}
