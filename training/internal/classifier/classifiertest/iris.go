package classifiertest

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Dataset is a labelled training set. X is row-major; Y holds indices into
// Classes.
type Dataset struct {
	Features []string
	Classes  []string
	X        [][]float64
	Y        []int
}

// IrisRows is the number of rows of data/iris.csv left after dropping exact
// duplicates.
const IrisRows = 147

// Iris reads data/iris.csv from the repository root with encoding/csv, drops
// exact duplicate rows keeping the first (as pandas.DataFrame.drop_duplicates
// does), sorts the class names lexicographically and keeps the feature
// columns in file order. It fails the test on any error. Scripts that compute
// expected values with scikit-learn load the file the same way.
func Iris(tb testing.TB) Dataset {
	tb.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("classifiertest: cannot locate the source file")
	}
	// here is training/internal/classifier/classifiertest/iris.go.
	path := filepath.Join(filepath.Dir(here), "..", "..", "..", "..", "data", "iris.csv")
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("open iris: %v", err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	if len(records) < 2 {
		tb.Fatalf("read %s: %d records, want a header and rows", path, len(records))
	}
	header := records[0]
	d := Dataset{Features: slices.Clone(header[:len(header)-1])}
	seen := make(map[string]bool)
	var labels []string
	for n, rec := range records[1:] {
		row := make([]float64, len(d.Features))
		key := make([]string, 0, len(rec))
		for j := range row {
			v, err := strconv.ParseFloat(rec[j], 64)
			if err != nil {
				tb.Fatalf("%s: row %d, column %q: %v", path, n+1, header[j], err)
			}
			row[j] = v
			// Compare parsed values, as pandas does, not their spelling.
			key = append(key, strconv.FormatFloat(v, 'g', -1, 64))
		}
		label := rec[len(rec)-1]
		key = append(key, label)
		k := strings.Join(key, ",")
		if seen[k] {
			continue
		}
		seen[k] = true
		d.X = append(d.X, row)
		labels = append(labels, label)
	}
	if len(d.X) != IrisRows {
		// The scikit-learn references in testdata were computed on these rows.
		tb.Fatalf("%s: %d distinct rows, want %d", path, len(d.X), IrisRows)
	}
	d.Classes = slices.Sorted(slices.Values(uniq(labels)))
	d.Y = make([]int, len(labels))
	for i, l := range labels {
		d.Y[i] = slices.Index(d.Classes, l)
	}
	return d
}

func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
