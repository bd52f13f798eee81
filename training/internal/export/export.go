// Package export sends recorded runs to a remote experiment tracker
// (MLflow or Weights & Biases) and keeps, in each run's record, what the
// tracker already has, so an interrupted export resumes where it stopped.
//
// A tracker failure never loses a run: the run stays in the local store,
// its sync state says what failed, and `mlops runs sync` tries again.
package export

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/mlopsgo/mlops/training/internal/export/mlflow"
	"github.com/mlopsgo/mlops/training/internal/export/wandb"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// Exporter sends one run to one tracker.
type Exporter interface {
	// Name is the tracker's name, the key of the run's sync state.
	Name() string
	// Export sends what state says the tracker does not have yet, updating
	// state as it goes and calling save after each step the tracker
	// accepted, so a failure part-way loses no progress. It sets
	// state.Complete when the whole run is there.
	Export(ctx context.Context, run *tracking.Run, state *tracking.SyncState, save func() error) error
}

var (
	_ Exporter = (*mlflow.Exporter)(nil)
	_ Exporter = (*wandb.Exporter)(nil)
)

// Trackers are the names New accepts.
var Trackers = []string{mlflow.Name, wandb.Name}

// TrackerEnv names the default tracker when no --tracker flag is given.
const TrackerEnv = "MLOPS_TRACKER"

// ErrUnknownTracker is returned by New for a name not in Trackers.
var ErrUnknownTracker = errors.New("export: unknown tracker")

// New returns the exporter for tracker, configured from the environment
// through getenv (MLFLOW_* or WANDB_* variables; see each package's
// ConfigFromEnv).
func New(logger *slog.Logger, tracker string, getenv func(string) string) (Exporter, error) {
	switch tracker {
	case mlflow.Name:
		cfg, err := mlflow.ConfigFromEnv(getenv)
		if err != nil {
			return nil, err
		}
		return mlflow.New(logger, cfg), nil
	case wandb.Name:
		cfg, err := wandb.ConfigFromEnv(getenv)
		if err != nil {
			return nil, err
		}
		return wandb.New(logger, cfg), nil
	}
	return nil, fmt.Errorf("%w %q; use one of: %s", ErrUnknownTracker, tracker, strings.Join(Trackers, ", "))
}

// Outcome says what Sync did with one run.
type Outcome string

// The outcomes of Sync.
const (
	Sent       Outcome = "sent"
	UpToDate   Outcome = "up to date"
	NotEnded   Outcome = "skipped (still running)"
	SendFailed Outcome = "failed"
)

// Sync exports the run id with exp while holding the run's lock, so two
// syncs of one run do not both send it. Progress is saved into the run
// after each accepted step; a failure is recorded in the run's sync state
// (LastError) and returned. A run already complete on the tracker is not
// sent again; one still running is skipped.
func Sync(ctx context.Context, logger *slog.Logger, store *tracking.Store, id string, exp Exporter, now func() time.Time) (Outcome, error) {
	outcome := SendFailed
	var exportErr error
	err := store.Update(ctx, id, func(r *tracking.Run) error {
		if !r.Ended() {
			outcome = NotEnded
			return nil
		}
		if r.Sync == nil {
			r.Sync = map[string]*tracking.SyncState{}
		}
		st := r.Sync[exp.Name()]
		if st == nil {
			st = &tracking.SyncState{}
			r.Sync[exp.Name()] = st
		}
		if st.Complete {
			outcome = UpToDate
			return nil
		}
		save := func() error { return store.Save(r) }
		exportErr = exp.Export(ctx, r, st, save)
		if exportErr != nil {
			st.LastError = exportErr.Error()
			// Saved by Update: the failure is part of the record.
			return nil
		}
		t := now().UTC()
		st.SyncedAt, st.LastError, outcome = &t, "", Sent
		return nil
	})
	if err != nil {
		return SendFailed, err
	}
	if exportErr != nil {
		logger.Warn("export failed; the run stays in the local store, unsynced", "run", id, "tracker", exp.Name(), "err", exportErr)
		return SendFailed, fmt.Errorf("export run %s to %s: %w", id, exp.Name(), exportErr)
	}
	return outcome, nil
}

// Unsynced returns the ended runs not yet complete on tracker, oldest
// first.
func Unsynced(runs []*tracking.Run, tracker string) []*tracking.Run {
	return slices.DeleteFunc(slices.Clone(runs), func(r *tracking.Run) bool {
		return !r.Ended() || r.Synced(tracker)
	})
}
