package scaffold

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/dvcfile"
	"github.com/mlopsgo/mlops/training/internal/dvc/dvctest"
	"github.com/mlopsgo/mlops/training/internal/dvc/pipeline"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/scaffold/generate"
)

const small = "a,b,y\n1,5,p\n2,6,q\n3,7,p\n4,8,q\n5,9,p\n6,1,q\n7,2,p\n8,3,q\n"

var discard = slog.New(slog.DiscardHandler)

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		// setup returns the directory to run in, after writing files.
		setup   func(t *testing.T) string
		opts    Options
		written []string
		kept    bool
		// dvcFile is the tracked .dvc file, relative to the directory;
		// empty when nothing is tracked.
		dvcFile string
		dep     string
	}{
		{name: "plain directory", setup: func(t *testing.T) string {
			dir := t.TempDir()
			dvctest.Write(t, dir, "data/x.csv", small)
			return dir
		}, opts: Options{Data: "data/x.csv"}, written: []string{"params.yaml", "dvc.yaml"}, dep: "data/x.csv"},
		{name: "DVC repository, data in a folder", setup: func(t *testing.T) string {
			dir := newRepo(t)
			dvctest.Write(t, dir, "data/x.csv", small)
			return dir
		}, opts: Options{Data: "data/x.csv"}, written: []string{"params.yaml", "dvc.yaml", "data.dvc", ".gitignore"}, dvcFile: "data.dvc", dep: "data"},
		{name: "DVC repository, data beside params.yaml in a subdirectory", setup: func(t *testing.T) string {
			dir := newRepo(t)
			dvctest.Write(t, dir, "project/x.csv", small)
			return filepath.Join(dir, "project")
		}, opts: Options{Data: "x.csv"}, written: []string{"params.yaml", "dvc.yaml", "x.csv.dvc", ".gitignore"}, dvcFile: "x.csv.dvc", dep: "x.csv"},
		{name: "DVC repository, data at the root", setup: func(t *testing.T) string {
			dir := newRepo(t)
			dvctest.Write(t, dir, "x.csv", small)
			return dir
		}, opts: Options{Data: "x.csv"}, written: []string{"params.yaml", "dvc.yaml", "x.csv.dvc", ".gitignore"}, dvcFile: "x.csv.dvc", dep: "x.csv"},
		{name: "existing dvc.yaml is kept", setup: func(t *testing.T) string {
			dir := t.TempDir()
			dvctest.Write(t, dir, "x.csv", small)
			dvctest.Write(t, dir, "dvc.yaml", "stages: {}\n")
			return dir
		}, opts: Options{Data: "x.csv"}, written: []string{"params.yaml"}, kept: true},
		{name: "force replaces params.yaml and the .dvc file", setup: func(t *testing.T) string {
			dir := newRepo(t)
			dvctest.Write(t, dir, "data/x.csv", small)
			dvctest.Write(t, dir, "params.yaml", "old\n")
			dvctest.Write(t, dir, "data.dvc", "outs:\n- md5: 0123456789abcdef0123456789abcdef.dir\n  path: data\n")
			return dir
		}, opts: Options{Data: "data/x.csv", Force: true}, written: []string{"params.yaml", "dvc.yaml", "data.dvc", ".gitignore"}, dvcFile: "data.dvc", dep: "data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.setup(t)
			tt.opts.Dir = dir
			res, err := Run(t.Context(), discard, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Written, tt.written) || res.PipelineKept != tt.kept {
				t.Errorf("written %q kept %v, want %q %v", res.Written, res.PipelineKept, tt.written, tt.kept)
			}
			p, err := params.Load(filepath.Join(dir, "params.yaml"))
			if err != nil {
				t.Fatalf("params.yaml does not load: %v", err)
			}
			if p.Data.Path != tt.opts.Data || p.Data.Label != "y" || res.Rows != 8 {
				t.Errorf("data %+v, rows %d", p.Data, res.Rows)
			}
			if tt.dvcFile == "" {
				if res.Tracked != nil {
					t.Errorf("tracked %+v, want nothing", res.Tracked)
				}
			} else {
				f, err := dvcfile.Load(filepath.Join(dir, tt.dvcFile))
				if err != nil {
					t.Fatalf("%s: %v", tt.dvcFile, err)
				}
				if res.Tracked == nil || len(f.Outs) != 1 || f.Outs[0].MD5 != res.Tracked.Info.MD5 {
					t.Errorf("tracked %+v, %s holds %+v", res.Tracked, tt.dvcFile, f.Outs)
				}
			}
			if tt.dep != "" {
				proj, err := pipeline.Load(filepath.Join(dir, "dvc.yaml"))
				if err != nil {
					t.Fatalf("dvc.yaml does not parse: %v", err)
				}
				for _, stage := range []string{"validate", "train"} {
					if s := proj.Stage(stage); s == nil || !slices.Contains(s.Deps, tt.dep) {
						t.Errorf("stage %s does not depend on %s", stage, tt.dep)
					}
				}
			}
		})
	}
}

// TestRunWritesNothingOnFailure checks that a refusal or a data problem
// leaves every file as it was.
func TestRunWritesNothingOnFailure(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		repo    bool
		opts    Options
		wantErr error
		want    string
	}{
		{name: "params.yaml exists", files: map[string]string{"params.yaml": "mine\n"}, opts: Options{Data: "data/x.csv"},
			wantErr: fs.ErrExist, want: "params.yaml exists; mlops init does not replace it without --force"},
		{name: "data.dvc exists", files: map[string]string{"data.dvc": "mine\n"}, repo: true, opts: Options{Data: "data/x.csv"},
			wantErr: fs.ErrExist, want: "data.dvc exists"},
		{name: "data problem", opts: Options{Data: "data/x.csv", Drop: []string{"a", "b"}},
			wantErr: generate.ErrNotReady, want: "no feature column is left"},
		{name: "missing file", opts: Options{Data: "data/none.csv"}, wantErr: os.ErrNotExist, want: "open data"},
		{name: "duplicates leave a class too small", files: map[string]string{"data/x.csv": "a,y\n1,p\n1,p\n1,p\n2,q\n3,q\n4,q\n"},
			opts: Options{Data: "data/x.csv"}, want: "training would fail after dropping 2 duplicate rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.repo {
				dir = newRepo(t)
			}
			files := map[string]string{"data/x.csv": small}
			for k, v := range tt.files {
				files[k] = v
			}
			for rel, content := range files {
				dvctest.Write(t, dir, rel, content)
			}
			tt.opts.Dir = dir
			_, err := Run(t.Context(), discard, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Run error %v, want %v containing %q", err, tt.wantErr, tt.want)
			}
			for rel, content := range files {
				if got := dvctest.Read(t, dir, rel); got != content {
					t.Errorf("%s changed to %q", rel, got)
				}
			}
			for _, rel := range []string{"params.yaml", "dvc.yaml", "data.dvc"} {
				if _, ok := files[rel]; !ok {
					if _, err := os.Stat(filepath.Join(dir, rel)); err == nil {
						t.Errorf("%s was written", rel)
					}
				}
			}
		})
	}
}

func newRepo(t *testing.T) string {
	t.Helper()
	dir := dvctest.GitDir(t)
	if _, err := repo.Init(t.Context(), dir, false, discard); err != nil {
		t.Fatal(err)
	}
	return dir
}
