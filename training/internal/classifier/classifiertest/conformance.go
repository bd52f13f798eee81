package classifiertest

import (
	"bytes"
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/model"
)

// ProbabilityTol is how far from 1 the class probabilities of one
// observation may sum: rounding in a softmax or a normalization of counts.
const ProbabilityTol = 1e-12

// Conformance runs the properties every classifier.Trainer must have as
// subtests on d. newTrainer must return a freshly configured trainer, seeded
// identically on every call for stochastic algorithms, so that two trainers
// from it must fit identical models.
func Conformance(t *testing.T, d Dataset, newTrainer func(t *testing.T) classifier.Trainer) {
	t.Helper()
	classes := len(d.Classes)
	t.Run("probabilities sum to one", func(t *testing.T) {
		fit := mustFit(t, newTrainer(t), d)
		CheckProbabilities(t, fit, d)
	})
	t.Run("same input same model", func(t *testing.T) {
		a := mustFit(t, newTrainer(t), d)
		b := mustFit(t, newTrainer(t), d)
		CheckIdentical(t, a, b)
		if !bytes.Equal(mustMarshal(t, a, d), mustMarshal(t, b, d)) {
			t.Error("two fits from identical inputs give different bundle bytes")
		}
	})
	t.Run("save and load predict the same", func(t *testing.T) {
		fit := mustFit(t, newTrainer(t), d)
		CheckSaveLoad(t, fit, d)
	})
	t.Run("inputs unchanged", func(t *testing.T) {
		X := cloneRows(d.X)
		y := slices.Clone(d.Y)
		if _, err := newTrainer(t).Fit(t.Context(), X, y, classes); err != nil {
			t.Fatalf("Fit: %v", err)
		}
		if !reflect.DeepEqual(X, d.X) || !slices.Equal(y, d.Y) {
			t.Fatal("Fit modified X or y")
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		for name, ctx := range map[string]context.Context{
			"before the fit": CancelAfter(0),
			"during the fit": CancelAfter(2),
		} {
			t.Run(name, func(t *testing.T) {
				fit, err := newTrainer(t).Fit(ctx, d.X, d.Y, classes)
				if !errors.Is(err, context.Canceled) || fit != nil {
					t.Errorf("Fit returned (%v, %v), want (nil, an error wrapping context.Canceled)", fit, err)
				}
			})
		}
	})
	t.Run("invalid input rejected", func(t *testing.T) {
		bad := cloneRows(d.X)
		bad[3][1] = math.NaN()
		_, err := newTrainer(t).Fit(t.Context(), bad, d.Y, classes)
		if !errors.Is(err, classifier.ErrNotFinite) {
			t.Errorf("Fit with NaN: got %v, want an error wrapping classifier.ErrNotFinite", err)
		}
		var input *classifier.InputError
		if !errors.As(err, &input) || input.Row != 3 || input.Feature != 1 {
			t.Errorf("Fit with NaN at row 3, feature 1: got %v, want a *classifier.InputError with that row and feature", err)
		}
		_, err = newTrainer(t).Fit(t.Context(), d.X, d.Y[1:], classes)
		if !errors.Is(err, classifier.ErrShape) {
			t.Errorf("Fit with a short y: got %v, want an error wrapping classifier.ErrShape", err)
		}
	})
}

// CheckProbabilities compiles fit's parameters for d's shape and checks that
// every row of d gets one probability per class, each in [0, 1], summing to
// 1 within ProbabilityTol.
func CheckProbabilities(t *testing.T, fit *classifier.Fitted, d Dataset) {
	t.Helper()
	pred, err := fit.Params.Compile(len(d.Features), len(d.Classes))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	p := make([]float64, len(d.Classes))
	for i, x := range d.X {
		pred.PredictInto(p, x)
		var sum float64
		for _, v := range p {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("row %d: probability %v outside [0, 1]", i, v)
			}
			sum += v
		}
		if math.Abs(sum-1) > ProbabilityTol {
			t.Fatalf("row %d: probabilities sum to %v, want 1 within %g", i, sum, ProbabilityTol)
		}
	}
}

