package model

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// forestParams returns two trees on two features and three classes: the
// tree of treeParams and a stump on b at 0.5.
func forestParams() Params {
	stump := Tree{
		Feature:   []int{1, -1, -1},
		Threshold: []float64{0.5, 0, 0},
		Left:      []int{1, -1, -1},
		Right:     []int{2, -1, -1},
		Value:     [][]float64{{}, {0.5, 0.5, 0}, {0, 0.2, 0.8}},
		Samples:   []int{6, 3, 3},
	}
	return Params{Forest: &Forest{Trees: []Tree{*treeParams().Tree, stump}}}
}

// TestForestPredict checks the average of the two trees' leaves by hand.
func TestForestPredict(t *testing.T) {
	b := sealed(t, "random_forest", forestParams())
	tests := []struct {
		x    []float64
		want []float64
	}{
		// Tree 1: a <= 2.5 → (1, 0, 0); the stump: b <= 0.5 → (.5, .5, 0).
		{[]float64{1, 0}, []float64{0.75, 0.25, 0}},
		// Tree 1: a > 2.5, b <= 0 → (0, .75, .25); stump: (.5, .5, 0).
		{[]float64{3, -1}, []float64{0.25, 0.625, 0.125}},
		// Tree 1: a > 2.5, b > 0 → (0, 0, 1); stump: b > 0.5 → (0, .2, .8).
		{[]float64{9, 4}, []float64{0, 0.1, 0.9}},
	}
	for _, tt := range tests {
		got := b.Predict(tt.x)
		for k := range got {
			if math.Abs(got[k]-tt.want[k]) > 1e-15 {
				t.Fatalf("Predict(%v) = %v, want %v", tt.x, got, tt.want)
			}
		}
		checkProbabilities(t, got)
	}
}

func TestForestValidation(t *testing.T) {
	tests := map[string]struct {
		p    Params
		want string
	}{
		"no trees": {Params{Forest: &Forest{}}, "no trees"},
		"bad second tree": {func() Params {
			p := forestParams()
			p.Forest.Trees[1].Feature[0] = 7
			return p
		}(), "tree 1: node 0: feature index 7"},
		"forest and tree": {func() Params {
			p := forestParams()
			p.Tree = treeParams().Tree
			return p
		}(), "found 2"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := sampleBundle("random_forest", tt.p).Seal()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Seal: error %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestForestRoundTrip(t *testing.T) {
	b := sealed(t, "random_forest", forestParams())
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range [][]float64{{0, 0}, {2.5, 0.5}, {2.6, 0.6}, {10, -5}} {
		want, got := b.Predict(x), loaded.Predict(x)
		for k := range want {
			if want[k] != got[k] {
				t.Fatalf("x=%v: before save %v, after load %v", x, want, got)
			}
		}
	}
}
