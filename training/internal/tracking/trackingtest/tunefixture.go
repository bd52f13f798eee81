package trackingtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// TuneRunFixture returns a finished tune run started at start, of the
// fixture runs' data (same md5): svm (a categorical kernel, log-uniform C
// and gamma, gamma only in the rbf kernel's trials, as a conditional
// parameter) and decision_tree (a categorical criterion, a log-scaled
// max_depth that may be null, an integer min_samples_split) tuned with two
// outer folds and 24 trials per search in batches of 8, pruned at the
// first fold, and xgboost failed. The trials are drawn from a seeded source
// and scored by known functions of their parameters (svm: the linear
// kernel is best, with C above 1; the tree: max_depth near 4 and small
// min_samples_split are best, the criterion barely matters), rounded to
// the accuracies 40 rows allow; svm's trial 5 is infeasible. Made up but
// shaped like a real tune of Iris.
func TuneRunFixture(id string, start time.Time) *tracking.Run {
	end := start.Add(9*time.Second + 400*time.Millisecond)
	svm := drawTunedModel("svm", []tracking.TuneDim{
		{Name: "kernel", Type: "categorical", Choices: []any{"linear", "rbf"}},
		{Name: "C", Type: "float", Low: 1e-3, High: 1e3, Log: true},
		{Name: "gamma", Type: "float", Low: 1e-4, High: 10, Log: true},
	}, 1, func(p map[string]any) float64 {
		c := math.Log10(p["C"].(float64))
		if p["kernel"] == "linear" {
			return 0.955 + 0.015*math.Tanh(c)
		}
		g := math.Log10(p["gamma"].(float64)) + 1
		return 0.95 - 0.015*g*g + 0.01*math.Tanh(c)
	})
	tree := drawTunedModel("decision_tree", []tracking.TuneDim{
		{Name: "criterion", Type: "categorical", Choices: []any{"gini", "entropy"}},
		{Name: "max_depth", Type: "int", Low: 1, High: 32, Log: true, Step: 1, Unlimited: true},
		{Name: "min_samples_split", Type: "int", Low: 2, High: 20, Step: 1},
	}, 2, func(p map[string]any) float64 {
		depth := 33.0
		if d, ok := p["max_depth"].(int); ok {
			depth = float64(d)
		}
		l := math.Log2(depth) - 2
		v := 0.95 - 0.02*l*l/4 - 0.002*float64(p["min_samples_split"].(int)-2)
		if p["criterion"] == "entropy" {
			v -= 0.002
		}
		return v
	})
	return &tracking.Run{
		Format: tracking.FormatVersion, ID: id, Kind: tracking.KindTune, Status: tracking.StatusFinished,
		Start: start, End: &end, Command: []string{"mlops", "tune", "--trials", "24"},
		Process:    tracking.Process{Host: "builder", PID: 4545},
		Git:        &tracking.Git{Commit: "89abcdef0123456789abcdef0123456789abcdef", Branch: "main"},
		ParamsFile: "params.yaml", Params: params(1.0, 3),
		Data: data(),
		CV:   &tracking.CVSpec{Folds: 2, Repeats: 1},
		Tune: &tracking.Tune{
			Sampler: "tpe", Trials: 24, Batch: 8, InnerFolds: 3, Pruning: true,
			Models: []tracking.TunedModel{svm, tree, {
				Name: "xgboost", Algorithm: "xgboost", Status: tracking.ModelFailed,
				Error: "tune xgboost: default settings: context deadline exceeded",
			}},
		},
	}
}

