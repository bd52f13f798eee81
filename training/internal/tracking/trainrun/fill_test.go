package trainrun_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trainrun"
	"github.com/mlopsgo/mlops/training/internal/train"
)

// TestRecordModelOutcomes checks that each model's status, failure reason
// and warnings reach the run record, for a run with a failed model (the
// run finished) and for one where every model failed (the run failed).
func TestRecordModelOutcomes(t *testing.T) {
	warned := train.ModelResult{Name: "logistic_regression", Status: train.StatusTrained,
		Warnings: []string{"logreg: L-BFGS failed to converge after 57 iterations"}}
	failed := train.ModelResult{Name: "svm", Status: train.StatusFailed, Err: errors.New("fit svm: broken")}
	timedOut := train.ModelResult{Name: "xgboost", Status: train.StatusTimedOut, Err: errors.New("xgboost: timed out after 1s")}
	tests := map[string]struct {
		res        *train.Result
		err        error
		wantStatus tracking.Status
		want       []tracking.Model
	}{
		"one model failed": {
			res:        &train.Result{Champion: warned.Name, Models: []train.ModelResult{warned, failed}},
			wantStatus: tracking.StatusFinished,
			want: []tracking.Model{
				{Name: warned.Name, Status: tracking.ModelTrained, Warnings: warned.Warnings},
				{Name: "svm", Status: tracking.ModelFailed, Error: "fit svm: broken"},
			},
		},
		"every model failed": {
			res: &train.Result{Models: []train.ModelResult{failed, timedOut}}, err: train.ErrAllFailed,
			wantStatus: tracking.StatusFailed,
			want: []tracking.Model{
				{Name: "svm", Status: tracking.ModelFailed, Error: "fit svm: broken"},
				{Name: "xgboost", Status: tracking.ModelTimedOut, Error: "xgboost: timed out after 1s"},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			opts := options(t)
			_, err := trainrun.Run(t.Context(), logger, opts, func(context.Context) (*train.Result, error) { return tc.res, tc.err })
			if !errors.Is(err, tc.err) {
				t.Fatalf("Run error %v, want %v", err, tc.err)
			}
			runs := listRuns(t, opts.RunsDir)
			if len(runs) != 1 || runs[0].Status != tc.wantStatus {
				t.Fatalf("got %d runs (first %+v), want one %s", len(runs), runs, tc.wantStatus)
			}
			got := runs[0].Models
			if len(got) != len(tc.want) {
				t.Fatalf("recorded %d models, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Name != w.Name || g.Status != w.Status || g.Error != w.Error || !slices.Equal(g.Warnings, w.Warnings) {
					t.Errorf("model %d: got %s %q %q %q, want %s %q %q %q", i, g.Name, g.Status, g.Error, g.Warnings, w.Name, w.Status, w.Error, w.Warnings)
				}
			}
		})
	}
}
