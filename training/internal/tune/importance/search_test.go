package importance

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// The space of the decision tree (a categorical, a log-scaled integer that
// may be null, a linear one) and of the forest's n_estimators (a step).
var treeDims = []tracking.TuneDim{
	{Name: "criterion", Type: "categorical", Choices: []any{"gini", "entropy"}},
	{Name: "max_depth", Type: "int", Low: 1, High: 32, Log: true, Step: 1, Unlimited: true},
	{Name: "min_samples_split", Type: "int", Low: 2, High: 20, Step: 1},
	{Name: "n_estimators", Type: "int", Low: 50, High: 520, Step: 50},
	{Name: "C", Type: "float", Low: 1e-3, High: 1e3, Log: true},
	{Name: "flag", Type: "categorical", Choices: []any{true, 2, nil}},
}

func TestFromSearch(t *testing.T) {
	trials := []tracking.TuneTrial{
		{Number: 0, State: "complete", Scores: []float64{0.9, 1, 0.95},
			Params: map[string]any{"criterion": "entropy", "max_depth": nil, "min_samples_split": 7, "n_estimators": 500, "C": 0.5, "flag": 2}},
		{Number: 1, State: "pruned", Scores: []float64{0.5},
			Params: map[string]any{"criterion": "gini", "max_depth": 3, "min_samples_split": 2, "n_estimators": 50, "C": 1.0, "flag": true}},
		{Number: 2, State: "infeasible", Scores: []float64{0},
			Params: map[string]any{"criterion": "gini", "max_depth": 3, "min_samples_split": 2, "n_estimators": 50, "C": 1.0, "flag": true}},
		{Number: 3, State: "complete", Scores: []float64{0.8, 0.9},
			Params: map[string]any{"criterion": "gini", "max_depth": 4, "min_samples_split": 20, "n_estimators": 100, "C": 1e3, "flag": nil}},
	}
	want := &Inputs{
		Params: []Param{
			{Name: "criterion", Choices: 2},
			// 1..32, and null one step past 32.
			{Name: "max_depth", Low: 1, High: 33},
			{Name: "min_samples_split", Low: 2, High: 20},
			// The grid's last point ≤ 520 is 500.
			{Name: "n_estimators", Low: 50, High: 500},
			// Not log-transformed.
			{Name: "C", Low: 1e-3, High: 1e3},
			{Name: "flag", Choices: 3},
		},
		X:      [][]float64{{1, 33, 7, 500, 0.5, 1}, {0, 4, 20, 100, 1e3, 2}},
		Y:      []float64{(0.9 + 1 + 0.95) / 3, (0.8 + 0.9) / 2},
		Trials: []int{0, 3},
	}
	check := func(what string, got *Inputs, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !reflect.DeepEqual(got.Params, want.Params) || !reflect.DeepEqual(got.X, want.X) ||
			!slices.Equal(got.Trials, want.Trials) || !floats.EqualApprox(got.Y, want.Y, tol) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
	}
	got, err := FromSearch(treeDims, trials)
	check("FromSearch", got, err)
	// The same trials read back from run.json, where every number is a
	// float64, encode the same.
	var decoded []tracking.TuneTrial
	b, err := json.Marshal(trials)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	var dims []tracking.TuneDim
	b, err = json.Marshal(treeDims)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &dims); err != nil {
		t.Fatal(err)
	}
	got, err = FromSearch(dims, decoded)
	check("FromSearch after a JSON round trip", got, err)
	// The pruned trial alone, at the mean of the one fold it reached.
	pruned, err := FromTrials(treeDims, trials, "pruned")
	if err != nil {
		t.Fatal(err)
	}
	if wantX := [][]float64{{0, 3, 2, 50, 1, 0}}; !reflect.DeepEqual(pruned.X, wantX) || !slices.Equal(pruned.Y, []float64{0.5}) || !slices.Equal(pruned.Trials, []int{1}) {
		t.Errorf("pruned trials: %+v, want X %v, Y [0.5], trial 1", pruned, wantX)
	}
}

