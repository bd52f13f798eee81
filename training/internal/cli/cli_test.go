package cli

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes mlops in-process and returns its exit code and streams.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(t.Context(), args, Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

func irisPath(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../../../data/iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// trained trains both models on Iris into a temp dir and returns it.
func trained(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	params := fmt.Sprintf(`data:
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
  logistic_regression: {}
  decision_tree: {max_depth: 3}
`, irisPath(t))
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

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"train", "--bogus"}, 2, "unknown flag: --bogus"},
		{"bad workers", []string{"train", "--workers", "-1"}, 1, "--workers is -1"},
		{"missing params", []string{"train", "--params", "does-not-exist.yaml"}, 1, "does-not-exist.yaml"},
		{"predict without model", []string{"predict", "--input", "x.csv"}, 1, `"model" not set`},
		{"inspect without argument", []string{"model", "inspect"}, 1, "accepts 1 arg"},
		{"quiet and verbose", []string{"-q", "-v", "train"}, 2, "cannot be used together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
			if strings.Count(stderr, "mlops:") != 1 {
				t.Fatalf("the error should be printed once:\n%s", stderr)
			}
		})
	}
}
