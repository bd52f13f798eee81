package report_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/report"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
	"github.com/mlopsgo/mlops/training/internal/tune/importance"
)

func tuneRun() *tracking.Run {
	return trackingtest.TuneRunFixture("20261121-120000-aaaaaa", trackingtest.T0.Add(26*time.Hour+30*time.Minute))
}

// final returns the final search of the tune run's model i.
func final(r *tracking.Run, i int) (*tracking.TunedModel, *tracking.TuneSearch) {
	m := &r.Tune.Models[i]
	return m, &m.Searches[len(m.Searches)-1]
}

func TestTuneChartsGolden(t *testing.T) {
	r := tuneRun()
	svm, svmFinal := final(r, 0)
	tree, treeFinal := final(r, 1)
	inputs := func(m *tracking.TunedModel, s *tracking.TuneSearch, state string) *importance.Inputs {
		in, err := importance.FromTrials(m.Space, s.Trials, state)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	tests := []struct {
		name   string
		render func() ([]byte, error)
		// texts are labels the chart must show.
		texts []string
	}{
		{"tune_history_svm", func() ([]byte, error) { return report.TuneHistory(svm.Name, svmFinal) },
			[]string{"svm: best score by trial", "best so far", "complete", "pruned", "infeasible", "chosen (best)", "trial"}},
		{"tune_history_tree", func() ([]byte, error) { return report.TuneHistory(tree.Name, treeFinal) },
			[]string{"decision_tree: best score by trial", "best so far", "complete", "pruned", "chosen (best)"}},
		{"tune_scores_svm", func() ([]byte, error) {
			return report.TuneScores(svm.Name, svm.Space, inputs(svm, svmFinal, "complete"), inputs(svm, svmFinal, "pruned"), svmFinal.Best)
		},
			[]string{"kernel", "linear", "rbf", "C (log scale)", "gamma (log scale)", "mean inner CV accuracy"}},
		{"tune_scores_tree", func() ([]byte, error) {
			return report.TuneScores(tree.Name, tree.Space, inputs(tree, treeFinal, "complete"), inputs(tree, treeFinal, "pruned"), treeFinal.Best)
		}, []string{"criterion", "gini", "entropy", "max_depth (log scale)", "null", "min_samples_split"}},
		// Given values: the chart, not the forest, is under test here.
		{"importances", func() ([]byte, error) {
			return report.Importances("svm: parameter importance (fANOVA)", []string{"kernel", "C", "gamma"}, []float64{0.25, 0.7, 0.05})
		}, []string{"svm: parameter importance (fANOVA)", "kernel", "0.700", "0.250", "0.050", "importance (share of the explained variance)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := tt.render()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(svg, []byte("<svg ")) || !bytes.HasSuffix(svg, []byte("</svg>\n")) {
				t.Fatalf("not a bare <svg> element: %.80q", svg)
			}
			texts := svgTexts(svg)
			for _, want := range tt.texts {
				if !slices.Contains(texts, want) {
					t.Errorf("the chart has no text %q; it has %q", want, texts)
				}
			}
			trackingtest.Golden(t, tt.name+"_golden.svg", svg)
		})
	}
}

