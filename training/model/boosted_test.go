package model

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

func boostedParams() Params {
	return Params{Boosted: &Boosted{
		BaseScore: 0.5,
		TreeClass: []int{0, 1, 2, 0},
		TreeStart: []int{0, 3, 8, 9},
		// Tree 0: a < 2.5 -> +0.3, else -0.15.
		// Tree 1: b < 0 -> 0.2; else a < 4.5 -> -0.1, else 0.4.
		// Trees 2 and 3: one leaf, 0.05 and 0.1.
		Feature:   []int32{0, -1, -1 /**/, 1, -1, 0, -1, -1 /**/, -1 /**/, -1},
		Threshold: []float32{2.5, 0, 0 /**/, 0, 0, 4.5, 0, 0 /**/, 0 /**/, 0},
		Left:      []int32{1, -1, -1 /**/, 1, -1, 3, -1, -1 /**/, -1 /**/, -1},
		Right:     []int32{2, -1, -1 /**/, 2, -1, 4, -1, -1 /**/, -1 /**/, -1},
		Value:     []float32{0, 0.3, -0.15 /**/, 0, 0.2, 0, -0.1, 0.4 /**/, 0.05 /**/, 0.1},
		Gain:      []float32{4, 0, 0 /**/, 3, 0, 1, 0, 0 /**/, 0 /**/, 0},
		Cover:     []float32{6, 2, 4 /**/, 6, 2, 4, 2, 2 /**/, 6 /**/, 6},
		Weight:    []float32{0, 1, -0.5 /**/, 0, 0.6, 0.2, -0.3, 1.2 /**/, 0.15 /**/, 0.3},
	}}
}

// softmax32 returns the probabilities of margins summed in float32, computed
// here independently of the package's Softmax.
func softmax32(margins ...float32) []float64 {
	var sum float64
	p := make([]float64, len(margins))
	for k, m := range margins {
		p[k] = math.Exp(float64(m))
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
	return p
}

func TestBoostedPredictKnownValues(t *testing.T) {
	b := sealed(t, "xgboost", boostedParams())
	// A variable, so the sums below round in float32 at every step.
	base := float32(0.5)
	tests := []struct {
		name string
		x    []float64
		want []float64
	}{
		// Margins by hand: class 0 sums trees 0 and 3, class 1 tree 1,
		// class 2 tree 2, each on top of the base score, in float32.
		{"left, left", []float64{1, -1}, softmax32(base+float32(0.3)+float32(0.1), base+float32(0.2), base+float32(0.05))},
		{"right, right-left", []float64{3, 2}, softmax32(base+float32(-0.15)+float32(0.1), base+float32(-0.1), base+float32(0.05))},
		{"right, right-right", []float64{5, 0}, softmax32(base+float32(-0.15)+float32(0.1), base+float32(0.4), base+float32(0.05))},
		// Thresholds compare in float32: 2.4999999999 rounds to 2.5, which
		// is not below 2.5, as XGBoost sees it.
		{"rounds up to the threshold", []float64{2.4999999999, 1}, softmax32(base+float32(-0.15)+float32(0.1), base+float32(-0.1), base+float32(0.05))},
		// NaN takes the left branch, XGBoost's default for its exact method.
		{"NaN goes left", []float64{math.NaN(), math.NaN()}, softmax32(base+float32(0.3)+float32(0.1), base+float32(0.2), base+float32(0.05))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.Predict(tt.x)
			checkProbabilities(t, got)
			for k := range got {
				if math.Abs(got[k]-tt.want[k]) > 1e-15 {
					t.Fatalf("Predict(%v) = %v, want %v", tt.x, got, tt.want)
				}
			}
		})
	}
}

// boostedMissingRight returns boostedParams with learned default
// directions: tree 0's root and tree 1's node 2 send missing values right.
func boostedMissingRight() Params {
	p := boostedParams()
	p.Boosted.DefaultLeft = []bool{false, true, true /**/, true, true, false, true, true /**/, true /**/, true}
	return p
}

