package metricsfile_test

import (
	"math"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/metricsfile"
)

func ptr(v float64) *float64 { return &v }

func TestRowChange(t *testing.T) {
	// A tolerance for comparing the returned delta, not the change test
	// itself: the deltas below are differences of decimal fractions.
	const deltaTol = 1e-12
	tests := []struct {
		name        string
		old, new    *float64
		higher      bool
		wantChanged bool
		wantDelta   float64
		wantBetter  bool
	}{
		{"equal", ptr(0.96), ptr(0.96), true, false, 0, false},
		{"float noise", ptr(0.1 + 0.2), ptr(0.3), true, false, 0, false},
		{"below the tolerance, up", ptr(0.96), ptr(0.96004), true, false, 0, false},
		{"below the tolerance, down", ptr(0.96), ptr(0.95996), true, false, 0, false},
		{"up, higher is better", ptr(0.96), ptr(0.9601), true, true, 0.0001, true},
		{"up, lower is better", ptr(0.1), ptr(0.2), false, true, 0.1, false},
		{"down, lower is better", ptr(1.2015), ptr(0.9), false, true, -0.3015, true},
		{"new model", nil, ptr(0.9), true, false, 0, false},
		{"removed model", ptr(0.9), nil, true, false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := metricsfile.Row{Old: tt.old, New: tt.new, HigherIsBetter: tt.higher}
			d, changed := r.Change()
			if changed != tt.wantChanged {
				t.Fatalf("Change() changed = %v, want %v (delta %g)", changed, tt.wantChanged, d)
			}
			if !changed {
				return
			}
			if math.Abs(d-tt.wantDelta) > deltaTol {
				t.Errorf("Change() delta = %g, want %g", d, tt.wantDelta)
			}
			if got := r.Better(d); got != tt.wantBetter {
				t.Errorf("Better(%g) = %v, want %v", d, got, tt.wantBetter)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	file := func(champion string, models ...string) *metricsfile.File {
		f := &metricsfile.File{Champion: champion, Models: map[string]metricsfile.Model{}}
		for i, m := range models {
			f.Models[m] = metricsfile.Model{CV: metricsfile.CV{AccuracyMean: 0.9 + float64(i)/100}}
		}
		return f
	}
	tests := []struct {
		name         string
		old, cur     *metricsfile.File
		wantModels   []string // one per row group, in order
		wantOld      []bool   // whether the group has an old value
		wantNew      []bool
		wantChampion [2]string
	}{
		{"first training", nil, file("b", "b", "a"), []string{"a", "b"}, []bool{false, false}, []bool{true, true}, [2]string{"", "b"}},
		{"model added and removed", file("a", "a", "c"), file("b", "b", "a"), []string{"a", "b", "c"}, []bool{true, false, true}, []bool{true, true, false}, [2]string{"a", "b"}},
		{"nothing on either side", nil, nil, []string{}, []bool{}, []bool{}, [2]string{"", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := metricsfile.Diff("HEAD", tt.old, "working tree", tt.cur)
			if c.Old != "HEAD" || c.New != "working tree" || c.OldChampion != tt.wantChampion[0] || c.NewChampion != tt.wantChampion[1] {
				t.Errorf("header %q %q, champions %q %q; want HEAD, working tree, %v", c.Old, c.New, c.OldChampion, c.NewChampion, tt.wantChampion)
			}
			perModel := len(c.Rows) / max(1, len(tt.wantModels))
			if len(c.Rows) != perModel*len(tt.wantModels) || (len(tt.wantModels) > 0 && perModel == 0) {
				t.Fatalf("%d rows for %d models", len(c.Rows), len(tt.wantModels))
			}
			var models []string
			for i, r := range c.Rows {
				g := i / perModel
				if i%perModel == 0 {
					models = append(models, r.Model)
				}
				if (r.Old != nil) != tt.wantOld[g] || (r.New != nil) != tt.wantNew[g] {
					t.Errorf("row %s %s: old %v new %v; want old %v new %v", r.Model, r.Metric, r.Old, r.New, tt.wantOld[g], tt.wantNew[g])
				}
			}
			if models == nil {
				models = []string{}
			}
			if !slices.Equal(models, tt.wantModels) {
				t.Errorf("models %v, want %v", models, tt.wantModels)
			}
		})
	}
}
