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
	runs := append(trackingtest.Runs(), trackingtest.TuneRuns()...)
	runs[0].Sync = map[string]*tracking.SyncState{"mlflow": {Complete: true}, "wandb": {Complete: false}}
	runs[3].Sync = map[string]*tracking.SyncState{"wandb": {Complete: true}}
	tune := tracking.KindTune
	tests := []struct {
		name   string
		status tracking.Status
		kind   *tracking.Kind
		limit  int
	}{
		{"all", "", nil, 0},
		{"failed", tracking.StatusFailed, nil, 0},
		{"last2", "", nil, 2},
		{"tune", "", &tune, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			list := runs
			if tt.kind != nil {
				list = tracking.FilterKind(list, *tt.kind)
			}
			if err := runslist.WriteTable(&buf, tracking.Filter(list, tt.status, tt.limit)); err != nil {
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
