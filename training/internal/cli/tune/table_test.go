package tune

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/tune"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// TestWriteTable checks the rows and that the footer names the models
// whose nested estimate fell below their configured settings' CV.
func TestWriteTable(t *testing.T) {
	p := &params.Params{CV: params.CV{Folds: 10, Repeats: 5}, Tune: params.Tune{InnerFolds: 3}}
	model := func(name string, def, nested float64) *tune.ModelResult {
		return &tune.ModelResult{Name: name, DefaultCV: metrics.Summary{Mean: def}, Nested: metrics.Summary{Mean: nested},
			Trials: 20, Pruned: 7, Chosen: space.Point{{Key: "C", Value: 2.5}}}
	}
	tests := []struct {
		name   string
		models []*tune.ModelResult
		worse  string // "" for no such line
	}{
		{"tuning helped or tied", []*tune.ModelResult{model("logistic_regression", 0.95, 0.96), model("svm", 0.97, 0.97)}, ""},
		{"tuning did worse", []*tune.ModelResult{model("logistic_regression", 0.95, 0.96), model("svm", 0.9702, 0.9648), model("xgboost", 0.95, 0.94)},
			"NESTED is below DEFAULT CV for svm, xgboost: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeTable(&buf, &tune.Result{Params: p, Models: tt.models}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, want := range []string{"logistic_regression  0.9500 ± 0.0000  0.9600 ± 0.0000", "{C: 2.5}", "10-fold x 5 repeats", "51 searches per model"} {
				if !strings.Contains(out, want) {
					t.Errorf("the table lacks %q:\n%s", want, out)
				}
			}
			if got := strings.Contains(out, "NESTED is below DEFAULT CV"); got != (tt.worse != "") || !strings.Contains(out, tt.worse) {
				t.Errorf("want the line %q (none if empty):\n%s", tt.worse, out)
			}
		})
	}
	if err := writeTable(&bytes.Buffer{}, &tune.Result{Params: p}); !errors.Is(err, errNoModels) {
		t.Errorf("no models: %v, want errNoModels", err)
	}
}