// svgTexts returns the text of every <text> element of svg, unescaped.
func svgTexts(svg []byte) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllSubmatch(svg, -1) {
		out = append(out, strings.NewReplacer("&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`).Replace(string(m[1])))
	}
	return out
}

// The importance chart draws the parameters most important first (on
// top), whatever their order in the space.
func TestImportancesOrder(t *testing.T) {
	svg, err := report.Importances("t", []string{"a", "b", "c"}, []float64{0.2, 0.5, 0.3})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range svgTexts(svg) {
		if s == "a" || s == "b" || s == "c" {
			names = append(names, s)
		}
	}
	// The y axis is drawn bottom-up: least important first.
	if want := []string{"a", "c", "b"}; !slices.Equal(names, want) {
		t.Errorf("axis labels in drawing order %v, want %v", names, want)
	}
	if svg, err := report.Importances("t", nil, nil); svg != nil || err != nil {
		t.Errorf("no parameters: %d bytes, %v; want nothing", len(svg), err)
	}
}

func TestTuningSection(t *testing.T) {
	runs := trackingtest.Runs()
	build := func(t *testing.T, tune *tracking.Run) *report.Report {
		t.Helper()
		rep, err := report.Build(report.Options{Run: runs[1], History: runs, Tune: tune, TuneNote: "Picked for the test."})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	t.Run("charts", func(t *testing.T) {
		rep := build(t, tuneRun())
		tu := rep.Tuning
		if tu == nil || tu.Run.ID != "20261121-120000-aaaaaa" || tu.Note != "Picked for the test." || tu.Budget != "24 trials" {
			t.Fatalf("tuning section %+v", tu)
		}
		var names []string
		for _, m := range tu.Models {
			names = append(names, m.Name)
		}
		if want := []string{"svm", "decision_tree", "xgboost"}; !slices.Equal(names, want) {
			t.Errorf("models %v, want %v", names, want)
		}
		wantIDs := [][]string{
			{"chart-tune-svm-history", "chart-tune-svm-importance", "chart-tune-svm-scores"},
			{"chart-tune-decision_tree-history", "chart-tune-decision_tree-importance", "chart-tune-decision_tree-scores"},
			nil,
		}
		for i, m := range tu.Models {
			var ids []string
			for _, c := range m.Charts {
				ids = append(ids, c.ID)
				if !strings.Contains(c.Caption, "the final search (on the training split, 120 rows, 3-fold inner cross-validation)") {
					t.Errorf("%s: the caption does not name the search: %q", c.ID, c.Caption)
				}
				if !bytes.HasPrefix([]byte(c.SVG), []byte("<svg ")) {
					t.Errorf("%s: no SVG", c.ID)
				}
			}
			if !slices.Equal(ids, wantIDs[i]) {
				t.Errorf("%s: charts %v, want %v", m.Name, ids, wantIDs[i])
			}
			if len(m.Notes) > 0 {
				t.Errorf("%s: notes %q", m.Name, m.Notes)
			}
		}
		// gamma is conditional: the chosen linear kernel has none.
		if got, want := tu.Models[0].Chosen, "{kernel: linear, C: 962.1}"; got != want {
			t.Errorf("svm chosen %q, want %q", got, want)
		}
		if got, want := tu.Models[1].Chosen, "{criterion: gini, max_depth: 3, min_samples_split: 2}"; got != want {
			t.Errorf("decision_tree chosen %q, want %q", got, want)
		}
		if !tu.Models[2].Failed() || tu.Models[2].Chosen != "-" {
			t.Errorf("xgboost: failed %v, chosen %q; want failed, -", tu.Models[2].Failed(), tu.Models[2].Chosen)
		}
		c := tu.Models[0].Charts[0].Caption
		if !strings.Contains(c, "15 complete; 8 pruned") || !strings.Contains(c, "1 infeasible") {
			t.Errorf("svm history caption does not count the trials: %q", c)
		}
		if c := tu.Models[0].Charts[1].Caption; !regexp.MustCompile(`over the 15 complete trials .* Main effects explain \d+% of the forest's variance; the rest is interactions\. Left out, as Optuna leaves them out: gamma, which not every complete trial has \(conditional parameters\)\.$`).MatchString(c) {
			t.Errorf("svm importance caption %q", c)
		}
		if c := tu.Models[1].Charts[1].Caption; strings.Contains(c, "Left out") {
			t.Errorf("decision_tree importance caption leaves something out: %q", c)
		}
	})
	tests := []struct {
		name string
		// edit changes the fixture's svm final search.
		edit func(s *tracking.TuneSearch)
		note string
	}{
		{"one complete trial", func(s *tracking.TuneSearch) {
			n := 0
			for i := range s.Trials {
				if s.Trials[i].State == "complete" {
					if n++; n > 1 {
						s.Trials[i].State, s.Trials[i].Scores = "pruned", s.Trials[i].Scores[:1]
					}
				}
			}
		}, "No parameter importances for svm: too few complete trials, 1, where fANOVA needs at least 2 (the final search (on the training split, 120 rows, 3-fold inner cross-validation))."},
		{"all scores equal", func(s *tracking.TuneSearch) {
			for i := range s.Trials {
				for k := range s.Trials[i].Scores {
					s.Trials[i].Scores[k] = 0.95
				}
			}
		}, "No parameter importances for svm: its 15 complete trials all scored the same (the final search (on the training split, 120 rows, 3-fold inner cross-validation))."},
		{"unreadable trial", func(s *tracking.TuneSearch) {
			s.Trials[0].Params["kernel"] = "poly"
		}, "The trials of svm's final search cannot be read: importance: trial 0: kernel is poly, not one of its choices [linear rbf]."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tuneRun()
			_, s := final(r, 0)
			tt.edit(s)
			m := build(t, r).Tuning.Models[0]
			if !slices.Contains(m.Notes, tt.note) {
				t.Errorf("notes %q\nwant %q", m.Notes, tt.note)
			}
			for _, c := range m.Charts {
				if c.ID == "chart-tune-svm-importance" {
					t.Error("an importance chart anyway")
				}
			}
		})
	}
	t.Run("no final search", func(t *testing.T) {
		r := tuneRun()
		r.Tune.Models[0].Searches = r.Tune.Models[0].Searches[:2]
		m := build(t, r).Tuning.Models[0]
		if len(m.Charts) != 0 || !slices.Equal(m.Notes, []string{"The run recorded no final search for svm: no charts."}) {
			t.Errorf("charts %d, notes %q", len(m.Charts), m.Notes)
		}
	})
	t.Run("time budget", func(t *testing.T) {
		r := tuneRun()
		r.Tune.Trials, r.Tune.TimeBudgetSeconds = 0, 120
		if got := build(t, r).Tuning.Budget; got != "a 2m0s time budget" {
			t.Errorf("budget %q", got)
		}
	})
	t.Run("not a tune run", func(t *testing.T) {
		_, err := report.Build(report.Options{Run: runs[1], Tune: runs[0]})
		if err == nil || err.Error() != "report: run 20261120-093000-a1b2c3 is not a tune run" {
			t.Errorf("error %v", err)
		}
	})
	t.Run("no tune run", func(t *testing.T) {
		if rep := build(t, nil); rep.Tuning != nil {
			t.Error("a tuning section without a tune run")
		}
	})
}

// The page's tuning section: which run, the table with the optimistic
// inner best labelled, the charts, and still nothing loaded from anywhere.
func TestReportWithTuning(t *testing.T) {
	runs := trackingtest.Runs()
	var buf bytes.Buffer
	err := report.Render(&buf, report.Options{Run: runs[1], History: runs, Data: mini(t), Tune: tuneRun(), TuneNote: "The latest finished tune run on the same data."})
	if err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		`<h2 id="tuning">Tuning</h2>`,
		"<p>Tune run <code>20261121-120000-aaaaaa</code> (finished, started 2026-11-21 12:00:00 UTC, 9.4s, data md5 <code>9f44d5c52de2354fb45e9dcfc0e90b16</code>): tpe search with 24 trials per search in batches of 8, each trial scored by 3-fold inner cross-validation with successive-halving pruning; nested estimate over stratified 2-fold cross-validation × 1 repeats.</p>",
		`<p class="note">The latest finished tune run on the same data.</p>`,
		"<th>inner best* (optimistic)</th>",
		`<tr id="tuned-svm"><td>svm</td><td>0.9375 ± 0.0125</td>`,
		`<tr id="tuned-xgboost" class="failed"><td>xgboost</td>`,
		"failed: tune xgboost: default settings: context deadline exceeded",
		`<h3 id="tuning-decision_tree">decision_tree</h3>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not contain %q", want)
		}
	}
	if strings.Contains(page, `id="tuning-xgboost"`) {
		t.Error("the failed model has a chart section")
	}
	for _, bad := range []string{"<script", "<link", "<img", "@import", "url(", "<iframe"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	ids := regexp.MustCompile(`<figure id="(chart-tune-[^"]+)"`).FindAllStringSubmatch(page, -1)
	var got []string
	for _, m := range ids {
		got = append(got, m[1])
	}
	want := []string{
		"chart-tune-svm-history", "chart-tune-svm-importance", "chart-tune-svm-scores",
		"chart-tune-decision_tree-history", "chart-tune-decision_tree-importance", "chart-tune-decision_tree-scores",
	}
	if !slices.Equal(got, want) {
		t.Errorf("tuning charts %v\nwant %v", got, want)
	}
	// The section comes last, after the models and the runs.
	if strings.Index(page, `id="tuning"`) < strings.Index(page, `id="runs"`) {
		t.Error("the tuning section is not after the runs")
	}
}

