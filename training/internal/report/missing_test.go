package report

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
)

// TestChartsLeaveOutMissingValues draws the data charts of a data set with
// missing values (data.missing: impute): they must render, with no NaN
// coordinate in the SVG, a missing value being left out rather than drawn.
func TestChartsLeaveOutMissingValues(t *testing.T) {
	nan := math.NaN()
	d := &dataset.Dataset{
		Features: []string{"a", "b"},
		Label:    "label",
		Classes:  []string{"x", "y"},
		X:        [][]float64{{nan, 1}, {1, 2}, {2, nan}, {3, 4}, {nan, 5}, {4, 1}},
		Y:        []int{0, 0, 1, 1, 0, 1},
	}
	for name, draw := range map[string]func() ([]byte, error){
		"scatter":        func() ([]byte, error) { return Scatter(d, 0, 1) },
		"scatter matrix": func() ([]byte, error) { return ScatterMatrix(d) },
	} {
		svg, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bytes.Contains(svg, []byte("NaN")) {
			t.Errorf("%s: the SVG has a NaN coordinate", name)
		}
	}
}

// TestScatterSamplesLargeData draws a data set of many rows and features:
// each scatter plot must draw MaxScatterPoints of them, the same rows every
// time, and the matrix only the first MaxMatrixFeatures features.
func TestScatterSamplesLargeData(t *testing.T) {
	const rows, features = 3 * MaxScatterPoints, MaxMatrixFeatures + 3
	d := &dataset.Dataset{Label: "label", Classes: []string{"x", "y"}}
	for f := range features {
		d.Features = append(d.Features, "f"+strconv.Itoa(f))
	}
	for i := range rows {
		row := make([]float64, features)
		for f := range row {
			row[f] = float64((i*(f+3))%97) + 0.5*float64(f)
		}
		d.X = append(d.X, row)
		d.Y = append(d.Y, i%2)
	}
	picked := ScatterRows(d, MaxScatterPoints)
	if len(picked) != MaxScatterPoints || !slices.IsSorted(picked) || !slices.Equal(picked, ScatterRows(d, MaxScatterPoints)) {
		t.Fatalf("ScatterRows: %d rows, sorted %t, or not the same twice; want %d sorted, deterministic", len(picked), slices.IsSorted(picked), MaxScatterPoints)
	}
	svg, err := Scatter(d, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Each point is one path; axes, ticks, grid and legend add some dozens.
	if n := bytes.Count(svg, []byte("<path")); n < MaxScatterPoints || n > MaxScatterPoints+200 {
		t.Errorf("scatter has %d paths, want %d points and a few dozen others", n, MaxScatterPoints)
	}
	matrix, err := ScatterMatrix(d)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(matrix, []byte(">f"+strconv.Itoa(MaxMatrixFeatures)+"<")) || !bytes.Contains(matrix, []byte(">f"+strconv.Itoa(MaxMatrixFeatures-1)+"<")) {
		t.Errorf("scatter matrix labels: want f0 to f%d and not f%d", MaxMatrixFeatures-1, MaxMatrixFeatures)
	}
}
