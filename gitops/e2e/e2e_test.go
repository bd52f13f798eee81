package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/gitops/internal/render"
	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// chartDir is the chart, relative to this package.
const chartDir = "../charts/model-api"

// testImage is the image every render uses (the chart has none by default:
// the release writes it into each environment's Application).
const testImage = "../testdata/image.yaml"

// requireE2E skips unless MLOPS_E2E=1 (and always under -short).
func requireE2E(t *testing.T) {
	t.Helper()
	procrun.RequireE2E(t, "make e2e-gitops")
}

// run runs a program and returns its combined output, failing the test
// when it exits non-zero.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// renderChart renders the chart with the Go SDK, over the test image.
func renderChart(t *testing.T, o render.Options) *render.Manifest {
	t.Helper()
	o.ChartDir = chartDir
	o.ValueFiles = append([]string{testImage}, o.ValueFiles...)
	for i, f := range o.ValueFiles {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		o.ValueFiles[i] = abs
	}
	m, err := render.Render(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readCSV returns the rows of a numeric CSV with a header, as maps from
// column to value, leaving out non-numeric columns (the label).
func readCSV(t *testing.T, path string) []map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var header []string
	var rows []map[string]float64
	for sc.Scan() {
		cells := strings.Split(strings.TrimSpace(sc.Text()), ",")
		if header == nil {
			header = cells
			continue
		}
		row := map[string]float64{}
		for i, c := range cells {
			var v float64
			if _, err := fmt.Sscan(c, &v); err == nil && i < len(header) {
				row[header[i]] = v
			}
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}
