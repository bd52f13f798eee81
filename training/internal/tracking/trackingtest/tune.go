package trackingtest

import (
	"fmt"
	"math"
	"time"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// TuneRuns returns two fixture tuning runs (kind "tune"), started after
// the runs of Runs: logistic regression and an SVM tuned on Iris with 3 x 1
// outer folds, 3 inner folds and trials in batches of 2, the first with 3
// trials per search, the second with 4 and --apply. Each model has three
// outer searches and the final one; their trials mix complete, pruned and
// infeasible ones. Values are made up but shaped like a real
// `mlops tune` run's.
func TuneRuns() []*tracking.Run {
	start1 := T0.Add(30 * time.Hour)
	r1 := tuneRun("20261121-153000-7e7e7e", start1, 3, false, 0)
	start2 := T0.Add(31 * time.Hour)
	r2 := tuneRun("20261121-163000-8f8f8f", start2, 4, true, 0.004)
	return []*tracking.Run{r1, r2}
}

func tuneRun(id string, start time.Time, trials int, applied bool, lift float64) *tracking.Run {
	end := start.Add(2*time.Second + 400*time.Millisecond)
	p := params(1.0, 3)
	p["cv"] = map[string]any{"folds": 3, "repeats": 1}
	p["models"] = map[string]any{
		"logistic_regression": map[string]any{"C": 1.0, "max_iter": 100},
		"svm":                 map[string]any{"kernel": "linear", "C": 1.0, "gamma": "scale"},
	}
	p["tune"] = map[string]any{"trials": 3, "batch": 2, "inner_folds": 3}
	cmd := []string{"mlops", "tune"}
	if trials != 3 {
		cmd = append(cmd, fmt.Sprintf("--trials=%d", trials))
	}
	if applied {
		cmd = append(cmd, "--apply=true")
	}
	return &tracking.Run{
		Format: tracking.FormatVersion, ID: id, Kind: tracking.KindTune, Status: tracking.StatusFinished,
		Start: start, End: &end, Command: cmd,
		Process:    tracking.Process{Host: "builder", PID: 4545},
		Git:        &tracking.Git{Commit: "89abcdef0123456789abcdef0123456789abcdef", Branch: "main"},
		ParamsFile: "params.yaml", Params: p,
		Data: data(),
		CV:   &tracking.CVSpec{Folds: 3, Repeats: 1},
		Tune: &tracking.Tune{
			Sampler: "tpe", Trials: trials, Batch: 2, InnerFolds: 3, Pruning: true, Applied: applied,
			Models: []tracking.TunedModel{
				tunedModel("logistic_regression", []tracking.TuneDim{{Name: "C", Type: "float", Low: 1e-4, High: 1e4, Log: true}},
					[]float64{0.9592, 0.9796, 0.9388}, []float64{0.9592 + lift, 0.9796, 0.9592 + lift}, trials,
					func(i int) map[string]any { return map[string]any{"C": math.Pow(10, float64(i%5)-1.5)} }),
				tunedModel("svm", []tracking.TuneDim{
					{Name: "kernel", Type: "categorical", Choices: []any{"linear", "rbf"}},
					{Name: "C", Type: "float", Low: 1e-3, High: 1e3, Log: true},
					{Name: "gamma", Type: "float", Low: 1e-4, High: 10, Log: true},
				}, []float64{0.9796, 0.9796, 0.9592}, []float64{0.9796, 0.9796 + lift, 0.9796}, trials,
					func(i int) map[string]any {
						k := []string{"linear", "rbf"}[i%2]
						return map[string]any{"kernel": k, "C": math.Pow(10, float64(i%4)-1), "gamma": 0.05 * float64(i+1)}
					}),
			},
		},
	}
}

// tunedModel builds a model's record: defaults and nested estimate per
// outer fold, and four searches (three outer, then the final) of trials
// trials each, whose points come from point(trial index over the run).
func tunedModel(name string, space []tracking.TuneDim, def, nested []float64, trials int, point func(int) map[string]any) tracking.TunedModel {
	m := tracking.TunedModel{
		Name: name, Algorithm: name, Status: tracking.ModelTrained, Space: space,
		DefaultCV: cvOf(def), Nested: cvOf(nested), DurationSeconds: 0.9,
	}
	inner := make([]float64, 0, 3)
	k := 0
	for i := range 4 {
		fold := i
		if i == 3 {
			fold = -1 // the final search comes last
		}
		s := tracking.TuneSearch{Fold: fold, Rows: 98, Best: -1}
		if fold == -1 {
			s.Rows = 117
		} else {
			test := nested[fold]
			s.Test = &test
		}
		best := -1.0
		for n := range trials {
			tr := tracking.TuneTrial{Number: n, Params: point(k), DurationSeconds: 0.0125 * float64(n+1)}
			k++
			switch {
			case n == 1:
				tr.State, tr.Scores = "pruned", []float64{0.8788}
				m.Pruned++
			case n == 2 && name == "svm":
				tr.State, tr.Scores = "infeasible", []float64{0}
			default:
				base := 0.95 + 0.01*float64((n+fold+3)%4)
				tr.State, tr.Scores = "complete", []float64{base, base + 0.0303, base - 0.0303}
				if base > best {
					best, s.Best = base, n
				}
			}
			s.Trials = append(s.Trials, tr)
		}
		if fold >= 0 {
			inner = append(inner, best)
		} else {
			m.ChosenInner = best
			m.Chosen = s.Trials[s.Best].Params
		}
		m.Searches = append(m.Searches, s)
	}
	m.InnerBest = cvOf(inner)
	return m
}

func cvOf(values []float64) tracking.CV {
	mean, ss := 0.0, 0.0
	for _, v := range values {
		mean += v
	}
	mean /= float64(len(values))
	for _, v := range values {
		ss += (v - mean) * (v - mean)
	}
	return tracking.CV{Metric: "accuracy", Mean: mean, Std: math.Sqrt(ss / float64(len(values))), Values: values}
}
