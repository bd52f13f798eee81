package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/params/paramstest"
)

// TestInterrupted cancels train and tune, as Ctrl-C does, before they
// start and while they run: each must exit with ExitInterrupted and say
// "interrupted", not print the chain of calls the cancellation unwound.
func TestInterrupted(t *testing.T) {
	long := paramstest.IrisData(irisPath(t)) + "cv: {folds: 10, repeats: 20}\nmodels:\n  random_forest: {n_estimators: 1000}\n"
	trainParams := filepath.Join(t.TempDir(), "params.yaml")
	if err := os.WriteFile(trainParams, []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string][]string{
		"train": {"train", "--params", trainParams, "--models-dir", t.TempDir(), "--runs-dir", "off"},
		"tune":  {"tune", "--params", tuneParams(t), "--trials", "500", "--runs-dir", "off"},
	}
	for name, args := range tests {
		for _, after := range []time.Duration{0, 300 * time.Millisecond} {
			t.Run(name+"/after "+after.String(), func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				if after == 0 {
					cancel()
				} else {
					time.AfterFunc(after, cancel)
				}
				defer cancel()
				var out, errOut bytes.Buffer
				code := Run(ctx, Options{Args: args, Streams: Streams{Out: &out, ErrOut: &errOut}, Env: repo.Env{Dir: t.TempDir()}})
				if code != ExitInterrupted || !strings.HasSuffix(errOut.String(), "mlops: interrupted\n") || strings.Contains(errOut.String(), "context canceled") {
					t.Errorf("exit %d, stderr %q; want exit %d and mlops: interrupted", code, errOut.String(), ExitInterrupted)
				}
			})
		}
	}
}
