package predict

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/model"
)

// bundle returns a sealed two-feature linear bundle; impute gives each
// feature's impute value (nil: none).
func bundle(t *testing.T, impute ...*float64) *model.Bundle {
	t.Helper()
	stats := model.NewStats([]float64{1, 2, 3, 4}, 2)
	b := &model.Bundle{
		Name: "logistic_regression", Algorithm: "logistic_regression",
		Dataset: model.Dataset{Name: "toy", Label: "y", MD5: "0123456789abcdef0123456789abcdef", Rows: 4, TrainRows: 4},
		Features: []model.Feature{
			{Name: "a", Valid: model.Range{Min: 0, Max: 10}, Stats: stats, Impute: impute[0]},
			{Name: "b", Valid: model.Range{Min: 0, Max: 10}, Stats: stats, Impute: impute[1]},
		},
		Classes:         []string{"p", "q"},
		Hyperparameters: map[string]any{},
		Metrics:         map[string]float64{},
		// q when a > b.
		Model: model.Params{Linear: &model.Linear{Coef: [][]float64{{-1, 1}, {1, -1}}, Intercept: []float64{0, 0}}},
	}
	if err := b.Seal(); err != nil {
		t.Fatal(err)
	}
	return b
}

func value(v float64) *float64 { return &v }

// TestScoreImputes checks that blank cells are filled with the feature's
// impute value (the output keeps them as they were), and that a blank cell of a
// feature without one fails as before.
func TestScoreImputes(t *testing.T) {
	both := bundle(t, value(8), value(2))
	onlyA := bundle(t, value(8), nil)
	none := bundle(t, nil, nil)
	tests := []struct {
		name    string
		b       *model.Bundle
		in      string
		want    []string // output lines after the header, up to the first probability
		imputed int
		err     string
		is      error
	}{
		{name: "nothing blank", b: both, in: "a,b\n1,9\n9,1\n", want: []string{"1,9,p", "9,1,q"}},
		{name: "blanks filled", b: both, in: "a,b\n,9\n1, \n,\n", want: []string{",9,p", `1," ",p`, ",,q"}, imputed: 4},
		{name: "blank of a feature without a value", b: onlyA, in: "a,b\n,9\n1,\n", imputed: 1,
			err: `x.csv: line 3: model: feature "b" is missing and the model has no value to impute it with (it was trained with data.missing: error)`,
			is:  model.ErrMissingValue},
		{name: "no impute value at all: the error of before", b: none, in: "a,b\n1,\n",
			err: `x.csv: line 2, column "b": empty value is not a number`, is: dataset.ErrBlank},
		{name: "NA is not a blank", b: both, in: "a,b\nNA,1\n", err: `"NA" is not a number`, is: dataset.ErrNotNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			rows, imputed, err := Score(t.Context(), tt.b, "x.csv", strings.NewReader(tt.in), &out)
			if imputed != tt.imputed {
				t.Errorf("imputed %d cells, want %d", imputed, tt.imputed)
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, tt.is) {
					t.Fatalf("error %v, want %q wrapping %v", err, tt.err, tt.is)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if rows != len(tt.want) || len(lines) != len(tt.want)+1 {
				t.Fatalf("%d rows:\n%s", rows, out.String())
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i+1], w+",") {
					t.Errorf("line %d %q, want it to start with %q", i+2, lines[i+1], w)
				}
			}
		})
	}
}
