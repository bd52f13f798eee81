package tracking_test

import (
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

func TestFlattenParams(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]any
		want   []tracking.Param
	}{
		{"nil", nil, nil},
		{"empty", map[string]any{}, nil},
		{"nested, sorted by key", map[string]any{
			"seed": 42.0,
			"models": map[string]any{
				"svm":                 map[string]any{"kernel": "rbf", "C": 1.0},
				"logistic_regression": map[string]any{"C": 0.5},
			},
			"data": map[string]any{"path": "data/iris.csv"},
		}, []tracking.Param{
			{"data.path", "data/iris.csv"},
			{"models.logistic_regression.C", "0.5"},
			{"models.svm.C", "1"},
			{"models.svm.kernel", "rbf"},
			{"seed", "42"},
		}},
		{"values as compact JSON, strings as they are", map[string]any{
			"list": []any{"a", 1.5}, "flag": true, "none": nil, "text": `say "hi"`,
		}, []tracking.Param{
			{"flag", "true"}, {"list", `["a",1.5]`}, {"none", "null"}, {"text", `say "hi"`},
		}},
		{"empty section contributes nothing", map[string]any{"models": map[string]any{}, "seed": 1.0}, []tracking.Param{{"seed", "1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tracking.FlattenParams(tt.params); !slices.Equal(got, tt.want) {
				t.Errorf("FlattenParams = %v, want %v", got, tt.want)
			}
		})
	}
}
