package repro_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/dvctest"
	"github.com/mlopsgo/mlops/training/internal/dvc/pipeline"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/dvc/repro"
)

// The test pipeline: gen depends on param a, join on gen's output and
// param b; every command appends its stage name to $RUNLOG, so the tests
// can tell a run from a restore.
const dvcYAML = `stages:
  gen:
    cmd: echo gen >> "$RUNLOG" && grep '^a:' params.yaml > a.txt
    deps:
    - data/in.txt
    params:
    - a
    outs:
    - a.txt
  join:
    cmd: echo join >> "$RUNLOG" && mkdir -p out && cat a.txt data/in.txt > out/joined.txt
      && grep '^b:' params.yaml > out/b.txt && printf '{"n":1}' > metrics.json && test -z "$FAIL_JOIN"
    deps:
    - a.txt
    - data/in.txt
    params:
    - b
    outs:
    - out
    metrics:
    - metrics.json:
        cache: false
`

var (
	git   = dvctest.Git
	write = dvctest.Write
	read  = dvctest.Read
)

type fixture struct {
	dir    string
	runlog string
	r      *repo.Repo
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := dvctest.GitDir(t)
	write(t, dir, "params.yaml", "a: 1\nb: 1\n")
	write(t, dir, "data/in.txt", "input\n")
	write(t, dir, "dvc.yaml", dvcYAML)
	r, err := repo.Init(t.Context(), dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{dir: dir, runlog: filepath.Join(t.TempDir(), "runs.log"), r: r}
}

func (f *fixture) run(t *testing.T, extraEnv ...string) ([]repro.StageResult, error) {
	t.Helper()
	env := append(os.Environ(), "RUNLOG="+f.runlog)
	env = append(env, extraEnv...)
	return repro.Run(t.Context(), f.r, repro.Options{Env: env})
}

func (f *fixture) mustRun(t *testing.T) map[string]repro.Outcome {
	t.Helper()
	res, err := f.run(t)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]repro.Outcome{}
	for _, r := range res {
		out[r.Name] = r.Outcome
	}
	return out
}

// runs returns and clears the commands run since the last call.
func (f *fixture) runs(t *testing.T) []string {
	t.Helper()
	b, _ := os.ReadFile(f.runlog)
	os.Remove(f.runlog)
	return strings.Fields(string(b))
}

func TestPipeline(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if got := f.mustRun(t); got["gen"] != repro.Ran || got["join"] != repro.Ran {
		t.Fatalf("first run: %v, want both stages to run", got)
	}
	if got := f.runs(t); !slices.Equal(got, []string{"gen", "join"}) {
		t.Fatalf("commands run: %v, want gen then join", got)
	}
	lock1 := read(t, f.dir, "dvc.lock")
	if !strings.HasPrefix(lock1, "schema: '2.0'\nstages:\n  gen:\n") {
		t.Fatalf("dvc.lock:\n%s", lock1)
	}

	t.Run("nothing reruns when nothing changed", func(t *testing.T) {
		got := f.mustRun(t)
		if got["gen"] != repro.Skipped || got["join"] != repro.Skipped {
			t.Errorf("outcomes %v, want both skipped", got)
		}
		if runs := f.runs(t); len(runs) != 0 {
			t.Errorf("commands run: %v, want none", runs)
		}
		if lock := read(t, f.dir, "dvc.lock"); lock != lock1 {
			t.Errorf("dvc.lock changed:\n%s", lock)
		}
	})

	t.Run("changing a param reruns only the stages that depend on it", func(t *testing.T) {
		write(t, f.dir, "params.yaml", "a: 1\nb: 2\n")
		st, err := repro.Status(t.Context(), f.r, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			want := s.Name == "join"
			if s.Changed() != want {
				t.Errorf("status of %s: %v, want changed=%v", s.Name, s.Changes, want)
			}
			param := repo.Change{Section: repo.ChangedParams, State: repo.Modified, File: "params.yaml", Path: "b"}
			if want && !slices.Contains(s.Changes, param) {
				t.Errorf("status of join: %v, want %+v", s.Changes, param)
			}
		}
		got := f.mustRun(t)
		if got["gen"] != repro.Skipped || got["join"] != repro.Ran {
			t.Errorf("outcomes %v, want gen skipped and join run", got)
		}
		if runs := f.runs(t); !slices.Equal(runs, []string{"join"}) {
			t.Errorf("commands run: %v, want only join", runs)
		}
		if b := read(t, f.dir, "out/b.txt"); b != "b: 2\n" {
			t.Errorf("out/b.txt = %q", b)
		}
	})

	t.Run("reverting restores outputs from the cache without running", func(t *testing.T) {
		write(t, f.dir, "params.yaml", "a: 1\nb: 1\n")
		got := f.mustRun(t)
		if got["join"] != repro.Restored {
			t.Errorf("join: %v, want restored", got["join"])
		}
		if runs := f.runs(t); len(runs) != 0 {
			t.Errorf("commands run: %v, want none", runs)
		}
		if b := read(t, f.dir, "out/b.txt"); b != "b: 1\n" {
			t.Errorf("out/b.txt = %q, want the first run's", b)
		}
		if lock := read(t, f.dir, "dvc.lock"); lock != lock1 {
			t.Errorf("dvc.lock after revert:\n%s\nwant the first run's:\n%s", lock, lock1)
		}
	})

	t.Run("a failing stage changes nothing", func(t *testing.T) {
		before := map[string]string{}
		for _, p := range []string{"dvc.lock", "out/b.txt", "out/joined.txt", "metrics.json", "a.txt"} {
			before[p] = read(t, f.dir, p)
		}
		write(t, f.dir, "params.yaml", "a: 1\nb: 3\n")
		_, err := f.run(t, "FAIL_JOIN=1")
		if err == nil || !strings.Contains(err.Error(), "join") {
			t.Fatalf("run error = %v, want the join stage's failure", err)
		}
		f.runs(t)
		for p, want := range before {
			if got := read(t, f.dir, p); got != want {
				t.Errorf("%s changed by a failed run: %q, want %q", p, got, want)
			}
		}
		if left, _ := filepath.Glob(filepath.Join(f.dir, ".dvc", "tmp", "repro-*")); len(left) > 0 {
			t.Errorf("backups left behind: %v", left)
		}
		write(t, f.dir, "params.yaml", "a: 1\nb: 1\n")
	})

	t.Run("deleted outputs come back from the cache", func(t *testing.T) {
		os.RemoveAll(filepath.Join(f.dir, "out"))
		got := f.mustRun(t)
		if got["join"] != repro.Restored || len(f.runs(t)) != 0 {
			t.Errorf("join: %v, want restored without running", got["join"])
		}
		if read(t, f.dir, "out/b.txt") != "b: 1\n" {
			t.Error("out/b.txt not restored")
		}
	})

	t.Run("outputs are git-ignored as dvc does", func(t *testing.T) {
		gi := read(t, f.dir, ".gitignore")
		if gi != "/a.txt\n/out\n" {
			t.Errorf(".gitignore = %q, want the cached outputs (not the cache: false metric)", gi)
		}
	})
}