// A conditional parameter, absent from the trials where its condition
// fails, is NaN there, and Common leaves it out, as Optuna's intersection
// search space does; with it present everywhere, nothing is left out.
func TestFromSearchConditional(t *testing.T) {
	dims := []tracking.TuneDim{
		{Name: "kernel", Type: "categorical", Choices: []any{"linear", "rbf"}},
		{Name: "C", Type: "float", Low: 1e-3, High: 1e3, Log: true},
		{Name: "gamma", Type: "float", Low: 1e-4, High: 10, Log: true},
	}
	trials := []tracking.TuneTrial{
		{Number: 0, State: "complete", Scores: []float64{0.9}, Params: map[string]any{"kernel": "linear", "C": 1.0}},
		{Number: 1, State: "complete", Scores: []float64{0.8}, Params: map[string]any{"kernel": "rbf", "C": 2.0, "gamma": 0.5}},
		// Pruned trials count for nothing, with or without gamma.
		{Number: 2, State: "pruned", Scores: []float64{0.5}, Params: map[string]any{"kernel": "linear", "C": 3.0}},
	}
	in, err := FromSearch(dims, trials)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.X) != 2 || !math.IsNaN(in.X[0][2]) || in.X[1][2] != 0.5 {
		t.Fatalf("X = %v, want gamma NaN in trial 0 and 0.5 in trial 1", in.X)
	}
	common, left := in.Common()
	if !slices.Equal(left, []string{"gamma"}) {
		t.Errorf("left out %v, want [gamma]", left)
	}
	if want := [][]float64{{0, 1}, {1, 2}}; !reflect.DeepEqual(common.X, want) || len(common.Params) != 2 || common.Params[1].Name != "C" {
		t.Errorf("common inputs %+v, want kernel and C, X %v", common, want)
	}
	trials[0].Params["gamma"] = 0.01
	in, err = FromSearch(dims, trials)
	if err != nil {
		t.Fatal(err)
	}
	if common, left := in.Common(); len(left) != 0 || len(common.Params) != 3 {
		t.Errorf("every trial has gamma: left out %v, kept %d parameters", left, len(common.Params))
	}
}

func TestFromSearchErrors(t *testing.T) {
	params := map[string]any{"criterion": "gini", "max_depth": 3, "min_samples_split": 2, "n_estimators": 50, "C": 1.0, "flag": true}
	with := func(key string, v any) map[string]any {
		p := map[string]any{}
		for k, x := range params {
			p[k] = x
		}
		p[key] = v
		return p
	}
	tests := []struct {
		name   string
		dims   []tracking.TuneDim
		params map[string]any
		scores []float64
		want   string
	}{
		{"unknown choice", treeDims, with("criterion", "log_loss"), []float64{1}, "importance: trial 5: criterion is log_loss, not one of its choices [gini entropy]"},
		{"not a number", treeDims, with("C", "big"), []float64{1}, "importance: trial 5: C is big (string), not a number"},
		{"no scores", treeDims, params, nil, "importance: trial 5 is complete without scores"},
		{"bad type", []tracking.TuneDim{{Name: "x", Type: "complex"}}, params, []float64{1}, `importance: x has type "complex"`},
		{"no choices", []tracking.TuneDim{{Name: "x", Type: "categorical"}}, params, []float64{1}, "importance: x is categorical without choices"},
		{"bad int", []tracking.TuneDim{{Name: "x", Type: "int", Low: 1, High: 3}}, params, []float64{1}, "importance: x is an integer range [1, 3] with step 0"},
		{"bad float", []tracking.TuneDim{{Name: "x", Type: "float", Low: 3, High: 1}}, params, []float64{1}, "importance: x has range [3, 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromSearch(tt.dims, []tracking.TuneTrial{{Number: 5, State: "complete", Params: tt.params, Scores: tt.scores}})
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
