package tracking_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/gitcmd/gitcmdtest"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// helperEnv makes the test binary act as a training process (see
// TestMain), so crashes and concurrent writers are real processes.
const helperEnv = "TRACKING_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helper(mode, os.Getenv("TRACKING_TEST_DIR")))
	}
	os.Exit(m.Run())
}

// helper is the body of a helper process:
//   - "abandon": begin a run and exit without ending it (a crash);
//   - "rewrite": begin a run, then rewrite it forever, each record bigger,
//     until killed (a crash in the middle of a write);
//   - "writer":  record 10 runs one after another, each begun and finished.
func helper(mode, dir string) int {
	ctx := context.Background()
	s := tracking.New(slog.New(slog.DiscardHandler), tracking.Options{Dir: dir})
	switch mode {
	case "abandon":
		if _, err := s.Begin(ctx, tracking.Run{Command: []string{"abandon"}}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 3
	case "rewrite":
		r, err := s.Begin(ctx, tracking.Run{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Println("started")
		for i := 0; ; i++ {
			r.Models = append(r.Models, trackingtest.Runs()[0].Models...)
			r.Champion = strconv.Itoa(i)
			if err := s.Save(r); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
	case "writer":
		for range 10 {
			r, err := s.Begin(ctx, tracking.Run{Command: []string{"writer", strconv.Itoa(os.Getpid())}})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			r.Models = trackingtest.Runs()[0].Models
			if err := s.Finish(r); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		return 0
	}
	return 2
}

func helperCmd(t *testing.T, mode, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "TRACKING_TEST_DIR="+dir)
	cmd.Stderr = os.Stderr
	return cmd
}

func newStore(t *testing.T, dir string) *tracking.Store {
	t.Helper()
	return tracking.New(slog.New(slog.DiscardHandler), tracking.Options{Dir: dir, Git: func(context.Context) *tracking.Git { return nil }})
}

func TestBeginFinishFail(t *testing.T) {
	s := newStore(t, filepath.Join(t.TempDir(), "runs"))
	ctx := t.Context()
	ok, err := s.Begin(ctx, tracking.Run{ParamsFile: "params.yaml", Params: map[string]any{"seed": 42}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ok.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != tracking.StatusRunning || got.Process.PID != os.Getpid() || got.End != nil {
		t.Fatalf("begun run: status %q pid %d end %v; want running, pid %d, no end", got.Status, got.Process.PID, got.End, os.Getpid())
	}
	ok.Models = trackingtest.Runs()[0].Models
	if err := s.Finish(ok); err != nil {
		t.Fatal(err)
	}
	bad, err := s.Begin(ctx, tracking.Run{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(bad, errors.New("boom")); err != nil {
		t.Fatal(err)
	}
	runs, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 {
		t.Fatalf("%d runs, want 2", len(runs))
	}
	byID := map[string]*tracking.Run{runs[0].ID: runs[0], runs[1].ID: runs[1]}
	if r := byID[ok.ID]; r.Status != tracking.StatusFinished || r.End == nil || len(r.Models) != 2 || r.Models[0].CV.Values == nil {
		t.Errorf("finished run read back as %+v", r)
	}
	if r := byID[bad.ID]; r.Status != tracking.StatusFailed || r.Error != "boom" {
		t.Errorf("failed run: status %q error %q; want failed, boom", r.Status, r.Error)
	}
	// The record on disk is plain indented JSON a person can read.
	data, err := os.ReadFile(filepath.Join(s.Dir(), ok.ID, tracking.RunFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\n  \"status\": \"finished\",\n") {
		t.Errorf("run.json is not indented JSON:\n%s", data)
	}
}

func TestResolve(t *testing.T) {
	s := trackingtest.Store(t, trackingtest.Runs()...)
	tests := []struct {
		ref, want string
		err       error
	}{
		{"20261120-093000-a1b2c3", "20261120-093000-a1b2c3", nil},
		{"20261120", "20261120-093000-a1b2c3", nil},
		{"latest", "20261121-123000-0f0f0f", nil},
		{"20261121", "", tracking.ErrAmbiguous},
		{"2027", "", tracking.ErrNotFound},
		{"", "", tracking.ErrNotFound},
		{"../etc", "", tracking.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			r, err := s.Resolve(tt.ref)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Resolve(%q) error %v, want %v", tt.ref, err, tt.err)
			}
			if err == nil && r.ID != tt.want {
				t.Fatalf("Resolve(%q) = %s, want %s", tt.ref, r.ID, tt.want)
			}
		})
	}
}

// A run whose process died without ending it is reported failed, and the
// record is rewritten so.
func TestCrashInTheMiddleOfARun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runs")
	cmd := helperCmd(t, "abandon", dir)
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("helper: %v, want exit status 3", err)
	}
	s := newStore(t, dir)
	runs, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("%d runs, want 1", len(runs))
	}
	r := runs[0]
	if r.Status != tracking.StatusFailed || !strings.Contains(r.Error, "exited without finishing") || r.End == nil {
		t.Fatalf("abandoned run: status %q error %q end %v; want failed with a reason and an end", r.Status, r.Error, r.End)
	}
	data, err := os.ReadFile(filepath.Join(dir, r.ID, tracking.RunFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"status": "failed"`) {
		t.Fatalf("the record was not rewritten as failed:\n%s", data)
	}
}

// A process killed while it rewrites its record leaves the previous or the
// next record, whole, never a torn one; its temporary files are ignored.
func TestCrashDuringAWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runs")
	for i := range 5 {
		cmd := helperCmd(t, "rewrite", dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, len("started\n"))
		if _, err := out.Read(buf); err != nil {
			t.Fatal(err)
		}
		// Let it rewrite a while: a different moment of the write cycle
		// each time.
		time.Sleep(time.Duration(20+17*i) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
	}
	s := newStore(t, dir)
	runs, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 5 {
		t.Fatalf("%d readable runs after 5 killed writers, want 5", len(runs))
	}
	for _, r := range runs {
		if r.Status != tracking.StatusFailed {
			t.Errorf("run %s: status %q, want failed", r.ID, r.Status)
		}
		if _, err := strconv.Atoi(r.Champion); r.Champion != "" && err != nil {
			t.Errorf("run %s: torn record (champion %q)", r.ID, r.Champion)
		}
	}
}

// Two processes recording runs into one store at the same time, plus
// goroutines in this one, lose nothing and corrupt nothing.
func TestConcurrentWriters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runs")
	a, b := helperCmd(t, "writer", dir), helperCmd(t, "writer", dir)
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	s := newStore(t, dir)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			r, err := s.Begin(t.Context(), tracking.Run{})
			if err != nil {
				t.Error(err)
				return
			}
			if err := s.Finish(r); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := a.Wait(); err != nil {
		t.Fatalf("writer a: %v", err)
	}
	if err := b.Wait(); err != nil {
		t.Fatalf("writer b: %v", err)
	}
	runs, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 24 {
		t.Fatalf("%d runs, want 24 (10 + 10 + 4)", len(runs))
	}
	seen := map[string]bool{}
	for _, r := range runs {
		if seen[r.ID] {
			t.Errorf("run id %s used twice", r.ID)
		}
		seen[r.ID] = true
		if r.Status != tracking.StatusFinished {
			t.Errorf("run %s: status %q, want finished", r.ID, r.Status)
		}
	}
}

// Update holds the run's lock: concurrent read-modify-writes of one run
// all land.
func TestUpdateIsSerialized(t *testing.T) {
	s := trackingtest.Store(t, trackingtest.Runs()[0])
	id := trackingtest.Runs()[0].ID
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			err := s.Update(t.Context(), id, func(r *tracking.Run) error {
				if r.Sync == nil {
					r.Sync = map[string]*tracking.SyncState{}
				}
				if r.Sync["test"] == nil {
					r.Sync["test"] = &tracking.SyncState{Sent: map[string]int{}}
				}
				r.Sync["test"].Sent["n"]++
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	r, err := s.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Sync["test"].Sent["n"]; got != 20 {
		t.Fatalf("counter %d after 20 concurrent updates, want 20", got)
	}
}

func TestDelete(t *testing.T) {
	runs := trackingtest.Runs()
	s := trackingtest.Store(t, runs...)
	if err := s.Delete(t.Context(), runs[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(runs[0].ID); !errors.Is(err, tracking.ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(t.Context(), "nope"); !errors.Is(err, tracking.ErrNotFound) {
		t.Fatalf("Delete of a missing run: %v, want ErrNotFound", err)
	}
	// A running run whose process is alive is refused.
	live := tracking.New(slog.New(slog.DiscardHandler), tracking.Options{Dir: s.Dir(), Git: func(context.Context) *tracking.Git { return nil }})
	r, err := live.Begin(t.Context(), tracking.Run{})
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Delete(t.Context(), r.ID); !errors.Is(err, tracking.ErrNotEnded) {
		t.Fatalf("Delete of a live run: %v, want ErrNotEnded", err)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"not json", "{", "unexpected EOF"},
		{"unknown field", `{"format":1,"id":"x","status":"finished","bogus":1}`, "unknown field"},
		{"future format", `{"format":2,"id":"x","status":"finished"}`, "format 2"},
		{"no id", `{"format":1,"status":"finished"}`, "no id"},
		{"bad status", `{"format":1,"id":"x","status":"paused"}`, "unknown status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tracking.Parse("run.json", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestGitInfo(t *testing.T) {
	if g := tracking.GitInfo(t.Context(), t.TempDir()); g != nil {
		t.Fatalf("outside a repository: %+v, want nil", g)
	}
	dir := gitcmdtest.Repo(t)
	if g := tracking.GitInfo(t.Context(), dir); g != nil {
		t.Fatalf("repository without a commit: %+v, want nil", g)
	}
	gitcmdtest.Commit(t, dir, map[string]string{"a.txt": "a"}, "a")
	g := tracking.GitInfo(t.Context(), dir)
	if g == nil || len(g.Commit) != 40 || g.Branch != "main" || g.Dirty {
		t.Fatalf("clean repository: %+v, want a commit on main, not dirty", g)
	}
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("b"), 0o644)
	if g := tracking.GitInfo(t.Context(), dir); g == nil || !g.Dirty {
		t.Fatalf("modified file: %+v, want dirty", g)
	}
}

// A process id reused by another process does not keep a dead run
// "running": the recorded start time differs.
func TestReusedPIDIsNotTheOwner(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	s := newStore(t, filepath.Join(t.TempDir(), "runs"))
	r, err := s.Begin(t.Context(), tracking.Run{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Process.Started == "" {
		t.Fatal("the run does not record its process's start time")
	}
	if got, _ := s.Get(r.ID); got.Status != tracking.StatusRunning {
		t.Fatalf("a live run reads back as %s", got.Status)
	}
	// Pretend the recorded owner started at another time: this process
	// then merely reuses its id.
	r.Process.Started = "1"
	if err := s.Save(r); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(r.ID); got.Status != tracking.StatusFailed {
		t.Fatalf("a run whose pid was reused reads back as %s, want failed", got.Status)
	}
}