// TestBoostedDefaultLeft checks that a missing value follows the node's
// default direction: with DefaultLeft nil every node sends it left, as
// above; with it, tree 0's root and tree 1's node 2 send it right.
func TestBoostedDefaultLeft(t *testing.T) {
	b := sealed(t, "xgboost", boostedMissingRight())
	base := float32(0.5)
	nan := math.NaN()
	tests := []struct {
		name string
		x    []float64
		want []float64
	}{
		{"both missing: right, left", []float64{nan, nan}, softmax32(base+float32(-0.15)+float32(0.1), base+float32(0.2), base+float32(0.05))},
		{"a missing: right, right-right", []float64{nan, 1}, softmax32(base+float32(-0.15)+float32(0.1), base+float32(0.4), base+float32(0.05))},
		{"b missing: left, left", []float64{1, nan}, softmax32(base+float32(0.3)+float32(0.1), base+float32(0.2), base+float32(0.05))},
		{"none missing: as without directions", []float64{3, 2}, softmax32(base+float32(-0.15)+float32(0.1), base+float32(-0.1), base+float32(0.05))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := b.Predict(tt.x)
			for k := range got {
				if math.Abs(got[k]-tt.want[k]) > 1e-15 {
					t.Fatalf("Predict(%v) = %v, want %v", tt.x, got, tt.want)
				}
			}
		})
	}
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(parsed.Model.Boosted.DefaultLeft, boostedMissingRight().Boosted.DefaultLeft) {
		t.Errorf("parsed default_left %v, want %v", parsed.Model.Boosted.DefaultLeft, boostedMissingRight().Boosted.DefaultLeft)
	}
	plain, err := sealed(t, "xgboost", boostedParams()).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(plain, []byte("default_left")) {
		t.Error("a bundle without default directions writes default_left")
	}
}

func TestBoostedRoundTrip(t *testing.T) {
	b := sealed(t, "xgboost", boostedParams())
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range [][]float64{{1, -1}, {3, 2}, {5, 0}, {2.5, 0}} {
		p, q := b.Predict(x), got.Predict(x)
		for k := range p {
			if p[k] != q[k] {
				t.Fatalf("x %v: parsed bundle predicts %v, sealed one %v", x, q, p)
			}
		}
	}
}

func TestBoostedValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(b *Boosted)
		want   string
	}{
		{"no trees", func(b *Boosted) { b.TreeStart, b.TreeClass = nil, nil }, "no trees"},
		{"base score", func(b *Boosted) { b.BaseScore = math.Inf(1) }, "base score"},
		{"base score beyond float32", func(b *Boosted) { b.BaseScore = 1e39 }, "base score"},
		{"tree classes short", func(b *Boosted) { b.TreeClass = b.TreeClass[:3] }, "3 tree classes for 4 trees"},
		{"class out of range", func(b *Boosted) { b.TreeClass[2] = 3 }, "class 3 out of range"},
		{"first start", func(b *Boosted) { b.TreeStart[0] = 1 }, "tree 0 starts at node 1"},
		{"empty tree", func(b *Boosted) { b.TreeStart[2] = 3 }, "tree 2 starts at node 3"},
		{"start past the end", func(b *Boosted) { b.TreeStart[3] = 10 }, "tree 3 starts at node 10"},
		{"short arrays", func(b *Boosted) { b.Cover = b.Cover[:9] }, "differ in length"},
		{"cycle", func(b *Boosted) { b.Left[5] = 0 }, "tree 1: node 2: children 0 and 4"},
		{"child in the next tree", func(b *Boosted) { b.Right[5] = 5 }, "tree 1: node 2: children 3 and 5"},
		{"feature out of range", func(b *Boosted) { b.Feature[0] = 2 }, "out of range"},
		{"leaf with children", func(b *Boosted) { b.Left[1] = 2 }, "leaf"},
		{"threshold NaN", func(b *Boosted) { b.Threshold[0] = float32(math.NaN()) }, "threshold NaN is not finite"},
		{"value not finite", func(b *Boosted) { b.Value[1] = float32(math.Inf(-1)) }, "not finite"},
		{"default directions short", func(b *Boosted) { b.DefaultLeft = make([]bool, 9) }, "9 default directions for 10 nodes"},
		{"default directions empty", func(b *Boosted) { b.DefaultLeft = []bool{} }, "0 default directions for 10 nodes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := boostedParams()
			tt.mutate(p.Boosted)
			if _, err := p.Compile(2, 3); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Compile error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestBoostedShape(t *testing.T) {
	b := boostedParams().Boosted
	if b.NumTrees() != 4 || b.NumNodes() != 10 || b.NumLeaves() != 7 || b.MaxDepth() != 2 {
		t.Fatalf("trees %d, nodes %d, leaves %d, depth %d; want 4, 10, 7, 2", b.NumTrees(), b.NumNodes(), b.NumLeaves(), b.MaxDepth())
	}
	for tree, want := range [][2]int{{0, 3}, {3, 8}, {8, 9}, {9, 10}} {
		if start, end := b.TreeNodes(tree); start != want[0] || end != want[1] {
			t.Errorf("TreeNodes(%d) = %d, %d; want %d, %d", tree, start, end, want[0], want[1])
		}
	}
}
