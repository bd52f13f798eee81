// Package paramstest writes params files for tests: the data section of
// Iris (the repository's data/iris.csv, or another CSV with its columns)
// followed by whatever sections a test needs, so that each test states
// only what it is about.
package paramstest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// irisFeatures is params.yaml's features list for Iris's four columns.
const irisFeatures = `  features:
    - {name: sepal_length, min: 0, max: 10}
    - {name: sepal_width, min: 0, max: 10}
    - {name: petal_length, min: 0, max: 10}
    - {name: petal_width, min: 0, max: 10}
`

// IrisCSV returns the absolute path of the repository's data/iris.csv,
// found from the test's working directory (its package's directory)
// upwards.
func IrisCSV(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		path := filepath.Join(dir, "data", "iris.csv")
		if _, err := os.Stat(path); err == nil {
			return path
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("paramstest: no data/iris.csv in the working directory or above it")
		}
		dir = parent
	}
}

// IrisData returns a data section for the CSV at csv, which has Iris's
// columns: label species, the four measurements as features with the
// range 0 to 10. Each of extra is one more line of the section, such as
// "missing: impute".
func IrisData(csv string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "data:\n  name: iris\n  path: %s\n  label: species\n", csv)
	for _, line := range extra {
		fmt.Fprintf(&b, "  %s\n", line)
	}
	b.WriteString(irisFeatures)
	return b.String()
}

// Write writes text as params.yaml in a new temporary directory and
// returns its path.
func Write(tb testing.TB, text string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "params.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// Iris writes a params file for the repository's data/iris.csv with the
// given sections (YAML text) after the data section, and returns its
// path.
func Iris(tb testing.TB, sections string) string {
	tb.Helper()
	return Write(tb, IrisData(IrisCSV(tb))+sections)
}