// CheckSaveLoad seals fit into a bundle, encodes it, parses it back and
// checks that the loaded bundle predicts exactly the same probabilities on
// every row of d, without allocating.
func CheckSaveLoad(t *testing.T, fit *classifier.Fitted, d Dataset) {
	t.Helper()
	loaded, err := model.Parse(mustMarshal(t, fit, d))
	if err != nil {
		t.Fatalf("parse the saved bundle: %v", err)
	}
	pred, err := fit.Params.Compile(len(d.Features), len(d.Classes))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	want := make([]float64, len(d.Classes))
	got := make([]float64, len(d.Classes))
	for i, x := range d.X {
		pred.PredictInto(want, x)
		loaded.PredictInto(got, x)
		if !slices.Equal(want, got) {
			t.Fatalf("row %d: before saving %v, after loading %v", i, want, got)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { loaded.PredictInto(got, d.X[0]) }); allocs != 0 {
		t.Errorf("PredictInto allocates %v times per call, want 0", allocs)
	}
}

// mustMarshal seals fit into a bundle over d's features and classes and
// returns the bytes that would be written to disk.
func mustMarshal(t *testing.T, fit *classifier.Fitted, d Dataset) []byte {
	t.Helper()
	b := &model.Bundle{
		Name: "conformance", Algorithm: "conformance",
		Dataset:  model.Dataset{Name: "conformance", Label: "label", MD5: "00000000000000000000000000000000", Rows: len(d.X), TrainRows: len(d.X)},
		Classes:  d.Classes,
		Model:    fit.Params,
		Metrics:  map[string]float64{},
		Features: make([]model.Feature, len(d.Features)),
	}
	col := make([]float64, len(d.X))
	for j, name := range d.Features {
		for i, x := range d.X {
			col[i] = x[j]
		}
		st := model.NewStats(col, model.DefaultBins)
		b.Features[j] = model.Feature{Name: name, Valid: model.Range{Min: st.Min, Max: st.Max}, Stats: st}
	}
	if err := b.Seal(); err != nil {
		t.Fatalf("seal the fit into a bundle: %v", err)
	}
	data, err := b.Marshal()
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return data
}

// CheckIdentical checks that two fits are bitwise identical: parameters,
// history, iteration count and convergence flag.
func CheckIdentical(t *testing.T, a, b *classifier.Fitted) {
	t.Helper()
	// reflect.DeepEqual compares floats with ==, which is bitwise for
	// everything but NaN and ±0; fits never hold NaN, and both zeros would
	// predict the same.
	if !reflect.DeepEqual(a.Params, b.Params) {
		t.Error("two fits from identical inputs have different parameters")
	}
	if !reflect.DeepEqual(a.History, b.History) || a.Iterations != b.Iterations || a.Converged != b.Converged {
		t.Errorf("two fits from identical inputs differ: iterations %d and %d, converged %t and %t, history equal %t",
			a.Iterations, b.Iterations, a.Converged, b.Converged, reflect.DeepEqual(a.History, b.History))
	}
	if !reflect.DeepEqual(a.ValidationHistory, b.ValidationHistory) {
		t.Errorf("two fits from identical inputs have different validation histories: %v and %v", a.ValidationHistory, b.ValidationHistory)
	}
}

func mustFit(t *testing.T, tr classifier.Trainer, d Dataset) *classifier.Fitted {
	t.Helper()
	fit, err := tr.Fit(t.Context(), d.X, d.Y, len(d.Classes))
	if err != nil {
		t.Fatalf("Fit: %v", err)
	}
	return fit
}

func cloneRows(X [][]float64) [][]float64 {
	out := make([][]float64, len(X))
	for i, row := range X {
		out[i] = slices.Clone(row)
	}
	return out
}
