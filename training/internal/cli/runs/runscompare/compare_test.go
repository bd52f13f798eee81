package runscompare_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runscompare"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

func TestCompare(t *testing.T) {
	runs := append(trackingtest.Runs(), trackingtest.TuneRuns()...)
	tests := []struct {
		name string
		idx  []int
	}{
		{"two", []int{0, 1}},
		{"with_failed", []int{0, 1, 2}},
		{"one", []int{1}},
		{"tune", []int{3, 4}},
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

func TestSelect(t *testing.T) {
	train, tune := trackingtest.Runs(), trackingtest.TuneRuns()
	store := trackingtest.Store(t, append(train, tune...)...)
	tests := []struct {
		name    string
		refs    []string
		kind    tracking.Kind
		want    []string
		wantErr string
	}{
		{"default: the last two finished training runs", nil, tracking.KindTrain, []string{train[0].ID, train[1].ID}, ""},
		{"the last two finished tuning runs", nil, tracking.KindTune, []string{tune[0].ID, tune[1].ID}, ""},
		{"named tuning runs", []string{tune[1].ID, "20261121-15"}, tracking.KindTrain, []string{tune[1].ID, tune[0].ID}, ""},
		{"a training run and a tuning run", []string{train[0].ID, tune[0].ID}, tracking.KindTrain, nil,
			"20261120-093000-a1b2c3 is a train run, 20261121-153000-7e7e7e a tune run; compare training runs with training runs and tuning runs with tuning runs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs, err := runscompare.Select(store, tt.refs, tt.kind)
			if tt.wantErr != "" {
				if !errors.Is(err, tracking.ErrMixedKinds) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Select error %v, want ErrMixedKinds saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range runs {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("Select(%v, %s) = %v, want %v", tt.refs, tt.kind, ids, tt.want)
			}
		})
	}
	if _, err := runscompare.Select(trackingtest.Store(t, train...), nil, tracking.KindTune); err == nil || !strings.Contains(err.Error(), "no finished tune runs") {
		t.Errorf("no tuning runs: error %v, want one saying so", err)
	}
}
