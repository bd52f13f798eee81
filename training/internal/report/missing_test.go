package report

import (
	"bytes"
	"math"
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
