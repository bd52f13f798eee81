package wandb_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/export/wandb"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// TestTrialLinesScores checks each history row's scores against its
// trial: trial/score the mean inner accuracy and trial/log_loss the mean
// inner log loss, both absent for an infeasible trial, and the log loss
// absent for a run recorded before trials kept it.
func TestTrialLinesScores(t *testing.T) {
	for _, run := range []*tracking.Run{trackingtest.TuneRunFixture("with-log-loss", time.Unix(0, 0)), trackingtest.TuneRuns()[0]} {
		checkTrialLines(t, run)
	}
}

func checkTrialLines(t *testing.T, run *tracking.Run) {
	t.Helper()
	for i := range run.Tune.Models {
		m := &run.Tune.Models[i]
		lines, err := wandb.TrialLines(run, m)
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		for _, s := range m.Searches {
			for _, tr := range s.Trials {
				var row map[string]any
				if err := json.Unmarshal([]byte(lines[k]), &row); err != nil {
					t.Fatal(err)
				}
				k++
				score, hasScore := row["trial/score"]
				loss, hasLoss := row["trial/log_loss"]
				if tr.State == "infeasible" {
					if hasScore || hasLoss {
						t.Errorf("%s trial %d (infeasible): score %v, log loss %v", m.Name, tr.Number, score, loss)
					}
					continue
				}
				if want := mean(tr.Scores); !hasScore || score != want {
					t.Errorf("%s trial %d: trial/score %v, want %v", m.Name, tr.Number, score, want)
				}
				if len(tr.LogLosses) == 0 {
					if hasLoss {
						t.Errorf("%s trial %d: trial/log_loss %v without log losses", m.Name, tr.Number, loss)
					}
				} else if want := mean(tr.LogLosses); !hasLoss || loss != want {
					t.Errorf("%s trial %d: trial/log_loss %v, want %v", m.Name, tr.Number, loss, want)
				}
			}
		}
	}
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
