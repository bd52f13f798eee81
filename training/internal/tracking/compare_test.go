package tracking_test

import (
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// The best value of a row is marked: highest accuracy, lowest log loss.
func TestCompareMarksBest(t *testing.T) {
	runs := trackingtest.Runs()
	c := tracking.Compare(runs[:2])
	want := map[string][]int{
		"logistic_regression/cv_accuracy":   {0}, // 0.9767 vs 0.9633
		"logistic_regression/test_accuracy": {0}, // 0.9667 vs 0.9333
		"decision_tree/cv_accuracy":         {1}, // 0.9467 vs 0.9600
		"decision_tree/test_log_loss":       {},  // a tie
	}
	for _, row := range c.Metrics {
		w, ok := want[row.Model+"/"+row.Metric]
		if ok && !slices.Equal(row.Best, w) {
			t.Errorf("%s %s: best %v, want %v", row.Model, row.Metric, row.Best, w)
		}
	}
	keys := []string{}
	for _, p := range c.Params {
		keys = append(keys, p.Key)
	}
	if !slices.Equal(keys, []string{"models.decision_tree.max_depth", "models.logistic_regression.C"}) {
		t.Errorf("differing params %v, want max_depth and C", keys)
	}
}

// A model that failed in a run has no values there, so its zero metrics
// are neither shown nor beaten.
func TestCompareSkipsFailedModels(t *testing.T) {
	runs := trackingtest.Runs()
	runs[1].Models[0] = tracking.Model{Name: runs[1].Models[0].Name, Status: tracking.ModelFailed, Error: "broken"}
	for _, row := range tracking.Compare(runs[:2]).Metrics {
		if row.Model != runs[1].Models[0].Name {
			continue
		}
		if row.Values[0] == nil || row.Values[1] != nil || len(row.Best) != 0 {
			t.Errorf("%s %s: values %v best %v, want the first run's value only and no best", row.Model, row.Metric, row.Values, row.Best)
		}
	}
}

// Tuning runs are compared by their estimates, their champion is the best
// nested estimate, and their differing settings and chosen values are
// parameters.
func TestCompareTuneRuns(t *testing.T) {
	runs := trackingtest.TuneRuns()
	c := tracking.Compare(runs)
	if c.Runs[0].Champion != "svm" || c.Runs[1].Champion != "svm" {
		t.Errorf("champions %q %q, want the best nested estimate, svm", c.Runs[0].Champion, c.Runs[1].Champion)
	}
	var metrics []string
	for _, row := range c.Metrics {
		metrics = append(metrics, row.Model+"/"+row.Metric)
		if row.Values[0] == nil || row.Values[1] == nil {
			t.Errorf("%s %s: values %v, want both runs'", row.Model, row.Metric, row.Values)
		}
	}
	want := []string{
		"logistic_regression/default_cv", "logistic_regression/nested", "logistic_regression/nested_std",
		"logistic_regression/inner_best", "logistic_regression/chosen_inner",
		"svm/default_cv", "svm/nested", "svm/nested_std", "svm/inner_best", "svm/chosen_inner",
	}
	if !slices.Equal(metrics, want) {
		t.Errorf("metric rows %v, want %v", metrics, want)
	}
	for _, row := range c.Metrics {
		// The second run's nested estimate is 0.004 higher on two folds.
		if row.Metric == "nested" && !slices.Equal(row.Best, []int{1}) {
			t.Errorf("%s nested: best %v, want the second run", row.Model, row.Best)
		}
	}
	keys := []string{}
	for _, p := range c.Params {
		keys = append(keys, p.Key)
	}
	for _, k := range []string{"search.trials", "search.applied"} {
		if !slices.Contains(keys, k) {
			t.Errorf("differing params %v lack %s", keys, k)
		}
	}
}
