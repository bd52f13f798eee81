package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		"negative time":   {[]string{"--time", "-1s"}, 2, "--time is -1s"},
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
