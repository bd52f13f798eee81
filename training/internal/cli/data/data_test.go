package data_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli"
	"github.com/mlopsgo/mlops/training/internal/dvc/dvctest"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// run runs mlops in dir, with this process's environment (stage commands
// need its PATH), and returns its exit code and output.
func run(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Run(t.Context(), cli.Options{
		Args: args, Streams: cli.Streams{Out: &out, ErrOut: &errOut},
		Env: repo.Env{Dir: dir, Vars: os.Environ()},
	})
	return code, out.String(), errOut.String()
}

func mlops(t *testing.T, dir string, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := run(t, dir, args...)
	if code != 0 {
		t.Fatalf("mlops %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out, errOut
}

func mlopsFails(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errOut := run(t, dir, args...)
	if code == 0 {
		t.Fatalf("mlops %s succeeded, want a failure\n%s", strings.Join(args, " "), out)
	}
	return errOut
}

var (
	write = dvctest.Write
	read  = dvctest.Read
)

// newRepo makes a git work tree with `mlops data init` run in it.
func newRepo(t *testing.T) string {
	t.Helper()
	dir := dvctest.GitDir(t)
	mlops(t, dir, "data", "init")
	return dir
}

// A whole session through the command line: the steps the README shows.
func TestSession(t *testing.T) {
	t.Parallel()
	dir := dvctest.GitDir(t)
	write(t, dir, "data/foo", "foo")
	write(t, dir, "data/bar", "bar")

	out, _ := mlops(t, dir, "data", "init")
	if !strings.Contains(out, "Initialized DVC repository") {
		t.Errorf("init output: %q", out)
	}
	out, _ = mlops(t, dir, "data", "add", "data")
	if !strings.Contains(out, "git add data.dvc .gitignore") {
		t.Errorf("add output: %q", out)
	}
	if out, _ = mlops(t, dir, "data", "status"); out != "Data and pipelines are up to date.\n" {
		t.Errorf("status: %q", out)
	}
	write(t, dir, "data/foo", "changed")
	out, _ = mlops(t, dir, "data", "status")
	if want := "data.dvc:\n\tchanged outs:\n\t\tmodified:           data\n"; out != want {
		t.Errorf("status:\n%q\nwant:\n%q", out, want)
	}
	mlopsFails(t, dir, "data", "checkout")
	mlops(t, dir, "data", "checkout", "--force")

	store := filepath.Join(t.TempDir(), "store")
	mlops(t, dir, "data", "remote", "add", "-d", "store", store)
	if out, _ = mlops(t, dir, "data", "remote", "list"); out != "store\t"+store+"\t(default)\n" {
		t.Errorf("remote list: %q", out)
	}
	if out, _ = mlops(t, dir, "data", "push"); out != "3 files pushed\n" {
		t.Errorf("push: %q", out)
	}
	if out, _ = mlops(t, dir, "data", "push"); out != "Everything is up to date.\n" {
		t.Errorf("second push: %q", out)
	}
	if out, _ = mlops(t, dir, "data", "status", "--cloud"); !strings.Contains(out, "in sync") {
		t.Errorf("status --cloud: %q", out)
	}
	cache := filepath.Join(dir, ".dvc", "cache")
	filepath.Walk(cache, func(p string, _ os.FileInfo, _ error) error { return os.Chmod(p, 0o755) })
	os.RemoveAll(cache)
	os.RemoveAll(filepath.Join(dir, "data"))
	out, _ = mlops(t, dir, "data", "pull")
	if out != "3 files fetched\nA\tdata\n" {
		t.Errorf("pull: %q", out)
	}
	if b := read(t, dir, "data/foo"); b != "foo" {
		t.Errorf("data/foo after pull = %q", b)
	}

	write(t, dir, "dvc.yaml", "stages:\n  count:\n    cmd: wc -c data/foo data/bar > counts.txt\n    deps:\n    - data\n    outs:\n    - counts.txt\n")
	_, errOut := mlops(t, dir, "pipeline", "run")
	if !strings.Contains(errOut, "> wc -c") {
		t.Errorf("first run did not run the stage:\n%s", errOut)
	}
	_, errOut = mlops(t, dir, "pipeline", "repro")
	if strings.Contains(errOut, "> wc -c") || !strings.Contains(errOut, "up to date") {
		t.Errorf("second run ran the stage again:\n%s", errOut)
	}
	if out, _ = mlops(t, dir, "pipeline", "status"); out != "Pipeline is up to date.\n" {
		t.Errorf("pipeline status: %q", out)
	}
	// Naming a stage's output reports that stage, as dvc status does.
	write(t, dir, "counts.txt", "edited\n")
	if out, _ = mlops(t, dir, "data", "status", "counts.txt"); !strings.Contains(out, "count:") || !strings.Contains(out, "counts.txt") {
		t.Errorf("data status counts.txt after editing it: %q", out)
	}
	mlops(t, dir, "pipeline", "run")
	if b := []byte(read(t, dir, "dvc.lock")); !bytes.HasPrefix(b, []byte("schema: '2.0'\nstages:\n  count:\n    cmd: wc -c data/foo data/bar > counts.txt\n")) {
		t.Errorf("dvc.lock:\n%s", b)
	}
}

// remove and default share one implementation; each keeps its own effect.
func TestRemoteCommands(t *testing.T) {
	t.Parallel()
	dir := newRepo(t)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	mlops(t, dir, "data", "remote", "add", "-d", "a", a)
	mlops(t, dir, "data", "remote", "add", "b", b)
	steps := []struct {
		name     string
		args     []string
		wantList string
		wantErr  string
	}{
		{"default b", []string{"default", "b"}, "a\t" + a + "\nb\t" + b + "\t(default)\n", ""},
		{"default unknown", []string{"default", "c"}, "", `remote "c" does not exist`},
		{"remove a", []string{"remove", "a"}, "b\t" + b + "\t(default)\n", ""},
		{"remove the default", []string{"remove", "b"}, "", ""},
		{"remove unknown", []string{"remove", "b"}, "", `remote "b" does not exist`},
		{"local default", []string{"add", "--local", "-d", "c", a}, "c\t" + a + "\t(default)\n", ""},
		{"remove local", []string{"remove", "--local", "c"}, "", ""},
	}
	for _, st := range steps {
		args := append([]string{"data", "remote"}, st.args...)
		if st.wantErr != "" {
			if errOut := mlopsFails(t, dir, args...); !strings.Contains(errOut, st.wantErr) {
				t.Errorf("%s: stderr %q, want %q", st.name, errOut, st.wantErr)
			}
			continue
		}
		mlops(t, dir, args...)
		if out, _ := mlops(t, dir, "data", "remote", "list"); out != st.wantList {
			t.Errorf("%s: remote list = %q, want %q", st.name, out, st.wantList)
		}
	}
}

// Commands work in Env.Dir: relative targets and remote paths are taken
// from there, whatever the process's working directory.
func TestRunsInEnvDir(t *testing.T) {
	t.Parallel()
	dir := newRepo(t)
	write(t, dir, "sub/x.txt", "x")
	sub := filepath.Join(dir, "sub")
	if out, _ := mlops(t, sub, "data", "add", "x.txt"); !strings.Contains(out, "git add sub/x.txt.dvc sub/.gitignore") {
		t.Errorf("add from sub: %q", out)
	}
	mlops(t, sub, "data", "remote", "add", "-d", "store", "../../store")
	if got := read(t, dir, ".dvc/config"); !strings.Contains(got, "url = ../../store\n") {
		t.Errorf(".dvc/config = %q", got)
	}
	if out, _ := mlops(t, sub, "data", "push", "x.txt.dvc"); out != "1 file pushed\n" {
		t.Errorf("push from sub: %q", out)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "store", "files", "md5")); err != nil {
		t.Errorf("the remote is not beside the repository: %v", err)
	}
	os.Remove(filepath.Join(sub, "x.txt"))
	filepath.Walk(filepath.Join(dir, ".dvc", "cache"), func(p string, _ os.FileInfo, _ error) error { return os.Chmod(p, 0o755) })
	os.RemoveAll(filepath.Join(dir, ".dvc", "cache"))
	if out, _ := mlops(t, dir, "data", "fetch"); out != "1 file fetched\n" {
		t.Errorf("fetch: %q", out)
	}
	if out, _ := mlops(t, dir, "data", "fetch"); out != "Everything is up to date.\n" {
		t.Errorf("second fetch: %q", out)
	}
	if out, _ := mlops(t, sub, "data", "checkout", "x.txt"); out != "A\tsub/x.txt\n" {
		t.Errorf("checkout from sub: %q", out)
	}
	errOut := mlopsFails(t, t.TempDir(), "data", "status")
	if !strings.Contains(errOut, "not a DVC repository") {
		t.Errorf("status outside a repository: %q", errOut)
	}
}

// A dvc.yaml that cannot be parsed is an error naming it, whatever the
// targets; it is never skipped silently.
func TestMalformedPipeline(t *testing.T) {
	t.Parallel()
	dir := newRepo(t)
	write(t, dir, "x.txt", "x")
	mlops(t, dir, "data", "add", "x.txt")
	write(t, dir, "dvc.yaml", "stages:\n  count: [\n")
	for _, args := range [][]string{
		{"data", "status"},
		{"data", "status", "x.txt.dvc"},
		{"data", "status", "--json"},
		{"pipeline", "status"},
		{"pipeline", "run"},
	} {
		code, out, errOut := run(t, dir, args...)
		if code != 1 || out != "" || !strings.Contains(errOut, filepath.Join(dir, "dvc.yaml")) {
			t.Errorf("mlops %s: exit %d, stdout %q, stderr %q; want 1 and an error naming dvc.yaml", strings.Join(args, " "), code, out, errOut)
		}
	}
}

// errWriter fails every write, as a closed pipe does (`mlops ... | head`).
type errWriter struct{}

var errClosed = errors.New("write to a closed pipe")

func (errWriter) Write([]byte) (int, error) { return 0, errClosed }

// A result that cannot be written is an error, never hidden.
func TestWriteErrors(t *testing.T) {
	t.Parallel()
	dir := newRepo(t)
	write(t, dir, "data/x.txt", "x")
	write(t, dir, "dvc.yaml", "stages:\n  copy:\n    cmd: cp data/x.txt y.txt\n    deps:\n    - data\n    outs:\n    - y.txt\n")
	mlops(t, dir, "data", "add", "data")
	mlops(t, dir, "data", "remote", "add", "-d", "store", filepath.Join(t.TempDir(), "store"))
	mlops(t, dir, "data", "push")
	write(t, dir, "new.txt", "new")
	for _, args := range [][]string{
		{"data", "init", "--force"},
		{"data", "add", "new.txt"},
		{"data", "status"},
		{"data", "status", "--json"},
		{"data", "status", "--cloud"},
		{"data", "checkout"},
		{"data", "push"},
		{"data", "fetch"},
		{"data", "pull"},
		{"data", "remote", "list"},
		{"pipeline", "status"},
		{"pipeline", "status", "--json"},
	} {
		var errOut bytes.Buffer
		code := cli.Run(t.Context(), cli.Options{
			Args: args, Streams: cli.Streams{Out: errWriter{}, ErrOut: &errOut}, Env: repo.Env{Dir: dir, Vars: os.Environ()},
		})
		if code != 1 || strings.Count(errOut.String(), "mlops:") != 1 || !strings.Contains(errOut.String(), errClosed.Error()) {
			t.Errorf("mlops %s writing to a closed pipe: exit %d, stderr %q; want 1 and the write error once", strings.Join(args, " "), code, errOut.String())
		}
	}
}
