package trainrun_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trainrun"
	"github.com/mlopsgo/mlops/training/internal/train"
)

var logger = slog.New(slog.DiscardHandler)

// options records into a new run store, without asking git.
func options(t *testing.T) trainrun.Options {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "params.yaml")
	if err := os.WriteFile(p, []byte("seed: 7\nmodels:\n  logistic_regression: {C: 0.5}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return trainrun.Options{
		ParamsPath: p, ModelsDir: "models", RunsDir: filepath.Join(dir, "runs"),
		Git:    func(context.Context) *tracking.Git { return nil },
		Getenv: func(string) string { return "" },
	}
}

func listRuns(t *testing.T, dir string) []*tracking.Run {
	t.Helper()
	runs, err := tracking.New(logger, tracking.Options{Dir: dir, Git: func(context.Context) *tracking.Git { return nil }}).List()
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

func trained(context.Context) (*train.Result, error) {
	return &train.Result{Champion: "m", Models: []train.ModelResult{{Name: "m"}}}, nil
}

// rejectingMLflow is an MLflow server that refuses every request (403: not
// retried), for exports that must fail.
func rejectingMLflow(t *testing.T) func(string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error_code":"PERMISSION_DENIED"}`, http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	return func(k string) string {
		if k == "MLFLOW_TRACKING_URI" {
			return srv.URL
		}
		return ""
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(t *testing.T, o *trainrun.Options)
		fn        func(context.Context) (*train.Result, error)
		wantErr   string
		wantCalls int
		// wantStatus is the one recorded run's status; "" when none is.
		wantStatus tracking.Status
		wantSynced bool
	}{
		{"finished", nil, trained, "", 1, tracking.StatusFinished, false},
		{"failed", nil, func(context.Context) (*train.Result, error) { return nil, errors.New("no data") },
			"no data", 1, tracking.StatusFailed, false},
		{"runs off", func(_ *testing.T, o *trainrun.Options) { o.RunsDir = trainrun.Off }, trained, "", 1, "", false},
		{"no runs dir", func(_ *testing.T, o *trainrun.Options) { o.RunsDir = "" }, trained, "", 1, "", false},
		{"unknown tracker fails before training", func(_ *testing.T, o *trainrun.Options) { o.Tracker = "tensorboard" },
			trained, "unknown tracker", 0, "", false},
		{"tracker without settings fails before training", func(_ *testing.T, o *trainrun.Options) { o.Tracker = "mlflow" },
			trained, "MLFLOW_TRACKING_URI", 0, "", false},
		{"failed export does not fail training", func(t *testing.T, o *trainrun.Options) {
			o.Tracker, o.Getenv = "mlflow", rejectingMLflow(t)
		}, trained, "", 1, tracking.StatusFinished, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := options(t)
			runsDir := opts.RunsDir
			if tt.edit != nil {
				tt.edit(t, &opts)
			}
			calls := 0
			res, err := trainrun.Run(t.Context(), logger, opts, func(ctx context.Context) (*train.Result, error) {
				calls++
				return tt.fn(ctx)
			})
			if tt.wantErr == "" && (err != nil || res == nil) {
				t.Fatalf("Run = %v, %v; want a result", res, err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Run error %v, want one containing %q", err, tt.wantErr)
			}
			if tt.wantStatus == "" && opts.Tracker == "tensorboard" && !errors.Is(err, export.ErrUnknownTracker) {
				t.Errorf("error %v, want export.ErrUnknownTracker", err)
			}
			if calls != tt.wantCalls {
				t.Errorf("training ran %d times, want %d", calls, tt.wantCalls)
			}
			runs := listRuns(t, runsDir)
			if tt.wantStatus == "" {
				if len(runs) != 0 {
					t.Fatalf("%d runs recorded, want none", len(runs))
				}
				return
			}
			if len(runs) != 1 {
				t.Fatalf("%d runs recorded, want 1", len(runs))
			}
			got := runs[0]
			if got.Status != tt.wantStatus || got.End == nil || got.Error != tt.wantErr {
				t.Fatalf("run %s: status %q error %q; want %q %q with an end", got.ID, got.Status, got.Error, tt.wantStatus, tt.wantErr)
			}
			if got.Params["seed"] != 7.0 {
				t.Errorf("params %v: want the file's content", got.Params)
			}
			if opts.Tracker != "" {
				// The export was tried, failed, and left the run unsynced.
				st := got.Sync[opts.Tracker]
				if st == nil || st.LastError == "" || got.Synced(opts.Tracker) != tt.wantSynced {
					t.Errorf("sync state for %s: %+v; want a failed export (synced %v)", opts.Tracker, st, tt.wantSynced)
				}
			}
		})
	}
}

// A panic in training is recorded as a failed run, then re-raised.
func TestRunPanic(t *testing.T) {
	opts := options(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic was swallowed")
			}
		}()
		trainrun.Run(t.Context(), logger, opts, func(context.Context) (*train.Result, error) {
			panic("index out of range")
		})
	}()
	runs := listRuns(t, opts.RunsDir)
	if len(runs) != 1 || runs[0].Status != tracking.StatusFailed || runs[0].Error != "panic: index out of range" {
		t.Fatalf("runs %+v; want one failed run naming the panic", runs)
	}
}
