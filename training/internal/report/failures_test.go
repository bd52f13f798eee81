package report_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/report"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// TestReportShowsFailuresAndWarnings checks that a model's warnings are in
// its own row of the models table, that a failed model's row gives its
// status and reason instead of metrics, and that the failed model is in no
// chart (it has no metrics to draw).
func TestReportShowsFailuresAndWarnings(t *testing.T) {
	runs := trackingtest.Runs()
	run := runs[1]
	run.Models[0].Warnings = []string{"logreg: L-BFGS failed to converge after 57 iterations <with markup>"}
	run.Models = append(run.Models, tracking.Model{
		Name: "xgboost", Status: tracking.ModelTimedOut, Error: "xgboost: timed out after 1m0s: context deadline exceeded",
	})
	var buf bytes.Buffer
	if err := report.Render(&buf, report.Options{Run: run, History: runs}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	row := func(name string) string {
		m := regexp.MustCompile(`<tr id="model-` + name + `"[^>]*>.*</tr>`).FindString(page)
		if m == "" {
			t.Fatalf("no table row for %s", name)
		}
		return m
	}
	tests := map[string]struct {
		model string
		want  []string
	}{
		"warning beside the model":  {model: run.Models[0].Name, want: []string{`<div class="warning">⚠ logreg: L-BFGS failed to converge after 57 iterations &lt;with markup&gt;</div>`}},
		"failure reason, no metric": {model: "xgboost", want: []string{`class="failed"`, "timed out: xgboost: timed out after 1m0s: context deadline exceeded", "<td>-</td>"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := row(tc.model)
			for _, w := range tc.want {
				if !strings.Contains(r, w) {
					t.Errorf("%s: the row lacks %q:\n%s", tc.model, w, r)
				}
			}
		})
	}
	if !strings.Contains(page, "<th>notes</th>") {
		t.Error("the models table has no notes column")
	}
	if strings.Contains(page, `id="chart-confusion-xgboost"`) {
		t.Error("the failed model has a confusion matrix")
	}
}
