package runsdiff_test

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsdiff"
	"github.com/mlopsgo/mlops/training/internal/gitcmd/gitcmdtest"
	"github.com/mlopsgo/mlops/training/internal/metricsfile"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

func file(champion string, lrCV, lrTest, dtCV float64) *metricsfile.File {
	return &metricsfile.File{Champion: champion, Models: map[string]metricsfile.Model{
		"logistic_regression": {
			Test: metricsfile.Test{Accuracy: lrTest, PrecisionWeighted: lrTest, RecallWeighted: lrTest, F1Weighted: lrTest, F1Macro: lrTest, LogLoss: 0.1111},
			CV:   metricsfile.CV{Folds: 10, Repeats: 5, AccuracyMean: lrCV, AccuracyStd: 0.04},
		},
		"decision_tree": {
			Test: metricsfile.Test{Accuracy: 0.9667, PrecisionWeighted: 0.9697, RecallWeighted: 0.9667, F1Weighted: 0.9666, F1Macro: 0.9666, LogLoss: 1.2015},
			CV:   metricsfile.CV{Folds: 10, Repeats: 5, AccuracyMean: dtCV, AccuracyStd: 0.058},
		},
	}}
}

func TestWriteMarkdown(t *testing.T) {
	tests := []struct {
		name string
		old  *metricsfile.File
		cur  *metricsfile.File
	}{
		{"changed", file("logistic_regression", 0.96, 1, 0.9447), file("logistic_regression", 0.9647, 0.9667, 0.9447)},
		{"same", file("logistic_regression", 0.96, 1, 0.9447), file("logistic_regression", 0.96, 1, 0.9447)},
		{"first", nil, file("logistic_regression", 0.96, 1, 0.9447)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := runsdiff.WriteMarkdown(&buf, metricsfile.Diff("HEAD", tt.old, "working tree", tt.cur)); err != nil {
				t.Fatal(err)
			}
			trackingtest.Golden(t, "diff_"+tt.name+"_golden.md", buf.Bytes())
		})
	}
}

// The command reads the revision's file through git show.
func TestDiffCommandAgainstGit(t *testing.T) {
	dir := gitcmdtest.Repo(t)
	path := filepath.Join(dir, "metrics.json")
	if err := metricsfile.Write(path, file("logistic_regression", 0.96, 1, 0.9447)); err != nil {
		t.Fatal(err)
	}
	gitcmdtest.Git(t, dir, "add", "metrics.json")
	gitcmdtest.Git(t, dir, "commit", "-q", "-m", "metrics")
	if err := metricsfile.Write(path, file("logistic_regression", 0.9647, 0.9667, 0.9447)); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var out bytes.Buffer
	cmd := runsdiff.NewCommand(nil, streamsTo(&out))
	cmd.SetArgs([]string{"--rev", "HEAD"})
	if err := cmd.ExecuteContext(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| logistic_regression | cv accuracy (mean) | 0.9600 | 0.9647 | +0.0047 🟢 |") {
		t.Fatalf("diff output:\n%s", out.String())
	}
}

// A reader that goes away (`mlops runs diff | head -1`) is an error, not
// silence.
func TestWriteMarkdownClosedPipe(t *testing.T) {
	trackingtest.CheckClosedPipe(t, func(w io.Writer) error {
		return runsdiff.WriteMarkdown(w, metricsfile.Diff("HEAD", nil, "working tree", file("logistic_regression", 0.96, 1, 0.9447)))
	})
}