// drawTunedModel draws the searches of a model: two outer folds then the final
// search, each of 24 trials scored by f on 3 inner folds (plus a fold's
// wobble), the trials of each batch of 8 below the batch's median after
// the first fold pruned there.
func drawTunedModel(name string, dims []tracking.TuneDim, seed uint64, f func(map[string]any) float64) tracking.TunedModel {
	rng := rand.New(rand.NewPCG(seed, 7))
	m := tracking.TunedModel{Name: name, Algorithm: name, Status: tracking.ModelTrained, Space: dims, DurationSeconds: 4.2}
	for fold := range 3 {
		s := tracking.TuneSearch{Fold: fold, Rows: 60, Best: -1}
		if fold == 2 {
			s.Fold, s.Rows = -1, 120
		}
		best := math.Inf(-1)
		for b := 0; b < 24; b += 8 {
			var firsts []float64
			for n := b; n < b+8; n++ {
				p := map[string]any{}
				for _, d := range dims {
					p[d.Name] = drawTuneValue(rng, d)
				}
				if name == "svm" && p["kernel"] != "rbf" {
					// gamma is conditional: only the rbf kernel has it.
					delete(p, "gamma")
				}
				t := tracking.TuneTrial{Number: n, Params: p, State: "complete", DurationSeconds: 0.01}
				if name == "svm" && n == 5 {
					t.State, t.Scores = "infeasible", []float64{0}
				} else {
					v := f(p)
					for k := range 3 {
						t.Scores = append(t.Scores, roundAccuracy(v+0.02*math.Sin(float64(7*n+3*k+fold))))
						t.LogLosses = append(t.LogLosses, 1.5-t.Scores[k])
					}
					firsts = append(firsts, t.Scores[0])
				}
				s.Trials = append(s.Trials, t)
			}
			med := medianOf(firsts)
			for n := b; n < b+8; n++ {
				t := &s.Trials[n]
				if t.State == "complete" && t.Scores[0] < med {
					t.State, t.Scores, t.LogLosses = "pruned", t.Scores[:1], t.LogLosses[:1]
					m.Pruned++
				}
				if t.State == "complete" {
					if mean := (t.Scores[0] + t.Scores[1] + t.Scores[2]) / 3; mean > best {
						best, s.Best = mean, n
					}
				}
			}
		}
		if fold < 2 {
			test := roundAccuracy(best - 0.01*float64(fold+1))
			s.Test = &test
			m.Nested.Values = append(m.Nested.Values, test)
			m.InnerBest.Values = append(m.InnerBest.Values, best)
			m.DefaultCV.Values = append(m.DefaultCV.Values, roundAccuracy(0.925+0.025*float64(fold)))
		} else {
			m.Chosen, m.ChosenInner = s.Trials[s.Best].Params, best
		}
		m.Searches = append(m.Searches, s)
	}
	for _, cv := range []*tracking.CV{&m.DefaultCV, &m.Nested, &m.InnerBest} {
		cv.Metric = "accuracy"
		cv.Mean, cv.Std = meanStdOf(cv.Values)
	}
	return m
}

// drawTuneValue draws a value of d uniformly (log-uniformly on a log scale),
// as params.yaml holds it: a float64, an int, nil for no limit, a choice.
func drawTuneValue(rng *rand.Rand, d tracking.TuneDim) any {
	switch d.Type {
	case "categorical":
		return d.Choices[rng.IntN(len(d.Choices))]
	case "int":
		hi := d.High
		if d.Unlimited {
			hi++
		}
		v := int(math.Round(math.Exp(math.Log(d.Low) + rng.Float64()*(math.Log(hi)-math.Log(d.Low)))))
		if !d.Log {
			v = int(d.Low) + rng.IntN(int(hi-d.Low)+1)
		}
		if float64(v) > d.High {
			return nil
		}
		return v
	}
	if d.Log {
		return math.Exp(math.Log(d.Low) + rng.Float64()*(math.Log(d.High)-math.Log(d.Low)))
	}
	return d.Low + rng.Float64()*(d.High-d.Low)
}

// roundAccuracy rounds v to a multiple of 1/40 within [0, 1].
func roundAccuracy(v float64) float64 { return math.Round(min(max(v, 0), 1)*40) / 40 }

func medianOf(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func meanStdOf(v []float64) (float64, float64) {
	var mean, ss float64
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(v)))
}
