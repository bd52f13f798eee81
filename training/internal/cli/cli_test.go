package cli

import (
	"bytes"
	"encoding/csv"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/params/paramstest"
)

// run executes mlops in-process and returns its exit code and streams.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(t.Context(), args, Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

// runIn executes mlops in-process in dir, with an empty environment.
func runIn(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(t.Context(), Options{Args: args, Streams: Streams{Out: &out, ErrOut: &errOut}, Env: repo.Env{Dir: dir}})
	return code, out.String(), errOut.String()
}

func irisPath(t *testing.T) string {
	t.Helper()
	return paramstest.IrisCSV(t)
}

// trained trains both models on Iris into a temp dir and returns it.
func trained(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	params := paramstest.IrisData(irisPath(t)) + `cv: {folds: 3, repeats: 1}
models:
  logistic_regression: {}
  decision_tree: {max_depth: 3}
`
	if err := os.WriteFile(filepath.Join(dir, "params.yaml"), []byte(params), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "", "train", "--params", filepath.Join(dir, "params.yaml"),
		"--models-dir", filepath.Join(dir, "models"), "--metrics", filepath.Join(dir, "metrics.json"))
	if code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}
	for _, want := range []string{"MODEL", "logistic_regression", "decision_tree", "champion", "3-fold x 1 repeats"} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("train output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "dropped exact duplicate rows") || !strings.Contains(stderr, "duplicates=3") {
		t.Fatalf("train did not report the dropped duplicates on stderr:\n%s", stderr)
	}
	return dir
}

func TestTrainPredictInspect(t *testing.T) {
	dir := trained(t)
	bundle := filepath.Join(dir, "models", "decision_tree.json")

	t.Run("predict to stdout", func(t *testing.T) {
		code, stdout, stderr := run(t, "", "predict", "--model", bundle, "--input", irisPath(t))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		wantHeader := "sepal_length,sepal_width,petal_length,petal_width,species,prediction,prob_Iris-setosa,prob_Iris-versicolor,prob_Iris-virginica"
		if got := strings.Join(rows[0], ","); got != wantHeader {
			t.Fatalf("header %q, want %q", got, wantHeader)
		}
		// Every input row comes out (predict does not drop duplicates), with
		// its columns unchanged and a prediction most often equal to the label.
		if len(rows) != 151 {
			t.Fatalf("%d output lines, want 151", len(rows))
		}
		correct := 0
		for _, r := range rows[1:] {
			if r[4] == r[5] {
				correct++
			}
		}
		if correct < 140 {
			t.Fatalf("only %d of 150 predictions match the label", correct)
		}
	})

	t.Run("predict from stdin to a file", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "scored.csv")
		input := "id,petal_width,petal_length,sepal_width,sepal_length\n7,0.2,1.4,3.5,5.1\n8,2.3,5.9,3.0,6.7\n"
		code, stdout, stderr := run(t, input, "predict", "--model", bundle, "--input", "-", "--output", out)
		if code != 0 || stdout != "" {
			t.Fatalf("exit %d, stdout %q: %s", code, stdout, stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[1], "7,0.2,1.4,3.5,5.1,Iris-setosa,") || !strings.HasPrefix(lines[2], "8,2.3,5.9,3.0,6.7,Iris-virginica,") {
			t.Fatalf("output:\n%s", data)
		}
	})

	t.Run("bad rows", func(t *testing.T) {
		tests := []struct{ name, input, want string }{
			{"not a number", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5.1,abc,1.4,0.2\n", `line 3, column "sepal_width"`},
			{"out of range", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,11,0.2\n", `line 2, column "petal_length": 11 is outside the model's valid range [0, 10]`},
			{"missing column", "sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n", "petal_width"},
			// Trained with data.missing: error: no value to fill a blank with.
			{"blank cell", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5.1,,1.4,0.2\n", `line 3, column "sepal_width": empty value is not a number`},
			{"empty", "", "empty"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "scored.csv")
				if err := os.WriteFile(out, []byte("previous results\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				code, _, stderr := run(t, tt.input, "predict", "--model", bundle, "--input", "-", "--output", out)
				if code != 1 || !strings.Contains(stderr, tt.want) {
					t.Fatalf("exit %d, stderr %q; want 1 and %q", code, stderr, tt.want)
				}
				if data, _ := os.ReadFile(out); string(data) != "previous results\n" {
					t.Fatalf("a failed predict changed the output file to %q", data)
				}
			})
		}
	})

	t.Run("inspect", func(t *testing.T) {
		code, stdout, stderr := run(t, "", "model", "inspect", bundle)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"name:       decision_tree", "(verified)", "md5 9f44d5c52de2354fb45e9dcfc0e90b16", "depth 3", "petal_width", "max_depth: 3", "cv_accuracy_mean"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("inspect output lacks %q:\n%s", want, stdout)
			}
		}
	})

	t.Run("inspect a damaged bundle", func(t *testing.T) {
		data, _ := os.ReadFile(bundle)
		damaged := filepath.Join(t.TempDir(), "damaged.json")
		os.WriteFile(damaged, bytes.Replace(data, []byte(`"Iris-setosa"`), []byte(`"Iris-setosb"`), 1), 0o644)
		code, _, stderr := run(t, "", "model", "inspect", damaged)
		if code != 1 || !strings.Contains(stderr, "checksum mismatch") || !strings.Contains(stderr, damaged) {
			t.Fatalf("exit %d, stderr %q; want 1 with a checksum mismatch naming the file", code, stderr)
		}
	})

	t.Run("metrics show", func(t *testing.T) {
		code, stdout, _ := run(t, "", "metrics", "show", filepath.Join(dir, "metrics.json"))
		if code != 0 || !strings.Contains(stdout, "champion") {
			t.Fatalf("exit %d:\n%s", code, stdout)
		}
	})
}

