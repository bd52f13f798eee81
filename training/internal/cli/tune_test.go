package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// tuneParams writes a small tuning setup on Iris (3 x 1 outer folds, 4
// trials in batches of 2) with comments, and returns its path.
func tuneParams(t *testing.T) string {
	t.Helper()
	text := fmt.Sprintf(`# Tuning test parameters.
data:
  name: iris
  path: %s
  label: species
  features:
    - {name: sepal_length, min: 0, max: 10}
    - {name: sepal_width, min: 0, max: 10}
    - {name: petal_length, min: 0, max: 10}
    - {name: petal_width, min: 0, max: 10}

cv: {folds: 3, repeats: 1}

models:
  # The libraries' defaults.
  logistic_regression:
    C: 1.0 # inverse regularization
    max_iter: 100

tune:
  trials: 4
  batch: 2
`, irisPath(t))
	path := filepath.Join(t.TempDir(), "params.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTune(t *testing.T) {
	path := tuneParams(t)
	before, _ := os.ReadFile(path)
	code, stdout, stderr := run(t, "", "tune", "--params", path, "--workers", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"MODEL", "DEFAULT CV", "NESTED (TUNE+TRAIN)", "INNER BEST*", "logistic_regression", "{C: ", "optimistic", "3-fold x 1 repeats"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, stdout)
		}
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("tune without --apply changed the params file")
	}

	code, _, stderr = run(t, "", "tune", "--params", path, "--apply", "--trials", "3")
	if code != 0 {
		t.Fatalf("--apply: exit %d: %s", code, stderr)
	}
	after, _ := os.ReadFile(path)
	for _, want := range []string{"# Tuning test parameters.", "# The libraries' defaults.", "# inverse regularization", "max_iter: 100", "\n\ncv: {folds: 3, repeats: 1}\n"} {
		if !strings.Contains(string(after), want) {
			t.Errorf("--apply lost %q:\n%s", want, after)
		}
	}
	if strings.Contains(string(after), "C: 1.0 #") {
		t.Errorf("--apply left C at 1.0:\n%s", after)
	}
	// The applied file trains.
	if code, _, stderr := run(t, "", "train", "--params", path, "--models-dir", filepath.Join(t.TempDir(), "m"), "--metrics", ""); code != 0 {
		t.Fatalf("train on the applied file: exit %d: %s", code, stderr)
	}
}

func TestTuneUsageErrors(t *testing.T) {
	path := tuneParams(t)
	tests := map[string]struct {
		args []string
		code int
		want string
	}{
		"trials and time": {[]string{"--trials", "5", "--time", "1m"}, 2, "[time trials] were all set"},
		"negative trials": {[]string{"--trials", "-1"}, 2, "--trials is -1; it must be at least 1"},
		"zero trials":     {[]string{"--trials", "0"}, 2, "--trials is 0; it must be at least 1"},
		"negative time":   {[]string{"--time", "-1s"}, 2, "--time is -1s"},
		"zero time":       {[]string{"--time", "0s"}, 2, "--time is 0s; it must be a positive duration"},
		"bad duration":    {[]string{"--time", "soon"}, 2, `invalid argument "soon" for "--time"`},
		"argument":        {[]string{"extra"}, 2, `unknown command "extra" for "mlops tune"`},
		"unknown model":   {[]string{"--models", "svn"}, 1, `unknown model "svn"`},
		"missing params":  {[]string{"--params", filepath.Join(t.TempDir(), "none.yaml")}, 1, "read params"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"tune"}, tt.args...)
			if name != "missing params" {
				args = append(args, "--params", path)
			}
			code, _, stderr := run(t, "", args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// A tuning run is recorded in the run store with its searches, and the
// runs commands read it: list (with --kind), show, compare (which refuses
// to compare it with a training run) and delete.
func TestTuneRecordsRun(t *testing.T) {
	path := tuneParams(t)
	runsDir := filepath.Join(t.TempDir(), "runs")
	code, _, stderr := run(t, "", "tune", "--params", path, "--runs-dir", runsDir, "--trials", "3")
	if code != 0 || !strings.Contains(stderr, "run recorded") {
		t.Fatalf("tune exited %d without recording the run: %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "train", "--params", path, "--runs-dir", runsDir,
		"--models-dir", filepath.Join(t.TempDir(), "models"), "--metrics", ""); code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}

	code, stdout, stderr := run(t, "", "runs", "list", "--runs-dir", runsDir, "--kind", "tune", "--json")
	if code != 0 {
		t.Fatalf("runs list exited %d: %s", code, stderr)
	}
	var runs []tracking.Run
	if err := json.Unmarshal([]byte(stdout), &runs); err != nil {
		t.Fatalf("runs list --json: %v", err)
	}
	if len(runs) != 1 || runs[0].Kind != tracking.KindTune || runs[0].Status != tracking.StatusFinished || runs[0].Tune == nil {
		t.Fatalf("runs list --kind tune: %d runs (%+v); want the finished tune run", len(runs), runs)
	}
	tu := runs[0].Tune
	if tu.Trials != 3 || len(tu.Models) != 1 || len(tu.Models[0].Searches) != 4 || len(tu.Models[0].Searches[3].Trials) != 3 ||
		runs[0].Data == nil || runs[0].CV.Folds != 3 || !strings.Contains(strings.Join(runs[0].Command, " "), "--trials=3") {
		t.Errorf("tune section %+v: want 3 trials in each of 3 outer searches and the final one, with data and outer CV", tu)
	}
	tuneID := runs[0].ID

	code, stdout, _ = run(t, "", "runs", "list", "--runs-dir", runsDir)
	if code != 0 || !strings.Contains(stdout, "KIND") || !strings.Contains(stdout, "tune ") || !strings.Contains(stdout, "train ") {
		t.Errorf("runs list: exit %d\n%s\nwant a KIND column with both kinds", code, stdout)
	}
	code, stdout, _ = run(t, "", "runs", "show", tuneID, "--runs-dir", runsDir)
	for _, want := range []string{"kind:     tune", "NESTED (TUNE+TRAIN)", "logistic_regression *", "searches (one per outer fold", "logistic_regression.C: log-uniform"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("runs show: exit %d, output lacks %q:\n%s", code, want, stdout)
		}
	}
	code, _, stderr = run(t, "", "runs", "compare", tuneID, "latest", "--runs-dir", runsDir)
	if code != 1 || !strings.Contains(stderr, "compare training runs with training runs and tuning runs with tuning runs") {
		t.Errorf("runs compare of a tune and a train run: exit %d, %s; want a refusal that says what to do", code, stderr)
	}
	if code, _, stderr := run(t, "", "runs", "delete", tuneID, "--runs-dir", runsDir); code != 0 {
		t.Fatalf("runs delete: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(runsDir, tuneID)); !os.IsNotExist(err) {
		t.Errorf("the deleted tune run is still there: %v", err)
	}
}

// --runs-dir off records nothing (and creates no directory named off).
func TestTuneRunsOff(t *testing.T) {
	params := tuneParams(t)
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, stderr := run(t, "", "tune", "--params", params, "--trials", "2", "--runs-dir", "off"); code != 0 {
		t.Fatalf("tune exited %d: %s", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("tune with --runs-dir off wrote %v", entries)
	}
}
