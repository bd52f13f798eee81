package runslist_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runslist"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

func TestWriteTable(t *testing.T) {
	runs := trackingtest.Runs()
	runs[0].Sync = map[string]*tracking.SyncState{"mlflow": {Complete: true}, "wandb": {Complete: false}}
	tests := []struct {
		name   string
		status tracking.Status
		limit  int
	}{
		{"all", "", 0},
		{"failed", tracking.StatusFailed, 0},
		{"last2", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := runslist.WriteTable(&buf, tracking.Filter(runs, tt.status, tt.limit)); err != nil {
				t.Fatal(err)
			}
			trackingtest.Golden(t, "list_"+tt.name+"_golden.txt", buf.Bytes())
		})
	}
}

// A reader that goes away (`mlops runs list | head -1`) is an error, not
// silence.
func TestWriteTableClosedPipe(t *testing.T) {
	trackingtest.CheckClosedPipe(t, func(w io.Writer) error { return runslist.WriteTable(w, trackingtest.Runs()) })
}