// A final search whose trials were all pruned still gets its score
// charts (from the pruned trials); one with neither kind gets none.
func TestTuneScoresPrunedOnly(t *testing.T) {
	svm, s := final(tuneRun(), 0)
	var stopped []tracking.TuneTrial
	for _, tr := range s.Trials {
		if tr.State == "pruned" {
			stopped = append(stopped, tr)
		}
	}
	complete, err := importance.FromTrials(svm.Space, stopped, "complete")
	if err != nil {
		t.Fatal(err)
	}
	pruned, err := importance.FromTrials(svm.Space, stopped, "pruned")
	if err != nil || len(complete.Y) != 0 || len(pruned.Y) == 0 {
		t.Fatalf("%d complete and %d pruned trials (%v); the fixture should have pruned ones only here", len(complete.Y), len(pruned.Y), err)
	}
	if svg, err := report.TuneScores(svm.Name, svm.Space, complete, pruned, s.Best); err != nil || !bytes.Contains(svg, []byte("<svg ")) {
		t.Errorf("pruned trials only: %d bytes, %v; want a chart", len(svg), err)
	}
	if svg, err := report.TuneScores(svm.Name, svm.Space, complete, nil, s.Best); svg != nil || err != nil {
		t.Errorf("no trials: %d bytes, %v; want nothing", len(svg), err)
	}
}
