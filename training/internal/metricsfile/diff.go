package metricsfile

import (
	"maps"
	"math"
	"slices"
)

// Comparison is two metrics files side by side.
type Comparison struct {
	Old         string `json:"old"`
	New         string `json:"new"`
	OldChampion string `json:"old_champion"`
	NewChampion string `json:"new_champion"`
	Rows        []Row  `json:"rows"`
}

// Row is one metric of one model. Old or New is nil where that side has no
// such model, or the model failed there (it has no metrics).
type Row struct {
	Model  string   `json:"model"`
	Metric string   `json:"metric"`
	Old    *float64 `json:"old"`
	New    *float64 `json:"new"`
	// HigherIsBetter says which way an improvement goes.
	HigherIsBetter bool `json:"higher_is_better"`
}

type diffed struct {
	name   string
	get    func(Model) float64
	higher bool
}

var diffedMetrics = []diffed{
	{"cv accuracy (mean)", func(m Model) float64 { return m.CV.AccuracyMean }, true},
	{"cv accuracy (std)", func(m Model) float64 { return m.CV.AccuracyStd }, false},
	{"test accuracy", func(m Model) float64 { return m.Test.Accuracy }, true},
	{"test precision (weighted)", func(m Model) float64 { return m.Test.PrecisionWeighted }, true},
	{"test recall (weighted)", func(m Model) float64 { return m.Test.RecallWeighted }, true},
	{"test F1 (macro)", func(m Model) float64 { return m.Test.F1Macro }, true},
	{"test log loss", func(m Model) float64 { return m.Test.LogLoss }, false},
}

// Diff compares old (nil: absent) with cur, model by model (sorted by
// name), metric by metric: what `mlops runs diff` shows.
func Diff(oldName string, old *File, newName string, cur *File) Comparison {
	c := Comparison{Old: oldName, New: newName, Rows: []Row{}}
	names := map[string]bool{}
	if old != nil {
		c.OldChampion = old.Champion
		for k := range old.Models {
			names[k] = true
		}
	}
	if cur != nil {
		c.NewChampion = cur.Champion
		for k := range cur.Models {
			names[k] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		for _, mt := range diffedMetrics {
			row := Row{Model: name, Metric: mt.name, HigherIsBetter: mt.higher}
			if old != nil {
				if m, ok := old.Models[name]; ok && !m.Failed() {
					v := mt.get(m)
					row.Old = &v
				}
			}
			if cur != nil {
				if m, ok := cur.Models[name]; ok && !m.Failed() {
					v := mt.get(m)
					row.New = &v
				}
			}
			c.Rows = append(c.Rows, row)
		}
	}
	return c
}

// ChangeTolerance is the smallest difference between two values of a
// metric that counts as a change: half a unit in the fourth decimal, the
// precision `mlops runs diff` prints, so a change never shows as +0.0000
// and float noise in a retrained model is not reported.
const ChangeTolerance = 0.5e-4

// Change returns New - Old and whether it is a change (at least
// ChangeTolerance in size). A row missing a side has no change.
func (r Row) Change() (delta float64, changed bool) {
	if r.Old == nil || r.New == nil {
		return 0, false
	}
	delta = *r.New - *r.Old
	return delta, math.Abs(delta) >= ChangeTolerance
}

// Better reports whether a change of delta is an improvement.
func (r Row) Better(delta float64) bool { return (delta > 0) == r.HigherIsBetter }
