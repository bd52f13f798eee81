package tune

import (
	"context"
	"reflect"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/params/paramstest"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// TestConfiguredTrial checks which models start their searches with the
// configured settings: those whose space can take them, not a forest
// whose max_features is a name, nor a model whose space params.yaml
// narrowed away from its settings.
func TestConfiguredTrial(t *testing.T) {
	path := paramstest.Iris(t, `models:
  logistic_regression: {C: 1.0}
  decision_tree: {}
  random_forest: {max_features: sqrt}
  svm: {kernel: linear, C: 1.0}
  xgboost: {}
tune:
  models:
    xgboost: {learning_rate: {low: 0.05, high: 0.3}, max_depth: {high: 4}}
`)
	p, err := params.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]space.Point{
		"logistic_regression": {{Key: "C", Value: 1.0}},
		"decision_tree": {{Key: "criterion", Value: "gini"}, {Key: "max_depth", Value: nil},
			{Key: "min_samples_split", Value: 2}, {Key: "min_samples_leaf", Value: 1}},
		"random_forest": nil,                                                        // sqrt is not a fraction
		"svm":           {{Key: "kernel", Value: "linear"}, {Key: "C", Value: 1.0}}, // gamma: inactive
		"xgboost":       nil,                                                        // max_depth 6 narrowed away
	}
	for name, pt := range want {
		m, err := modelOf(p, name)
		if err != nil {
			t.Fatal(err)
		}
		if (m.Configured == nil) != (pt == nil) || m.ConfiguredPoint.String() != pt.String() {
			t.Errorf("%s: configured trial %v (%v), want %v", name, m.ConfiguredPoint, m.Configured, pt)
		}
	}
}

// TestSearchesStartConfigured checks that every search's trial 0 is the
// configured settings, scored like any trial, and that the others are
// the sampler's.
func TestSearchesStartConfigured(t *testing.T) {
	y := labels(60, 3)
	m := testModel
	m.Configured, m.ConfiguredPoint = []float64{0}, space.Point{{Key: "C", Value: 1.0}} // log(1)
	fs := func(_ context.Context, c fitCall) (fitScore, error) { return fakeScore(c), nil }
	pl := testPlan(t, y, 3, true, 2)
	r, err := tuneModel(t.Context(), m, fs, pl)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range r.Searches {
		first := s.Trials[0]
		if !reflect.DeepEqual(first.Point, m.ConfiguredPoint) || len(first.Scores) == 0 {
			t.Errorf("search %d: trial 0 is %v scored %v, want the configured %v", i, first.Point, first.Scores, m.ConfiguredPoint)
		}
		for _, tr := range s.Trials[1:] {
			if reflect.DeepEqual(tr.Point, m.ConfiguredPoint) {
				t.Errorf("search %d: trial %d is the configured point again", i, tr.Number)
			}
		}
		if len(s.Trials) != pl.opts.trials {
			t.Errorf("search %d: %d trials, want %d", i, len(s.Trials), pl.opts.trials)
		}
	}
}
