package train

import (
	"errors"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/train"
)

// TestFailures checks the exit decision of a run that produced a result:
// failed models are an error only with --strict. (A run where every model
// failed never gets here: train returns ErrAllFailed, exit 1.)
func TestFailures(t *testing.T) {
	trained := train.ModelResult{Name: "decision_tree", Status: train.StatusTrained}
	failed := train.ModelResult{Name: "svm", Status: train.StatusFailed, Err: errors.New("svm: broken")}
	timedOut := train.ModelResult{Name: "xgboost", Status: train.StatusTimedOut, Err: errors.New("xgboost: timed out")}
	tests := map[string]struct {
		models  []train.ModelResult
		strict  bool
		wantErr string // empty: exit 0
	}{
		"all trained":            {models: []train.ModelResult{trained}},
		"all trained, strict":    {models: []train.ModelResult{trained}, strict: true},
		"one failed":             {models: []train.ModelResult{trained, failed}},
		"one failed, strict":     {models: []train.ModelResult{trained, failed}, strict: true, wantErr: "1 of 2 models failed (--strict): svm failed"},
		"two failed, strict":     {models: []train.ModelResult{failed, trained, timedOut}, strict: true, wantErr: "2 of 3 models failed (--strict): svm failed, xgboost timed out"},
		"one timed out, lenient": {models: []train.ModelResult{timedOut, trained}},
		"one timed out, strict":  {models: []train.ModelResult{timedOut, trained}, strict: true, wantErr: "xgboost timed out"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := failures(&train.Result{Models: tc.models}, tc.strict)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("got error %v, want none (exit 0)", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got error %v, want one containing %q (exit 1)", err, tc.wantErr)
			}
		})
	}
}
