package wandb_test

// Contract tests: the exporter against an httptest server on 127.0.0.1
// that checks every request against the protocol of the W&B SDK's Go core
// (wandb/wandb, core/): the GraphQL mutation UpsertBucket
// (core/api/graphql/mutation_run.graphql) posted to /graphql with the
// config as {"key": {"value": ...}} (core/internal/runconfig/runconfig.go);
// the file_stream endpoint /files/<entity>/<project>/<run>/file_stream with
// {"files": {name: {"offset", "content"}}, "complete", "exitcode"}
// (core/internal/filestream/filestreamrequest.go, collectorstate.go); Basic
// auth "api:<key>" (core/internal/api/credentials.go). They were not run
// against a live W&B server.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/export/wandb"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

const apiKey = "0123456789abcdef0123456789abcdef01234567"

// fakeWandB is an in-memory W&B backend for one entity.
type fakeWandB struct {
	t      *testing.T
	entity string

	mu       sync.Mutex
	requests []string
	hits     map[string]int
	buckets  map[string]*bucket // by run name
	fail     func(call string, n int) (int, string)
	// lose drops this many history lines from the server's count once
	// (a backend that lost data).
	lose int
}

type bucket struct {
	project  string
	group    string
	jobType  string
	config   map[string]map[string]any
	commit   string
	history  []string
	summary  string
	complete bool
	exitcode int32
	upserts  int
}

