package metricsfile_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/gitcmd/gitcmdtest"
	"github.com/mlopsgo/mlops/training/internal/metricsfile"
)

func TestLoadRevision(t *testing.T) {
	dir := gitcmdtest.Repo(t)
	committed := &metricsfile.File{Champion: "m", Models: map[string]metricsfile.Model{"m": {CV: metricsfile.CV{AccuracyMean: 0.96}}}}
	data, err := json.Marshal(committed)
	if err != nil {
		t.Fatal(err)
	}
	gitcmdtest.Commit(t, dir, map[string]string{"sub/metrics.json": string(data), "other.txt": "x"}, "metrics")
	// Changed on disk after the commit: the revision's copy must be read.
	if err := metricsfile.Write(filepath.Join(dir, "sub", "metrics.json"), &metricsfile.File{Champion: "n", Models: map[string]metricsfile.Model{"n": {}}}); err != nil {
		t.Fatal(err)
	}
	if err := metricsfile.Write(filepath.Join(dir, "sub", "new.json"), committed); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, rev, path string
		wantChampion         string // "": want nil
		wantErr              string
	}{
		{"at HEAD from the root", dir, "HEAD", "sub/metrics.json", "m", ""},
		{"relative to the directory git runs in", filepath.Join(dir, "sub"), "HEAD", "metrics.json", "m", ""},
		{"absent at the revision", dir, "HEAD", "missing.json", "", ""},
		{"on disk but not committed", dir, "HEAD", "sub/new.json", "", ""},
		{"unknown revision", dir, "no-such-branch", "sub/metrics.json", "", "no-such-branch"},
		{"not metrics", dir, "HEAD", "other.txt", "", "parse metrics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := metricsfile.LoadRevision(t.Context(), tt.dir, tt.rev, tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadRevision(%s, %s) error %v, want one containing %q", tt.rev, tt.path, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadRevision(%s, %s): %v", tt.rev, tt.path, err)
			}
			switch {
			case tt.wantChampion == "" && f != nil:
				t.Fatalf("LoadRevision(%s, %s) = %+v, want nil", tt.rev, tt.path, f)
			case tt.wantChampion != "" && (f == nil || f.Champion != tt.wantChampion):
				t.Fatalf("LoadRevision(%s, %s) = %+v, want champion %q", tt.rev, tt.path, f, tt.wantChampion)
			}
		})
	}
}
