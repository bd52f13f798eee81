package runssync_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runssync"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

func TestWriteTable(t *testing.T) {
	tests := []struct {
		name    string
		results []runssync.Result
	}{
		{"mixed", []runssync.Result{
			{Run: "20261120-093000-a1b2c3", Tracker: "mlflow", Outcome: "sent", RemoteID: "5d0c8c3f1e"},
			{Run: "20261121-113000-d4e5f6", Tracker: "mlflow", Outcome: "failed", RemoteID: "77aa01", Error: "export run 20261121-113000-d4e5f6 to mlflow: mlflow: POST http://127.0.0.1:5000/api/2.0/mlflow/runs/log-batch: HTTP 503: unavailable"},
			{Run: "20261121-123000-0f0f0f", Tracker: "mlflow", Outcome: "up to date", RemoteID: "1f2e3d"},
		}},
		{"nothing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := runssync.WriteTable(&buf, tt.results); err != nil {
				t.Fatal(err)
			}
			trackingtest.Golden(t, "sync_"+tt.name+"_golden.txt", buf.Bytes())
		})
	}
}

// A reader that goes away (`mlops runs sync | head -1`) is an error, not
// silence.
func TestWriteTableClosedPipe(t *testing.T) {
	trackingtest.CheckClosedPipe(t, func(w io.Writer) error {
		return runssync.WriteTable(w, []runssync.Result{{Run: "r1", Tracker: "mlflow", Outcome: "failed", Error: "HTTP 503"}})
	})
}
