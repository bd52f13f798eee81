package tune

import (
	"bytes"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/params/paramstest"
	"github.com/mlopsgo/mlops/training/internal/train"
)

// irisParams writes a params file for data/iris.csv with 3 x 1 outer
// folds, the given models: section and tune: section, and returns its
// path.
func irisParams(t *testing.T, models, tune string) string {
	t.Helper()
	return paramstest.Iris(t, fmt.Sprintf("cv: {folds: 3, repeats: 1}\nmodels:\n%s\ntune:\n%s\n", models, tune))
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestRunIris tunes two models on Iris with 1 and 4 workers: the results
// must be identical, the default settings' cross-validation must be the
// one `mlops train` reports for the same params, and the estimates must be
// those of models that learned (Iris is easy: well above chance).
func TestRunIris(t *testing.T) {
	path := irisParams(t, "  logistic_regression: {}\n  decision_tree: {}", "  trials: 10\n  batch: 4")
	var results []*Result
	for _, workers := range []int{1, 4} {
		r, err := Run(t.Context(), discard(), Options{ParamsPath: path, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range r.Models {
			zeroDurations(m)
		}
		results = append(results, r)
	}
	if !reflect.DeepEqual(results[0].Models, results[1].Models) {
		t.Errorf("1 worker and 4 workers differ:\n%+v\n%+v", results[0].Models[0], results[1].Models[0])
	}
	trained, err := train.Fit(t.Context(), discard(), train.Options{ParamsPath: path})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range results[0].Models {
		if cv := trained.Models[i].CV; m.DefaultCV.Mean != cv.Mean || m.Name != trained.Models[i].Name {
			t.Errorf("%s: default CV %v, mlops train's %v", m.Name, m.DefaultCV.Mean, cv.Mean)
		}
		if m.Nested.Mean < 0.8 || m.InnerBest.Mean < 0.8 || m.Trials != 10 || len(m.Outer) != 3 || len(m.Chosen) != len(m.Space) {
			t.Errorf("%s: nested %v, inner best %v, %d trials, %d outer points, chosen %v", m.Name, m.Nested.Mean, m.InnerBest.Mean, m.Trials, len(m.Outer), m.Chosen)
		}
	}
}

func TestRunRejects(t *testing.T) {
	tests := map[string]struct {
		models, tune string
		opts         Options
		want         string
	}{
		"unknown model":  {"  svm: {}", "  trials: 2", Options{Models: []string{"svn"}}, `unknown model "svn"`},
		"not configured": {"  svm: {}", "  trials: 2", Options{Models: []string{"xgboost"}}, `model "xgboost" is not configured`},
		"inner folds":    {"  svm: {}", "  inner_folds: 40", Options{}, "inner 40-fold cross-validation of 98 rows (lower tune.inner_folds or use more data)"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			tt.opts.ParamsPath = irisParams(t, tt.models, tt.tune)
			_, err := Run(t.Context(), discard(), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestRunWarnsWhenTimeIsTooShort gives --time a budget no search can
// keep: the run still completes every search's first batch, and says why
// it took longer and what to change.
func TestRunWarnsWhenTimeIsTooShort(t *testing.T) {
	path := irisParams(t, "  decision_tree: {}", "  batch: 4")
	tests := map[string]struct {
		budget time.Duration
		trials int
		warn   bool
	}{
		"too short": {budget: time.Nanosecond, warn: true},
		"enough":    {budget: time.Hour, trials: 4, warn: false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
			r, err := Run(t.Context(), logger, Options{ParamsPath: path, Time: tt.budget, Trials: tt.trials})
			if err != nil {
				t.Fatal(err)
			}
			if tt.warn && r.Models[0].Trials != 4 {
				t.Errorf("%d trials, want the first batch's 4", r.Models[0].Trials)
			}
			got := strings.Contains(logs.String(), "tuning outlasted its share of --time")
			if got != tt.warn {
				t.Errorf("warned %v, want %v; logs:\n%s", got, tt.warn, logs.String())
			}
			if tt.warn && !strings.Contains(logs.String(), "each of the 4 searches runs its first batch of 4 trials") {
				t.Errorf("the warning does not say why:\n%s", logs.String())
			}
		})
	}
}

// TestShare checks how the models split --time: the time a quick model
// leaves goes to the later ones, and one that ran over leaves them none.
func TestShare(t *testing.T) {
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Minute)
	tests := []struct {
		now    time.Time
		models int
		want   time.Duration
	}{
		{start, 4, 30 * time.Second},                            // the first of four
		{start.Add(10 * time.Second), 3, 110 * time.Second / 3}, // the first took 10 s of its 30
		{start.Add(90 * time.Second), 1, 30 * time.Second},      // the last takes what is left
		{start.Add(3 * time.Minute), 2, 0},                      // the budget has passed
	}
	for _, tt := range tests {
		if got := share(end, tt.now, tt.models); got != tt.want {
			t.Errorf("share at %v with %d models = %v, want %v", tt.now.Sub(start), tt.models, got, tt.want)
		}
	}
}

// TestRunOneTrialIsTheDefault tunes with one trial per search: each search
// then holds only the configured settings, so "tune, then train" is
// "train" and the nested estimate must be the configured settings' CV,
// fold for fold.
func TestRunOneTrialIsTheDefault(t *testing.T) {
	path := irisParams(t, "  svm: {kernel: linear, C: 1.0}\n  decision_tree: {}", "  trials: 1")
	r, err := Run(t.Context(), discard(), Options{ParamsPath: path})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range r.Models {
		if !reflect.DeepEqual(m.Nested.Values, m.DefaultCV.Values) {
			t.Errorf("%s: nested %v, default CV %v: want the same folds", m.Name, m.Nested.Values, m.DefaultCV.Values)
		}
		if m.Chosen.String() == "" || m.Trials != 1 {
			t.Errorf("%s: chose %v in %d trials", m.Name, m.Chosen, m.Trials)
		}
	}
}
