package runsdelete_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsdelete"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// A reader that goes away (`mlops runs delete --failed | head -1`) is an
// error, not silence; the runs are deleted all the same up to there.
func TestDeleteClosedPipe(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	tests := []struct {
		name   string
		failed int // failed runs in the store
	}{
		{"deleted lines", 2},
		{"no failed runs line", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "runs")
			store := tracking.New(logger, tracking.Options{Dir: dir, Git: func(context.Context) *tracking.Git { return nil }})
			for range tt.failed {
				r, err := store.Begin(t.Context(), tracking.Run{})
				if err != nil {
					t.Fatal(err)
				}
				if err := store.Fail(r, errors.New("boom")); err != nil {
					t.Fatal(err)
				}
			}
			cmd := runsdelete.NewCommand(logger, streams.Streams{Out: &trackingtest.ClosedPipe{}, ErrOut: io.Discard})
			cmd.SetArgs([]string{"--failed", "--runs-dir", dir})
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			if err := cmd.ExecuteContext(t.Context()); !errors.Is(err, io.ErrClosedPipe) {
				t.Fatalf("error %v, want io.ErrClosedPipe", err)
			}
		})
	}
}
