package repo_test

import (
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

func TestChangeString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		change repo.Change
		want   string
	}{
		{repo.Change{Section: repo.ChangedCmd}, "changed cmd"},
		{repo.Change{Section: repo.AlwaysChanged}, "always changed"},
		{repo.Change{Section: repo.NotInLock}, "not in dvc.lock"},
		{repo.Change{Section: repo.ChangedDeps, State: repo.Modified, Path: "data"}, "changed deps: modified: data"},
		{repo.Change{Section: repo.ChangedDeps, State: repo.Removed, Path: "old.csv"}, "changed deps: removed: old.csv"},
		{repo.Change{Section: repo.ChangedOuts, State: repo.NotInCache, Path: "models"}, "changed outs: not in cache: models"},
		{repo.Change{Section: repo.ChangedOuts, State: repo.Legacy, Path: "models"}, "changed outs: legacy hash: models"},
		{repo.Change{Section: repo.ChangedParams, State: repo.New, File: "params.yaml", Path: "cv.folds"}, "changed params: params.yaml: new: cv.folds"},
		{repo.Change{Section: repo.ChangedParams, State: repo.Removed, Path: "params.yaml"}, "changed params: removed: params.yaml"},
	}
	for _, tt := range tests {
		if got := tt.change.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.change, got, tt.want)
		}
	}
}