func newFake(t *testing.T) (*fakeWandB, *httptest.Server) {
	f := &fakeWandB{t: t, entity: "default-entity", hits: map[string]int{}, buckets: map[string]*bucket{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeWandB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t := f.t
	f.mu.Lock()
	defer f.mu.Unlock()
	call := r.Method + " " + r.URL.Path
	if strings.HasSuffix(r.URL.Path, "/file_stream") {
		call = r.Method + " file_stream"
	}
	f.requests = append(f.requests, call)
	f.hits[call]++
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("api:"+apiKey))
	if got := r.Header.Get("Authorization"); got != want {
		t.Errorf("%s: Authorization %q, want %q", call, got, want)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s: want POST with Content-Type application/json, got %s %q", r.URL.Path, r.Method, r.Header.Get("Content-Type"))
	}
	if f.fail != nil {
		if status, body := f.fail(call, f.hits[call]); status != 0 {
			w.WriteHeader(status)
			io.WriteString(w, body)
			return
		}
	}
	switch {
	case r.URL.Path == "/graphql":
		f.graphql(w, r)
	case strings.HasSuffix(r.URL.Path, "/file_stream"):
		f.fileStream(w, r)
	default:
		t.Errorf("unexpected request %s", call)
		http.NotFound(w, r)
	}
}

func (f *fakeWandB) graphql(w http.ResponseWriter, r *http.Request) {
	t := f.t
	var req struct {
		Query         string         `json:"query"`
		Variables     map[string]any `json:"variables"`
		OperationName string         `json:"operationName"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		t.Errorf("graphql body: %v", err)
	}
	if req.OperationName != "UpsertBucket" || !strings.Contains(req.Query, "mutation UpsertBucket(") ||
		!strings.Contains(req.Query, "upsertBucket(input: {") || !strings.Contains(req.Query, "historyLineCount") {
		t.Errorf("not the UpsertBucket mutation: %s %q", req.OperationName, req.Query)
	}
	// Every variable must be declared by the mutation, with its type.
	declared := map[string]string{"id": "String", "name": "String", "project": "String", "entity": "String", "groupName": "String", "description": "String",
		"displayName": "String", "commit": "String", "config": "JSONString", "host": "String", "jobType": "String", "tags": "[String!]"}
	for k := range req.Variables {
		typ, ok := declared[k]
		if !ok || !strings.Contains(req.Query, "$"+k+": "+typ) {
			t.Errorf("variable $%s is not declared by the mutation", k)
		}
	}
	name, _ := req.Variables["name"].(string)
	project, _ := req.Variables["project"].(string)
	if name == "" || project == "" {
		t.Errorf("upsertBucket without name or project: %v", req.Variables)
	}
	if e, ok := req.Variables["entity"]; ok && e != f.entity {
		t.Errorf("entity %v, want %s", e, f.entity)
	}
	var config map[string]map[string]any
	if s, ok := req.Variables["config"].(string); !ok || json.Unmarshal([]byte(s), &config) != nil {
		t.Errorf("config is not a JSON string: %v", req.Variables["config"])
	}
	for k, v := range config {
		if _, ok := v["value"]; !ok || len(v) != 1 {
			t.Errorf("config key %s is %v, want {\"value\": ...}", k, v)
		}
	}
	b := f.buckets[name]
	inserted := b == nil
	if inserted {
		b = &bucket{project: project}
		f.buckets[name] = b
	}
	b.config, b.upserts = config, b.upserts+1
	b.commit, _ = req.Variables["commit"].(string)
	b.group, _ = req.Variables["groupName"].(string)
	b.jobType, _ = req.Variables["jobType"].(string)
	count := len(b.history) - f.lose
	f.lose = 0
	b.history = b.history[:count]
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"upsertBucket": map[string]any{
		"bucket": map[string]any{
			"id": "UnVuOnYx", "name": name, "displayName": req.Variables["displayName"], "description": req.Variables["description"],
			"sweepName": nil, "historyLineCount": count,
			"project": map[string]any{"id": "UHJvamVjdA==", "name": project, "entity": map[string]any{"id": "RW50aXR5", "name": f.entity}},
		},
		"inserted": inserted,
	}}})
}

func (f *fakeWandB) fileStream(w http.ResponseWriter, r *http.Request) {
	t := f.t
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 5 || parts[0] != "files" || parts[1] != f.entity {
		t.Errorf("file_stream path %s, want /files/%s/<project>/<run>/file_stream", r.URL.Path, f.entity)
		http.NotFound(w, r)
		return
	}
	b := f.buckets[parts[3]]
	if b == nil || b.project != parts[2] {
		t.Errorf("file_stream for run %s/%s that was never upserted", parts[2], parts[3])
		http.NotFound(w, r)
		return
	}
	var req struct {
		Files map[string]struct {
			Offset  *int     `json:"offset"`
			Content []string `json:"content"`
		} `json:"files"`
		Uploaded   []string `json:"uploaded"`
		Preempting *bool    `json:"preempting"`
		Complete   *bool    `json:"complete"`
		ExitCode   *int32   `json:"exitcode"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		t.Errorf("file_stream body: %v", err)
	}
	for name, fd := range req.Files {
		if fd.Offset == nil {
			t.Errorf("file %s without an offset", name)
			continue
		}
		switch name {
		case wandb.HistoryFile:
			if *fd.Offset != len(b.history) {
				t.Errorf("history offset %d, the server has %d lines", *fd.Offset, len(b.history))
			}
			for _, line := range fd.Content {
				var row map[string]any
				if err := json.Unmarshal([]byte(line), &row); err != nil || row["_step"] == nil || row["_runtime"] == nil || row["_timestamp"] == nil {
					t.Errorf("history line %q lacks _step, _runtime or _timestamp", line)
				}
				if int(row["_step"].(float64)) != len(b.history) {
					t.Errorf("history line with _step %v at line %d", row["_step"], len(b.history))
				}
				b.history = append(b.history, line)
			}
		case wandb.SummaryFile:
			if *fd.Offset != 0 || len(fd.Content) != 1 || !json.Valid([]byte(fd.Content[0])) {
				t.Errorf("summary %d %q: want one JSON line at offset 0", *fd.Offset, fd.Content)
			}
			b.summary = fd.Content[0]
		default:
			t.Errorf("unexpected file %s", name)
		}
	}
	if req.Complete != nil && *req.Complete {
		if req.ExitCode == nil {
			t.Error("complete without exitcode")
		} else {
			b.exitcode = *req.ExitCode
		}
		b.complete = true
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"exitcode": null, "limits": {}}`)
}

func (f *fakeWandB) onlyBucket(t *testing.T) *bucket {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.buckets) != 1 {
		t.Fatalf("%d runs on the server, want 1", len(f.buckets))
	}
	for _, b := range f.buckets {
		return b
	}
	return nil
}

func (f *fakeWandB) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

type sleeps struct{ n int }

func (s *sleeps) sleep(context.Context, time.Duration) error { s.n++; return nil }

func newExporter(srv *httptest.Server, cfg wandb.Config, sl *sleeps) *wandb.Exporter {
	cfg.BaseURL, cfg.APIKey = srv.URL, apiKey
	e := wandb.New(slog.New(slog.DiscardHandler), cfg)
	e.Client().Sleep = sl.sleep
	return e
}

func sync1(t *testing.T, store *tracking.Store, id string, e export.Exporter) (export.Outcome, error) {
	t.Helper()
	return export.Sync(t.Context(), slog.New(slog.DiscardHandler), store, id, e, func() time.Time { return trackingtest.T0 })
}

// longRun has 1200 history steps, more than one file_stream request holds.
func longRun() *tracking.Run {
	r := trackingtest.Runs()[0]
	r.Models[0].History = make([]float64, 1200)
	for i := range r.Models[0].History {
		r.Models[0].History[i] = 1 / float64(i+1)
	}
	return r
}

func checkComplete(t *testing.T, f *fakeWandB, run *tracking.Run) {
	t.Helper()
	b := f.onlyBucket(t)
	want, err := wandb.HistoryLines(run)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.history) != len(want) {
		t.Fatalf("server holds %d history lines, want %d", len(b.history), len(want))
	}
	for i := range want {
		if b.history[i] != want[i] {
			t.Fatalf("history line %d: %s, want %s", i, b.history[i], want[i])
		}
	}
	var summary map[string]any
	if err := json.Unmarshal([]byte(b.summary), &summary); err != nil || summary["logistic_regression/cv_accuracy_mean"] == nil || summary["champion"] != run.Champion {
		t.Errorf("summary %s lacks the metrics or champion", b.summary)
	}
	if !b.complete || b.exitcode != 0 {
		t.Errorf("run complete %v exitcode %d; want complete with 0", b.complete, b.exitcode)
	}
	if b.config["models"] == nil || b.config["mlops"]["value"].(map[string]any)["run_id"] != run.ID {
		t.Errorf("config %v lacks the params or the run id", b.config)
	}
	if b.commit != run.Git.Commit {
		t.Errorf("commit %q, want %q", b.commit, run.Git.Commit)
	}
}

func TestWandBContractExport(t *testing.T) {
	tests := []struct {
		name    string
		cfg     wandb.Config
		entity  string
		project string
	}{
		{"default entity and project", wandb.Config{}, "default-entity", "iris"},
		{"entity and project set", wandb.Config{Entity: "team-ml", Project: "flowers"}, "team-ml", "flowers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t)
			f.entity = tt.entity
			run := longRun()
			store := trackingtest.Store(t, run)
			e := newExporter(srv, tt.cfg, &sleeps{})
			if outcome, err := sync1(t, store, run.ID, e); err != nil || outcome != export.Sent {
				t.Fatalf("sync: %v, %v", outcome, err)
			}
			want := "POST /graphql,POST file_stream,POST file_stream,POST file_stream,POST file_stream"
			if got := strings.Join(f.calls(), ","); got != want {
				t.Errorf("requests %s, want %s", got, want)
			}
			checkComplete(t, f, run)
			if b := f.onlyBucket(t); b.project != tt.project {
				t.Errorf("project %s, want %s", b.project, tt.project)
			}
			local, _ := store.Get(run.ID)
			st := local.Sync["wandb"]
			if st == nil || !st.Complete || st.Experiment != tt.entity+"/"+tt.project || st.Sent["history_lines"] != 1200 {
				t.Fatalf("local sync state %+v", st)
			}
			n := len(f.calls())
			if outcome, err := sync1(t, store, run.ID, e); err != nil || outcome != export.UpToDate || len(f.calls()) != n {
				t.Fatalf("second sync: %v, %v, %d new requests; want up to date and none", outcome, err, len(f.calls())-n)
			}
		})
	}
}

// A failed run is sent with exit code 1.
func TestWandBContractFailedRun(t *testing.T) {
	f, srv := newFake(t)
	run := trackingtest.Runs()[0]
	run.Status, run.Error = tracking.StatusFailed, "killed"
	store := trackingtest.Store(t, run)
	if _, err := sync1(t, store, run.ID, newExporter(srv, wandb.Config{}, &sleeps{})); err != nil {
		t.Fatal(err)
	}
	if b := f.onlyBucket(t); !b.complete || b.exitcode != 1 {
		t.Fatalf("complete %v exitcode %d; want 1", b.complete, b.exitcode)
	}
}

// 5xx and 429 are retried; the retried chunk lands once.
func TestWandBContractRetry(t *testing.T) {
	f, srv := newFake(t)
	f.fail = func(call string, n int) (int, string) {
		if (call == "POST /graphql" && n == 1) || (call == "POST file_stream" && n == 2) {
			return http.StatusServiceUnavailable, "try later"
		}
		if call == "POST file_stream" && n == 4 {
			return http.StatusTooManyRequests, "rate limited"
		}
		return 0, ""
	}
	run := longRun()
	store := trackingtest.Store(t, run)
	sl := &sleeps{}
	if _, err := sync1(t, store, run.ID, newExporter(srv, wandb.Config{}, sl)); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, f, run)
	if sl.n != 3 {
		t.Errorf("%d retries, want 3", sl.n)
	}
	if b := f.onlyBucket(t); b.upserts != 1 {
		t.Errorf("%d upserts recorded, want 1 (the 503 was not applied)", b.upserts)
	}
}

// A client error is not retried; GraphQL errors in a 200 answer are errors.
func TestWandBContractError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"unauthorized", http.StatusUnauthorized, `{"errors":[{"message":"user is not logged in"}]}`, "HTTP 401"},
		{"graphql error", http.StatusOK, `{"errors":[{"message":"project not found"}],"data":{"upsertBucket":null}}`, "project not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t)
			f.fail = func(call string, n int) (int, string) {
				if call == "POST /graphql" {
					return tt.status, tt.body
				}
				return 0, ""
			}
			run := trackingtest.Runs()[0]
			store := trackingtest.Store(t, run)
			_, err := sync1(t, store, run.ID, newExporter(srv, wandb.Config{}, &sleeps{}))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("sync error %v, want %q", err, tt.want)
			}
			if f.hits["POST /graphql"] != 1 {
				t.Errorf("graphql sent %d times, want 1 (no retry)", f.hits["POST /graphql"])
			}
			local, _ := store.Get(run.ID)
			if st := local.Sync["wandb"]; st == nil || st.Complete || !strings.Contains(st.LastError, tt.want) {
				t.Fatalf("local sync state %+v; want incomplete with the error", st)
			}
		})
	}
}

// An export cut off part-way resumes from the server's historyLineCount:
// the same run (same name) is upserted, and no line is sent twice. A
// server that lost lines gets them again.
func TestWandBContractResume(t *testing.T) {
	for _, lose := range []int{0, 100} {
		t.Run(fmt.Sprintf("server lost %d lines", lose), func(t *testing.T) {
			f, srv := newFake(t)
			down := true
			f.fail = func(call string, n int) (int, string) {
				if down && call == "POST file_stream" && n >= 2 {
					return http.StatusBadGateway, "bad gateway"
				}
				return 0, ""
			}
			run := longRun()
			store := trackingtest.Store(t, run)
			e := newExporter(srv, wandb.Config{}, &sleeps{})
			if _, err := sync1(t, store, run.ID, e); err == nil {
				t.Fatal("first sync succeeded; want a failure")
			}
			local, _ := store.Get(run.ID)
			st := local.Sync["wandb"]
			if st == nil || st.RemoteID == "" || st.Sent["history_lines"] != 500 || st.Complete {
				t.Fatalf("after the failure: %+v; want the run name and 500 lines sent", st)
			}
			down, f.lose = false, lose
			if outcome, err := sync1(t, store, run.ID, e); err != nil || outcome != export.Sent {
				t.Fatalf("resumed sync: %v, %v", outcome, err)
			}
			checkComplete(t, f, run)
			if b := f.onlyBucket(t); b.upserts != 2 {
				t.Errorf("%d upserts, want 2 (one per sync, same run)", b.upserts)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	c, err := wandb.ConfigFromEnv(func(k string) string {
		return map[string]string{"WANDB_API_KEY": "k", "WANDB_PROJECT": "p"}[k]
	})
	if err != nil || c.BaseURL != wandb.DefaultBaseURL || c.APIKey != "k" || c.Project != "p" {
		t.Fatalf("config %+v, %v", c, err)
	}
	if _, err := wandb.ConfigFromEnv(func(string) string { return "" }); err == nil {
		t.Fatal("no WANDB_API_KEY: want an error")
	}
}