// Usage errors exit 2 with the error printed once and a hint to the
// command's --help; other failures exit 1 with the error alone.
func TestExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		code int
		want string
		help string // the command the hint names; "" for no hint
	}{
		{"unknown flag", []string{"train", "--bogus"}, 2, "unknown flag: --bogus", "mlops train"},
		{"unknown shorthand flag", []string{"data", "status", "-z"}, 2, "unknown shorthand flag: 'z' in -z", "mlops data status"},
		{"unknown flag on a group", []string{"data", "--bogus"}, 2, "unknown flag: --bogus", "mlops data"},
		{"bad flag value", []string{"data", "push", "--jobs", "many"}, 2, `invalid argument "many" for "-j, --jobs"`, "mlops data push"},
		{"unknown command", []string{"bogus"}, 2, `unknown command "bogus" for "mlops"`, "mlops"},
		{"unknown command with a suggestion", []string{"dat"}, 2, `unknown command "dat" for "mlops" (did you mean "data"?)`, "mlops"},
		{"unknown data command", []string{"data", "bogus"}, 2, `unknown command "bogus" for "mlops data"`, "mlops data"},
		{"unknown remote command", []string{"data", "remote", "rm", "x"}, 2, `unknown command "rm" for "mlops data remote"`, "mlops data remote"},
		{"unknown runs command", []string{"runs", "bogus"}, 2, `unknown command "bogus" for "mlops runs"`, "mlops runs"},
		{"unknown model command", []string{"model", "bogus"}, 2, `unknown command "bogus" for "mlops model"`, "mlops model"},
		{"unknown completion shell", []string{"completion", "bogus"}, 2, `unknown command "bogus" for "mlops completion"`, "mlops completion"},
		{"inspect without argument", []string{"model", "inspect"}, 2, "accepts 1 arg(s), received 0", "mlops model inspect"},
		{"export with one argument", []string{"model", "export", "--format", "xgboost-json", "a.json"}, 2, "accepts 2 arg(s), received 1", "mlops model export"},
		{"train with an argument", []string{"train", "extra"}, 2, `unknown command "extra" for "mlops train"`, "mlops train"},
		{"data add without a path", []string{"data", "add"}, 2, "requires at least 1 arg(s), only received 0", "mlops data add"},
		{"data init with an argument", []string{"data", "init", "x"}, 2, `unknown command "x" for "mlops data init"`, "mlops data init"},
		{"remote add with one argument", []string{"data", "remote", "add", "x"}, 2, "accepts 2 arg(s), received 1", "mlops data remote add"},
		{"remote remove without a name", []string{"data", "remote", "remove"}, 2, "accepts 1 arg(s), received 0", "mlops data remote remove"},
		{"remote default with two names", []string{"data", "remote", "default", "a", "b"}, 2, "accepts 1 arg(s), received 2", "mlops data remote default"},
		{"remote modify without a value", []string{"data", "remote", "modify", "a", "region"}, 2, "give a VALUE, or --unset without one", "mlops data remote modify"},
		{"remote list with an argument", []string{"data", "remote", "list", "x"}, 2, `unknown command "x" for "mlops data remote list"`, "mlops data remote list"},
		{"runs list with an argument", []string{"runs", "list", "x"}, 2, `unknown command "x" for "mlops runs list"`, "mlops runs list"},
		{"predict without model", []string{"predict", "--input", "x.csv"}, 2, `required flag(s) "model" not set`, "mlops predict"},
		{"export without format", []string{"model", "export", "a.json", "b.json"}, 2, `required flag(s) "format" not set`, "mlops model export"},
		{"quiet and verbose", []string{"-q", "-v", "train"}, 2, "--quiet and --verbose cannot be used together", "mlops train"},
		{"bad workers", []string{"train", "--workers", "-1"}, 1, "--workers is -1", ""},
		{"bad jobs", []string{"data", "fetch", "--jobs", "-1"}, 1, "--jobs is -1", ""},
		{"missing params", []string{"train", "--params", "does-not-exist.yaml"}, 1, "does-not-exist.yaml", ""},
		{"inspect a missing bundle", []string{"model", "inspect", "does-not-exist.json"}, 1, "does-not-exist.json", ""},
		{"data status outside a repository", []string{"data", "status"}, 1, "not a DVC repository", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runIn(t, t.TempDir(), tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("mlops %s: exit %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), code, stderr, tt.code, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if strings.Count(stderr, "mlops:") != 1 {
				t.Errorf("the error should be printed once:\n%s", stderr)
			}
			hint := "Run '" + tt.help + " --help' for usage."
			if hasHint := strings.Contains(stderr, "--help' for usage."); hasHint != (tt.help != "") || (tt.help != "" && !strings.Contains(stderr, hint)) {
				t.Errorf("stderr %q; want the hint %q: %v", stderr, hint, tt.help != "")
			}
		})
	}
}

