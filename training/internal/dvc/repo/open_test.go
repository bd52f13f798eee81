package repo_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	dir, _ := newRepo(t)
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	tests := []struct {
		name      string
		env       repo.Env
		wantErr   string
		wantStyle *bool
	}{
		{name: "root", env: repo.Env{Dir: dir}},
		{name: "subdirectory", env: repo.Env{Dir: sub}},
		{name: "path style on", env: repo.Env{Dir: dir, Vars: []string{"HOME=/x", repo.S3PathStyleEnv + "=true"}}, wantStyle: &yes},
		{name: "last assignment wins", env: repo.Env{Dir: dir, Vars: []string{repo.S3PathStyleEnv + "=true", repo.S3PathStyleEnv + "=0"}}, wantStyle: &no},
		{name: "path style bad", env: repo.Env{Dir: dir, Vars: []string{repo.S3PathStyleEnv + "=maybe"}}, wantErr: `MLOPS_S3_PATH_STYLE="maybe": want true or false`},
		{name: "no dir", env: repo.Env{}, wantErr: "Env.Dir is required"},
		{name: "outside a repository", env: repo.Env{Dir: t.TempDir()}, wantErr: repo.ErrNotRepo.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := repo.Open(tt.env, nil, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open: error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Root != dir || r.Dir != tt.env.Dir {
				t.Errorf("Root, Dir = %s, %s; want %s, %s", r.Root, r.Dir, dir, tt.env.Dir)
			}
			if (r.S3PathStyle == nil) != (tt.wantStyle == nil) || (r.S3PathStyle != nil && *r.S3PathStyle != *tt.wantStyle) {
				t.Errorf("S3PathStyle = %v, want %v", r.S3PathStyle, tt.wantStyle)
			}
		})
	}
	if _, err := repo.Open(repo.Env{Dir: t.TempDir()}, nil, nil); !errors.Is(err, repo.ErrNotRepo) {
		t.Errorf("Open outside a repository: %v, want ErrNotRepo", err)
	}
}

// Relative paths given to the repository are relative to Env.Dir, never
// to the process's working directory.
func TestRelativeToDir(t *testing.T) {
	t.Parallel()
	dir, _ := newRepo(t)
	write(t, dir, "sub/file.txt", "x")
	r, err := repo.Open(repo.Env{Dir: filepath.Join(dir, "sub")}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"file.txt":                    "sub/file.txt",
		"../top.txt":                  "top.txt",
		".":                           "sub",
		filepath.Join(dir, "abs.txt"): "abs.txt",
	} {
		if got, err := r.Rel(path); err != nil || got != want {
			t.Errorf("Rel(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
	if _, err := r.Rel("../.."); err == nil {
		t.Error("Rel of a path above the root succeeded")
	}
	res, err := r.Add(t.Context(), []string{"file.txt"})
	if err != nil || len(res) != 1 || res[0].DvcFile != "sub/file.txt.dvc" {
		t.Fatalf("Add(file.txt) from sub = %+v, %v; want sub/file.txt.dvc", res, err)
	}
	if err := r.AddRemote("store", "../store", false, false, false); err != nil {
		t.Fatal(err)
	}
	if got := read(t, dir, ".dvc/config"); !strings.Contains(got, "url = ../store\n") {
		t.Errorf(".dvc/config = %q, want the remote stored relative to .dvc (../store)", got)
	}
}
