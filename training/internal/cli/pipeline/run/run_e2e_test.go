package run_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EFreshClone clones this repository's HEAD, builds mlops from the
// clone, and runs the pipeline there with an empty cache: it must retrain
// to exactly the committed dvc.lock (training is byte-reproducible) and
// leave the work tree clean; a second run must do nothing. It runs in
// `make e2e` (MLOPS_E2E=1) because it trains every model.
func TestE2EFreshClone(t *testing.T) {
	t.Parallel()
	if os.Getenv("MLOPS_E2E") == "" {
		t.Skip("set MLOPS_E2E=1; see mk/data.mk")
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not in a git work tree")
	}
	root := strings.TrimSpace(string(top))
	if err := exec.Command("git", "-C", root, "cat-file", "-e", "HEAD:dvc.lock").Run(); err != nil {
		t.Skip("HEAD has no dvc.lock yet")
	}
	clone := filepath.Join(t.TempDir(), "clone")
	run := func(dir string, env []string, name string, args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %v: %v\n%s%s", name, args, err, out.String(), errOut.String())
		}
		return out.String(), errOut.String()
	}
	run(root, nil, "git", "clone", "-q", root, clone)
	bin := filepath.Join(t.TempDir(), "bin")
	// GOWORK=off builds from training/go.mod alone, as the image build does,
	// so the go command does not add to the clone's go.work.sum.
	run(filepath.Join(clone, "training"), []string{"GOWORK=off"}, "go", "build", "-o", filepath.Join(bin, "mlops"), "./cmd/mlops")
	// The stages call mlops through the shell, so it must be on their PATH;
	// exec resolves the command itself with this process's PATH, hence the
	// full path here.
	mlops := filepath.Join(bin, "mlops")
	path := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}

	run(clone, path, mlops, "pipeline", "run")
	committed, _ := run(clone, nil, "git", "show", "HEAD:dvc.lock")
	got, err := os.ReadFile(filepath.Join(clone, "dvc.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != committed {
		diff, _ := run(clone, nil, "git", "diff", "--", "dvc.lock")
		t.Fatalf("the clone's run changed dvc.lock:\n%s", diff)
	}
	if st, _ := run(clone, nil, "git", "status", "--porcelain"); st != "" {
		t.Errorf("work tree not clean after the run:\n%s", st)
	}
	_, stderr := run(clone, path, mlops, "pipeline", "run")
	if !strings.Contains(stderr, "Data and pipelines are up to date.") {
		t.Errorf("second run was not a no-op:\n%s", stderr)
	}
}
