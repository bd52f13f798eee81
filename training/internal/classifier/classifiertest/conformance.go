package classifiertest

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
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
