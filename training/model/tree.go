package model

import (
	"fmt"
	"math"
)

// Tree is a binary decision tree in flat arrays, one entry per node, root at
// index 0. An internal node sends x left when x[Feature] <= Threshold; a leaf
// (Feature -1) holds the class probabilities in Value.
type Tree struct {
	Feature   []int     `json:"feature"`
	Threshold []float64 `json:"threshold"`
	Left      []int     `json:"left"`
	Right     []int     `json:"right"`
	// Value holds, for a leaf, one probability per class; it is empty for
	// internal nodes.
	Value [][]float64 `json:"value"`
	// Samples is the number of training rows that reached each node.
	Samples []int `json:"samples"`
}

// NumNodes returns the number of nodes.
func (t *Tree) NumNodes() int { return len(t.Feature) }

// Depth returns the length of the longest root-to-leaf path.
func (t *Tree) Depth() int {
	var depth func(i int) int
	depth = func(i int) int {
		if t.Feature[i] < 0 {
			return 0
		}
		return 1 + max(depth(t.Left[i]), depth(t.Right[i]))
	}
	return depth(0)
}

// NumLeaves returns the number of leaves.
func (t *Tree) NumLeaves() int {
	n := 0
	for _, f := range t.Feature {
		if f < 0 {
			n++
		}
	}
	return n
}

func (t *Tree) validate(features, classes int) error {
	n := len(t.Feature)
	if n == 0 {
		return fmt.Errorf("no nodes")
	}
	if len(t.Threshold) != n || len(t.Left) != n || len(t.Right) != n || len(t.Value) != n || len(t.Samples) != n {
		return fmt.Errorf("node arrays differ in length (feature %d, threshold %d, left %d, right %d, value %d, samples %d)",
			n, len(t.Threshold), len(t.Left), len(t.Right), len(t.Value), len(t.Samples))
	}
	for i := range n {
		f := t.Feature[i]
		if f < 0 {
			if f != -1 || t.Left[i] != -1 || t.Right[i] != -1 {
				return fmt.Errorf("node %d: a leaf has feature -1 and children -1", i)
			}
			if err := checkDistribution(t.Value[i], classes); err != nil {
				return fmt.Errorf("leaf %d: %w", i, err)
			}
			continue
		}
		if f >= features {
			return fmt.Errorf("node %d: feature index %d out of range [0, %d)", i, f, features)
		}
		// Children always come after their parent (the trees are written in
		// pre-order), which rules out cycles and lets prediction terminate.
		if t.Left[i] <= i || t.Left[i] >= n || t.Right[i] <= i || t.Right[i] >= n {
			return fmt.Errorf("node %d: children %d and %d must be in (%d, %d)", i, t.Left[i], t.Right[i], i, n)
		}
		if !finite(t.Threshold[i]) {
			return fmt.Errorf("node %d: threshold is not finite", i)
		}
		if len(t.Value[i]) != 0 {
			return fmt.Errorf("node %d: internal node carries a value", i)
		}
	}
	return nil
}

func checkDistribution(p []float64, classes int) error {
	if len(p) != classes {
		return fmt.Errorf("%d probabilities for %d classes", len(p), classes)
	}
	var sum float64
	for _, v := range p {
		if !finite(v) || v < 0 || v > 1 {
			return fmt.Errorf("probability %v is not in [0, 1]", v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		return fmt.Errorf("probabilities sum to %v, not 1", sum)
	}
	return nil
}

// Leaf returns the index of the leaf x falls into: from the root, x goes
// left while x[Feature] <= Threshold and right otherwise. x holds one value
// per feature, in the order the tree was fitted on. Leaf panics if x is
// shorter than a feature index the tree splits on, or if the tree does not
// pass validation (a Tree read from a Bundle does). It does not allocate.
func (t *Tree) Leaf(x []float64) int {
	i := 0
	for t.Feature[i] >= 0 {
		if x[t.Feature[i]] <= t.Threshold[i] {
			i = t.Left[i]
		} else {
			i = t.Right[i]
		}
	}
	return i
}

func (t *Tree) predictInto(dst, x []float64) {
	copy(dst, t.Value[t.Leaf(x)])
}
