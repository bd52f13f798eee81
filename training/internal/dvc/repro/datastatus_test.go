package repro_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/dvc/repro"
)

func TestDataStatus(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	write(t, f.dir, "extra.txt", "extra\n")
	if _, err := f.r.Add(t.Context(), []string{filepath.Join(f.dir, "extra.txt")}); err != nil {
		t.Fatal(err)
	}
	notInLock := []repo.Change{{Section: repo.NotInLock}}
	extraModified := repro.StageStatus{Name: "extra.txt.dvc", Changes: []repo.Change{{Section: repo.ChangedOuts, State: repo.Modified, Path: "extra.txt"}}}
	steps := []struct {
		name    string
		setup   func(t *testing.T)
		targets []string
		want    []repro.StageStatus
		wantErr string
	}{
		{name: "stages not run yet", want: []repro.StageStatus{
			{Name: "gen", Changes: notInLock},
			{Name: "join", Changes: append(notInLock, repo.Change{Section: repo.ChangedDeps, State: repo.Deleted, Path: "a.txt"})},
		}},
		{name: "up to date after a run", setup: func(t *testing.T) { f.mustRun(t) }},
		{
			name:  "a modified .dvc output comes first",
			setup: func(t *testing.T) { write(t, f.dir, "extra.txt", "changed\n"); write(t, f.dir, "a.txt", "edited\n") },
			want: []repro.StageStatus{
				extraModified,
				{Name: "gen", Changes: []repo.Change{{Section: repo.ChangedOuts, State: repo.Modified, Path: "a.txt"}}},
				{Name: "join", Changes: []repo.Change{{Section: repo.ChangedDeps, State: repo.Modified, Path: "a.txt"}}},
			},
		},
		{name: "a .dvc target selects no stage", targets: []string{"extra.txt.dvc"}, want: []repro.StageStatus{extraModified}},
		{
			name: "a stage's output selects its stage", targets: []string{"a.txt"},
			want: []repro.StageStatus{{Name: "gen", Changes: []repo.Change{{Section: repo.ChangedOuts, State: repo.Modified, Path: "a.txt"}}}},
		},
		{
			name:    "a malformed dvc.yaml is reported",
			setup:   func(t *testing.T) { write(t, f.dir, "dvc.yaml", "stages:\n  gen: [\n") },
			wantErr: filepath.Join(f.dir, "dvc.yaml"),
		},
		{name: "a malformed dvc.yaml is reported with a .dvc target", targets: []string{"extra.txt.dvc"}, wantErr: filepath.Join(f.dir, "dvc.yaml")},
		{
			name: "no dvc.yaml: only .dvc files",
			setup: func(t *testing.T) {
				os.Remove(filepath.Join(f.dir, "dvc.yaml"))
				os.Remove(filepath.Join(f.dir, "dvc.lock"))
			},
			want: []repro.StageStatus{extraModified},
		},
	}
	for _, st := range steps {
		if st.setup != nil {
			st.setup(t)
		}
		got, err := repro.DataStatus(t.Context(), f.r, st.targets)
		if st.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), st.wantErr) {
				t.Errorf("%s: error %v, want one naming %s", st.name, err, st.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if !slices.EqualFunc(got, st.want, func(a, b repro.StageStatus) bool {
			return a.Name == b.Name && a.Frozen == b.Frozen && slices.Equal(a.Changes, b.Changes)
		}) {
			t.Errorf("%s: DataStatus(%q) =\n%+v\nwant\n%+v", st.name, st.targets, got, st.want)
		}
	}
}
