package export_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// stub is an exporter that records calls and fails on demand.
type stub struct {
	calls int
	err   error
}

func (s *stub) Name() string { return "stub" }

func (s *stub) Export(_ context.Context, _ *tracking.Run, st *tracking.SyncState, save func() error) error {
	s.calls++
	st.RemoteID = "r1"
	if err := save(); err != nil {
		return err
	}
	if s.err != nil {
		return s.err
	}
	st.Complete = true
	return nil
}

func TestSync(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	now := func() time.Time { return trackingtest.T0 }
	runs := trackingtest.Runs()
	running := *runs[1]
	running.ID, running.Status, running.End = "20261122-000000-aaaaaa", tracking.StatusRunning, nil
	running.Process.Host = "elsewhere" // owned by another host: left running
	store := trackingtest.Store(t, runs[0], runs[2], &running)

	tests := []struct {
		name    string
		id      string
		err     error
		want    export.Outcome
		calls   int
		wantErr string
	}{
		{"finished run", runs[0].ID, nil, export.Sent, 1, ""},
		{"again: up to date", runs[0].ID, nil, export.UpToDate, 0, ""},
		{"failed run is exported too", runs[2].ID, errors.New("boom"), export.SendFailed, 1, "boom"},
		{"failed export is retried", runs[2].ID, nil, export.Sent, 1, ""},
		{"running run is skipped", running.ID, nil, export.NotEnded, 0, ""},
		{"unknown run", "nope", nil, export.SendFailed, 0, "no such run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &stub{err: tt.err}
			got, err := export.Sync(t.Context(), logger, store, tt.id, s, now)
			if got != tt.want || s.calls != tt.calls {
				t.Fatalf("outcome %q after %d calls, want %q after %d", got, s.calls, tt.want, tt.calls)
			}
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
	all, err := store.List()
	if err != nil {
		t.Fatal(err)
	}
	if un := export.Unsynced(all, "stub"); len(un) != 0 {
		t.Fatalf("%d unsynced runs left, want 0", len(un))
	}
	if un := export.Unsynced(all, "mlflow"); len(un) != 2 {
		t.Fatalf("%d runs unsynced to mlflow, want the 2 ended ones", len(un))
	}
}

func TestNew(t *testing.T) {
	env := map[string]string{"MLFLOW_TRACKING_URI": "http://127.0.0.1:5000", "WANDB_API_KEY": "k"}
	getenv := func(k string) string { return env[k] }
	logger := slog.New(slog.DiscardHandler)
	for _, name := range export.Trackers {
		e, err := export.New(logger, name, getenv)
		if err != nil || e.Name() != name {
			t.Errorf("New(%q) = %v, %v", name, e, err)
		}
	}
	if _, err := export.New(logger, "neptune", getenv); !errors.Is(err, export.ErrUnknownTracker) {
		t.Errorf("unknown tracker: %v", err)
	}
	if _, err := export.New(logger, "mlflow", func(string) string { return "" }); err == nil {
		t.Error("mlflow without MLFLOW_TRACKING_URI: want an error")
	}
}
