package report_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/report"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// mini loads testdata/mini.csv: 8 rows of each Iris class, so the golden
// files stay small.
func mini(t *testing.T) *dataset.Dataset {
	t.Helper()
	d, err := dataset.Load(t.Context(), dataset.Spec{Path: "testdata/mini.csv", Label: "species", Features: trackingtest.Features})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestChartsGolden(t *testing.T) {
	d := mini(t)
	runs := trackingtest.Runs()
	run := runs[1]
	tests := []struct {
		name   string
		render func() ([]byte, error)
	}{
		{"class_distribution", func() ([]byte, error) { return report.ClassDistribution(d) }},
		{"scatter_sepal", func() ([]byte, error) { return report.Scatter(d, 0, 1) }},
		{"scatter_petal", func() ([]byte, error) { return report.Scatter(d, 2, 3) }},
		{"scatter_matrix", func() ([]byte, error) { return report.ScatterMatrix(d) }},
		{"metric_comparison", func() ([]byte, error) { return report.MetricComparison(run) }},
		{"cv_distribution", func() ([]byte, error) { return report.CVDistribution(run) }},
		{"confusion", func() ([]byte, error) { return report.Confusion(&run.Models[1], trackingtest.Classes) }},
		{"learning_curves", func() ([]byte, error) { return report.LearningCurves(run) }},
		{"runs_over_time", func() ([]byte, error) { return report.RunsOverTime(runs) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := tt.render()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(svg, []byte("<svg ")) || !bytes.HasSuffix(svg, []byte("</svg>\n")) {
				t.Fatalf("not a bare <svg> element: %.80q ... %q", svg, svg[max(0, len(svg)-20):])
			}
			trackingtest.Golden(t, tt.name+"_golden.svg", svg)
		})
	}
}

func TestReportGolden(t *testing.T) {
	runs := trackingtest.Runs()
	var buf bytes.Buffer
	err := report.Render(&buf, report.Options{Run: runs[1], History: runs, Data: mini(t)})
	if err != nil {
		t.Fatal(err)
	}
	trackingtest.Golden(t, "report_golden.html", buf.Bytes())
}

// The page loads nothing: no script, no external URL (the SVG namespace
// names are identifiers, not fetched), and a CSP that forbids loading.
func TestReportIsSelfContained(t *testing.T) {
	runs := trackingtest.Runs()
	var buf bytes.Buffer
	if err := report.Render(&buf, report.Options{Run: runs[1], History: runs, Data: mini(t)}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script", "<link", "<img", "@import", "url(", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	for _, u := range regexp.MustCompile(`https?://[^"'\s<>)]+`).FindAllString(page, -1) {
		if u != "http://www.w3.org/2000/svg" && u != "http://www.w3.org/1999/xlink" {
			t.Errorf("the page names an external URL %s", u)
		}
	}
	if !strings.Contains(page, `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`) {
		t.Error("the page has no Content-Security-Policy forbidding loads")
	}
	ids := regexp.MustCompile(`<figure id="(chart-[^"]+)"`).FindAllStringSubmatch(page, -1)
	var got []string
	for _, m := range ids {
		got = append(got, m[1])
	}
	want := []string{
		"chart-class-distribution", "chart-scatter-sepal_length-sepal_width", "chart-scatter-petal_length-petal_width",
		"chart-scatter-matrix", "chart-metric-comparison", "chart-cv-distribution", "chart-learning-curves",
		"chart-confusion-logistic_regression", "chart-confusion-decision_tree", "chart-runs-over-time",
	}
	if !slices.Equal(got, want) {
		t.Errorf("charts %v\nwant %v", got, want)
	}
}

func TestReportWithoutData(t *testing.T) {
	runs := trackingtest.Runs()
	var buf bytes.Buffer
	err := report.Render(&buf, report.Options{Run: runs[0], History: runs[:1], DataNote: "open data/iris.csv: no such file"})
	if err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if !strings.Contains(page, "No data plots: open data/iris.csv: no such file") {
		t.Error("the page does not say why the data plots are missing")
	}
	if strings.Contains(page, "chart-runs-over-time") || strings.Contains(page, `id="runs"`) {
		t.Error("a one-run report has a run-over-run section")
	}
}

func TestDefaultPairs(t *testing.T) {
	tests := []struct {
		features int
		want     [][2]int
	}{
		{0, nil},
		{1, nil},
		{2, [][2]int{{0, 1}}},
		{3, [][2]int{{0, 1}}},
		{4, [][2]int{{0, 1}, {2, 3}}},
		{13, [][2]int{{0, 1}, {2, 3}}},
	}
	for _, tt := range tests {
		if got := report.DefaultPairs(tt.features); !slices.Equal(got, tt.want) {
			t.Errorf("DefaultPairs(%d) = %v, want %v", tt.features, got, tt.want)
		}
	}
}
