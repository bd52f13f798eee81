package data_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli"
)

func mlops(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.Main(t.Context(), args, cli.Streams{Out: &out, ErrOut: &errOut}); code != 0 {
		t.Fatalf("mlops %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

func mlopsFails(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := cli.Main(t.Context(), args, cli.Streams{Out: &out, ErrOut: &errOut}); code == 0 {
		t.Fatalf("mlops %s succeeded, want a failure\n%s", strings.Join(args, " "), out.String())
	}
	return errOut.String()
}

func git(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// A whole session through the command line: the steps the README shows.
func TestSession(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	git(t, "init", "-q")
	if err := os.MkdirAll("data", 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile("data/foo", []byte("foo"), 0o644)
	os.WriteFile("data/bar", []byte("bar"), 0o644)

	out, _ := mlops(t, "data", "init")
	if !strings.Contains(out, "Initialized DVC repository") {
		t.Errorf("init output: %q", out)
	}
	out, _ = mlops(t, "data", "add", "data")
	if !strings.Contains(out, "git add data.dvc .gitignore") {
		t.Errorf("add output: %q", out)
	}
	if out, _ = mlops(t, "data", "status"); out != "Data and pipelines are up to date.\n" {
		t.Errorf("status: %q", out)
	}
	os.WriteFile("data/foo", []byte("changed"), 0o644)
	out, _ = mlops(t, "data", "status")
	if want := "data.dvc:\n\tchanged outs:\n\t\tmodified:           data\n"; out != want {
		t.Errorf("status:\n%q\nwant:\n%q", out, want)
	}
	mlopsFails(t, "data", "checkout")
	mlops(t, "data", "checkout", "--force")

	store := filepath.Join(t.TempDir(), "store")
	mlops(t, "data", "remote", "add", "-d", "store", store)
	if out, _ = mlops(t, "data", "remote", "list"); out != "store\t"+store+"\t(default)\n" {
		t.Errorf("remote list: %q", out)
	}
	if out, _ = mlops(t, "data", "push"); out != "3 files pushed\n" {
		t.Errorf("push: %q", out)
	}
	if out, _ = mlops(t, "data", "push"); out != "Everything is up to date.\n" {
		t.Errorf("second push: %q", out)
	}
	if out, _ = mlops(t, "data", "status", "--cloud"); !strings.Contains(out, "in sync") {
		t.Errorf("status --cloud: %q", out)
	}
	filepath.Walk(".dvc/cache", func(p string, _ os.FileInfo, _ error) error { return os.Chmod(p, 0o755) })
	os.RemoveAll(".dvc/cache")
	os.RemoveAll("data")
	out, _ = mlops(t, "data", "pull")
	if out != "3 files fetched\nA\tdata\n" {
		t.Errorf("pull: %q", out)
	}
	if b, _ := os.ReadFile("data/foo"); string(b) != "foo" {
		t.Errorf("data/foo after pull = %q", b)
	}

	os.WriteFile("dvc.yaml", []byte("stages:\n  count:\n    cmd: wc -c data/foo data/bar > counts.txt\n    deps:\n    - data\n    outs:\n    - counts.txt\n"), 0o644)
	_, errOut := mlops(t, "pipeline", "run")
	if !strings.Contains(errOut, "> wc -c") {
		t.Errorf("first run did not run the stage:\n%s", errOut)
	}
	_, errOut = mlops(t, "pipeline", "repro")
	if strings.Contains(errOut, "> wc -c") || !strings.Contains(errOut, "up to date") {
		t.Errorf("second run ran the stage again:\n%s", errOut)
	}
	if out, _ = mlops(t, "pipeline", "status"); out != "Pipeline is up to date.\n" {
		t.Errorf("pipeline status: %q", out)
	}
	// Naming a stage's output reports that stage, as dvc status does.
	os.WriteFile("counts.txt", []byte("edited\n"), 0o644)
	if out, _ = mlops(t, "data", "status", "counts.txt"); !strings.Contains(out, "count:") || !strings.Contains(out, "counts.txt") {
		t.Errorf("data status counts.txt after editing it: %q", out)
	}
	mlops(t, "pipeline", "run")
	if b, _ := os.ReadFile("dvc.lock"); !bytes.HasPrefix(b, []byte("schema: '2.0'\nstages:\n  count:\n    cmd: wc -c data/foo data/bar > counts.txt\n")) {
		t.Errorf("dvc.lock:\n%s", b)
	}
}