// A clone of the committed repository, with an empty cache, reproduces
// the committed dvc.lock exactly and leaves the work tree clean.
func TestFreshCloneReproducesLock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustRun(t)
	git(t, f.dir, "add", "-A")
	git(t, f.dir, "commit", "-q", "-m", "pipeline")
	committed := read(t, f.dir, "dvc.lock")

	clone := filepath.Join(t.TempDir(), "clone")
	git(t, filepath.Dir(clone), "clone", "-q", f.dir, clone)
	if _, err := os.Stat(filepath.Join(clone, "out")); !os.IsNotExist(err) {
		t.Fatal("outputs are in git; they must be ignored")
	}
	r, err := repo.Find(clone, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := repro.Run(t.Context(), r, repro.Options{Env: append(os.Environ(), "RUNLOG="+f.runlog)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res {
		if s.Outcome != repro.Ran {
			t.Errorf("%s: %v, want run (the clone has no cache)", s.Name, s.Outcome)
		}
	}
	if got := read(t, clone, pipeline.LockFileName); got != committed {
		t.Errorf("dvc.lock in the clone:\n%s\nwant the committed one:\n%s", got, committed)
	}
	if st := git(t, clone, "status", "--porcelain"); st != "" {
		t.Errorf("work tree not clean after the run:\n%s", st)
	}
}

func TestStatusReasons(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	st, err := repro.Status(t.Context(), f.r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[0].Name != "gen" || !slices.Equal(st[0].Changes, []repo.Change{{Section: repo.NotInLock}}) {
		t.Fatalf("status before any run: %+v", st)
	}
	f.mustRun(t)
	write(t, f.dir, "data/in.txt", "other\n")
	os.Remove(filepath.Join(f.dir, "a.txt"))
	st, err = repro.Status(t.Context(), f.r, []string{"gen"})
	if err != nil {
		t.Fatal(err)
	}
	want := []repo.Change{
		{Section: repo.ChangedDeps, State: repo.Modified, Path: "data/in.txt"},
		{Section: repo.ChangedOuts, State: repo.Deleted, Path: "a.txt"},
	}
	if len(st) != 1 || !slices.Equal(st[0].Changes, want) {
		t.Errorf("status of gen: %+v, want %v", st, want)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res, err := repro.Run(t.Context(), f.r, repro.Options{Dry: true, Env: append(os.Environ(), "RUNLOG="+f.runlog)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Outcome != repro.WouldRun {
		t.Errorf("dry run: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "dvc.lock")); !os.IsNotExist(err) {
		t.Error("a dry run wrote dvc.lock")
	}
	if b, _ := os.ReadFile(f.runlog); len(bytes.TrimSpace(b)) > 0 {
		t.Errorf("a dry run ran %q", b)
	}
}
