package pipeline_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli"
	"github.com/mlopsgo/mlops/training/internal/dvc/dvctest"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

const dvcYAML = `stages:
  greet:
    cmd: echo "$GREETING" > greeting.txt
    deps:
    - in.txt
    outs:
    - greeting.txt
`

// The pipeline commands work in Env.Dir, and the stages get Env.Vars as
// their environment, not the process's.
func TestPipelineCommands(t *testing.T) {
	t.Parallel()
	dir := dvctest.GitDir(t)
	dvctest.Write(t, dir, "in.txt", "in\n")
	dvctest.Write(t, dir, "dvc.yaml", dvcYAML)
	vars := append(os.Environ(), "GREETING=hello from Env.Vars")
	mlops := func(args ...string) (string, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		code := cli.Run(t.Context(), cli.Options{
			Args: args, Streams: cli.Streams{Out: &out, ErrOut: &errOut}, Env: repo.Env{Dir: dir, Vars: vars},
		})
		if code != 0 {
			t.Fatalf("mlops %s: exit %d\n%s", strings.Join(args, " "), code, errOut.String())
		}
		return out.String(), errOut.String()
	}
	mlops("data", "init")
	steps := []struct {
		args       []string
		wantOut    string
		wantErrOut string
	}{
		{[]string{"pipeline", "status"}, "greet:\n\tnot in dvc.lock\n", ""},
		{[]string{"pipeline", "status", "--json"}, "{\n  \"greet\": [\n    \"not in dvc.lock\"\n  ]\n}\n", ""},
		{[]string{"pipeline", "run", "--dry"}, "", ""},
		{[]string{"pipeline", "status"}, "greet:\n\tnot in dvc.lock\n", ""},
		{[]string{"pipeline", "run"}, "", "> echo \"$GREETING\" > greeting.txt"},
		{[]string{"pipeline", "status"}, "Pipeline is up to date.\n", ""},
		{[]string{"pipeline", "status", "--json"}, "{\n  \"greet\": []\n}\n", ""},
		{[]string{"pipeline", "repro"}, "", "Data and pipelines are up to date."},
	}
	for _, st := range steps {
		out, errOut := mlops(st.args...)
		if out != st.wantOut || !strings.Contains(errOut, st.wantErrOut) {
			t.Errorf("mlops %s: stdout %q, stderr %q; want %q and %q", strings.Join(st.args, " "), out, errOut, st.wantOut, st.wantErrOut)
		}
	}
	if got := dvctest.Read(t, dir, "greeting.txt"); got != "hello from Env.Vars\n" {
		t.Errorf("greeting.txt = %q, want the value Env.Vars gave the stage", got)
	}
}
