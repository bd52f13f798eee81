package runsshow_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsshow"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

func TestWrite(t *testing.T) {
	runs := trackingtest.Runs()
	runs[1].Sync = map[string]*tracking.SyncState{"mlflow": {URL: "http://127.0.0.1:5000", RemoteID: "0a1b2c", Complete: false, LastError: "mlflow: POST runs/log-batch: HTTP 503"}}
	// A run where one model warned and one timed out.
	models := trackingtest.Runs()[0]
	models.Models[0].Warnings = []string{"logreg: L-BFGS failed to converge after 57 iterations"}
	models.Models = append(models.Models, tracking.Model{Name: "xgboost", Status: tracking.ModelTimedOut, Error: "xgboost: timed out after 1m0s"})
	tune := trackingtest.TuneRuns()
	// A tuning run where one model failed, bounded by time.
	tuneFailed := trackingtest.TuneRuns()[0]
	tuneFailed.Tune.Trials, tuneFailed.Tune.TimeBudgetSeconds, tuneFailed.Tune.Pruning = 0, 120, false
	tuneFailed.Tune.Models[1] = tracking.TunedModel{Name: "svm", Status: tracking.ModelFailed, Error: "tune svm: the final search completed no trial"}
	cases := map[string]*tracking.Run{
		"finished": runs[0], "synced": runs[1], "failed": runs[2], "model_failures": models,
		"tune": tune[0], "tune_applied": tune[1], "tune_model_failed": tuneFailed,
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := runsshow.Write(&buf, run); err != nil {
				t.Fatal(err)
			}
			trackingtest.Golden(t, "show_"+name+"_golden.txt", buf.Bytes())
		})
	}
}

// A reader that goes away (`mlops runs show | head -1`) is an error, not
// silence.
func TestWriteClosedPipe(t *testing.T) {
	runs := trackingtest.Runs()
	// With a sync state the page ends with lines outside any table.
	runs[1].Sync = map[string]*tracking.SyncState{"mlflow": {URL: "http://127.0.0.1:5000", LastError: "HTTP 503"}}
	for i, name := range []string{"finished", "synced", "failed"} {
		t.Run(name, func(t *testing.T) {
			trackingtest.CheckClosedPipe(t, func(w io.Writer) error { return runsshow.Write(w, runs[i]) })
		})
	}
}
