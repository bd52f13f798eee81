package wandb_test

// Contract tests of a tuning run's export as one W&B group: the same fake
// backend as wandb_contract_test.go, which also checks the groupName
// variable against the SDK's mutation (core/api/graphql/mutation_run.graphql
// declares $groupName: String and sets upsertBucket's groupName).

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/export/wandb"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// manyTrials gives each search of the run n trials (the fixture's repeated
// and renumbered), so a model's history needs more than one file_stream
// request.
func manyTrials(run *tracking.Run, n int) *tracking.Run {
	for i := range run.Tune.Models {
		for j := range run.Tune.Models[i].Searches {
			s := &run.Tune.Models[i].Searches[j]
			base := s.Trials
			s.Trials = nil
			for k := range n {
				t := base[k%len(base)]
				t.Number = k
				s.Trials = append(s.Trials, t)
			}
		}
	}
	return run
}

// checkTuneGroup asserts the backend holds one complete run per model in
// the group named after the tuning run, each with its trials as history
// exactly once and its estimates in the summary.
func checkTuneGroup(t *testing.T, f *fakeWandB, run *tracking.Run, base string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.buckets) != len(run.Tune.Models) {
		t.Fatalf("%d runs on the server, want one per model (%d)", len(f.buckets), len(run.Tune.Models))
	}
	for i := range run.Tune.Models {
		m := &run.Tune.Models[i]
		name := wandb.ModelRunName(base, m)
		b := f.buckets[name]
		if b == nil {
			t.Errorf("no run %s for %s", name, m.Name)
			continue
		}
		if b.group != run.ID || b.jobType != "tune" || b.project != "iris" {
			t.Errorf("%s: group %q job type %q project %q; want group %s, tune, iris", m.Name, b.group, b.jobType, b.project, run.ID)
		}
		want, err := wandb.TrialLines(run, m)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(b.history, want) {
			t.Errorf("%s: server holds %d history lines, want the %d trial lines, each once", m.Name, len(b.history), len(want))
		}
		var summary map[string]any
		if err := json.Unmarshal([]byte(b.summary), &summary); err != nil {
			t.Fatalf("%s: summary %q: %v", m.Name, b.summary, err)
		}
		wantExit := int32(0)
		if m.Failed() {
			wantExit = 1
			if summary["error"] != m.Error {
				t.Errorf("%s: summary %v lacks the error", m.Name, summary)
			}
		} else if summary["nested"] != m.Nested.Mean || summary["default_cv"] != m.DefaultCV.Mean || summary["inner_best"] != m.InnerBest.Mean {
			t.Errorf("%s: summary %v; want the nested estimate, default CV and inner best", m.Name, summary)
		}
		if !b.complete || b.exitcode != wantExit {
			t.Errorf("%s: complete %v exitcode %d; want complete with %d", m.Name, b.complete, b.exitcode, wantExit)
		}
		if b.config["model"]["value"] != m.Name || b.config["search"] == nil || b.config["models"] == nil {
			t.Errorf("%s: config %v lacks the model, search settings or params", m.Name, b.config)
		}
	}
}

func TestWandBContractTuneExport(t *testing.T) {
	failed := trackingtest.TuneRuns()[1]
	failed.Tune.Models[1] = tracking.TunedModel{Name: "svm", Status: tracking.ModelFailed, Error: "tune svm: the final search completed no trial"}
	tests := []struct {
		name string
		run  *tracking.Run
		// wantCalls per model: the upsert, then file_stream requests.
		wantCalls []string
	}{
		{"two models", trackingtest.TuneRuns()[0], []string{"POST /graphql", "POST file_stream", "POST file_stream"}},
		{"a failed model", failed, nil},
		{"history past one request", manyTrials(trackingtest.TuneRuns()[0], 150),
			[]string{"POST /graphql", "POST file_stream", "POST file_stream", "POST file_stream"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t)
			store := trackingtest.Store(t, tt.run)
			e := newExporter(srv, wandb.Config{}, &sleeps{})
			if outcome, err := sync1(t, store, tt.run.ID, e); err != nil || outcome != export.Sent {
				t.Fatalf("sync: %v, %v", outcome, err)
			}
			local, _ := store.Get(tt.run.ID)
			st := local.Sync["wandb"]
			if st == nil || !st.Complete || st.RemoteID == "" || st.Experiment != "default-entity/iris" || st.Sent["models"] != len(tt.run.Tune.Models) {
				t.Fatalf("local sync state %+v; want complete with every model", st)
			}
			checkTuneGroup(t, f, tt.run, st.RemoteID)
			if tt.wantCalls != nil {
				var want []string
				for range tt.run.Tune.Models {
					want = append(want, tt.wantCalls...)
				}
				if got := f.calls(); !slices.Equal(got, want) {
					t.Errorf("requests %v, want %v", got, want)
				}
			}
			n := len(f.calls())
			if outcome, err := sync1(t, store, tt.run.ID, e); err != nil || outcome != export.UpToDate || len(f.calls()) != n {
				t.Fatalf("second sync: %v, %v, %d new requests; want up to date and none", outcome, err, len(f.calls())-n)
			}
		})
	}
}

// An export cut off part-way resumes: the same runs are upserted (same
// names), history continues from each run's historyLineCount, and the
// models already complete are not sent again.
func TestWandBContractTuneResume(t *testing.T) {
	tests := []struct {
		name string
		// file_stream fails from its nth request on, until the second sync.
		n         int
		wantFirst int // models complete after the first sync
	}{
		{"first model's history cut off", 2, 0},
		{"second model's history cut off", 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t)
			down := true
			f.fail = func(call string, n int) (int, string) {
				if down && call == "POST file_stream" && n >= tt.n {
					return http.StatusBadGateway, "bad gateway"
				}
				return 0, ""
			}
			run := manyTrials(trackingtest.TuneRuns()[0], 150) // 600 lines a model: two requests
			store := trackingtest.Store(t, run)
			e := newExporter(srv, wandb.Config{}, &sleeps{})
			if _, err := sync1(t, store, run.ID, e); err == nil || !strings.Contains(err.Error(), "bad gateway") {
				t.Fatalf("first sync: %v; want the 502", err)
			}
			local, _ := store.Get(run.ID)
			st := local.Sync["wandb"]
			if st == nil || st.Complete || st.RemoteID == "" || st.Sent["models"] != tt.wantFirst {
				t.Fatalf("after the failure: %+v; want the base name and %d models done", st, tt.wantFirst)
			}
			down = false
			if outcome, err := sync1(t, store, run.ID, e); err != nil || outcome != export.Sent {
				t.Fatalf("resumed sync: %v, %v", outcome, err)
			}
			checkTuneGroup(t, f, run, st.RemoteID)
			f.mu.Lock()
			defer f.mu.Unlock()
			for i, m := range run.Tune.Models {
				// Only the model cut off is upserted again.
				want := 1
				if i == tt.wantFirst {
					want = 2
				}
				if b := f.buckets[wandb.ModelRunName(st.RemoteID, &m)]; b.upserts != want {
					t.Errorf("%s: %d upserts, want %d", m.Name, b.upserts, want)
				}
			}
		})
	}
}
