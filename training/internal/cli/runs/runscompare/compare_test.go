package runscompare_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runscompare"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

func TestCompare(t *testing.T) {
	runs := trackingtest.Runs()
	tests := []struct {
		name string
		idx  []int
	}{
		{"two", []int{0, 1}},
		{"with_failed", []int{0, 1, 2}},
		{"one", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var picked = runs[:0:0]
			for _, i := range tt.idx {
				picked = append(picked, runs[i])
			}
			c := tracking.Compare(picked)
			var buf bytes.Buffer
			if err := runscompare.WriteTable(&buf, c); err != nil {
				t.Fatal(err)
			}
			trackingtest.Golden(t, "compare_"+tt.name+"_golden.txt", buf.Bytes())
			data, err := json.MarshalIndent(c, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			trackingtest.Golden(t, "compare_"+tt.name+"_golden.json", append(data, '\n'))
		})
	}
}

// A reader that goes away (`mlops runs compare | head -1`) is an error,
// not silence.
func TestWriteTableClosedPipe(t *testing.T) {
	runs := trackingtest.Runs()
	// One run: the page ends with the legend, outside any table.
	for name, picked := range map[string][]*tracking.Run{"one": runs[1:2], "two": runs[:2]} {
		t.Run(name, func(t *testing.T) {
			trackingtest.CheckClosedPipe(t, func(w io.Writer) error { return runscompare.WriteTable(w, tracking.Compare(picked)) })
		})
	}
}