// Every command rejects an unknown flag, and every command group an
// unknown subcommand, as a usage error.
func TestEveryCommandUsageErrors(t *testing.T) {
	t.Parallel()
	root := NewRootCommand(slog.New(slog.DiscardHandler), new(slog.LevelVar), Streams{}, repo.Env{})
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub, append(slices.Clone(path), sub.Name()))
		}
	}
	walk(root, nil)
	if len(paths) < 30 {
		t.Fatalf("found %d commands, want the whole tree", len(paths))
	}
	for _, path := range paths {
		args := append(slices.Clone(path), "--no-such-flag")
		if code, _, stderr := runIn(t, t.TempDir(), args...); code != 2 || !strings.Contains(stderr, "unknown flag: --no-such-flag") {
			t.Errorf("mlops %s: exit %d, stderr %q; want 2 and the unknown flag", strings.Join(args, " "), code, stderr)
		}
		if c, _, _ := root.Find(path); c.HasSubCommands() {
			args := append(slices.Clone(path), "no-such-command")
			if code, _, stderr := runIn(t, t.TempDir(), args...); code != 2 || !strings.Contains(stderr, `unknown command "no-such-command"`) {
				t.Errorf("mlops %s: exit %d, stderr %q; want 2 and the unknown command", strings.Join(args, " "), code, stderr)
			}
			if code, stdout, _ := runIn(t, t.TempDir(), path...); code != 0 || !strings.Contains(stdout, "Available Commands:") {
				t.Errorf("mlops %s: exit %d, stdout %q; want 0 and the group's help", strings.Join(path, " "), code, stdout)
			}
		}
	}
}
