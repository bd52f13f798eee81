package model

import (
	"fmt"
	"math"
)

// Boosted is an ensemble of gradient-boosted regression trees with a softmax
// over per-class margins, as XGBoost's multi:softprob objective: the margin of
// class k is BaseScore plus the leaf values of the trees whose TreeClass is
// k, and the probabilities are the softmax of the margins. The gradient-boosted
// trees ("xgboost") fit one.
//
// The nodes of all trees are stored in flat arrays, one entry per node, tree
// after tree: tree t's nodes are [TreeStart[t], TreeStart[t+1]) (the last
// tree's end at NumNodes), its root first, and Left and Right number nodes
// within their tree (as XGBoost numbers them), so a child follows its
// parent. An internal node sends x left when float32(x[Feature]) < Threshold;
// a missing value (NaN) goes left unless DefaultLeft says otherwise; a leaf (Feature, Left and Right -1) adds Value to its tree's
// class margin.
//
// Like XGBoost, prediction works in float32: a feature value is rounded to
// float32 before it is compared with a threshold, and margins are summed in
// float32 in tree order, so the predictions equal XGBoost's on the same trees
// up to the final softmax.
type Boosted struct {
	// BaseScore is the initial margin of every class (XGBoost's base_score).
	BaseScore float64 `json:"base_score"`
	// TreeClass holds, for each tree, the class whose margin it adds to
	// (XGBoost's tree_info).
	TreeClass []int `json:"tree_class"`
	// TreeStart holds, for each tree, the index of its root in the node
	// arrays: 0 for the first tree, increasing.
	TreeStart []int `json:"tree_start"`

	Feature   []int32   `json:"feature"`
	Threshold []float32 `json:"threshold"`
	Left      []int32   `json:"left"`
	Right     []int32   `json:"right"`
	// Value is a leaf's contribution to the margin (the learning rate
	// applied); 0 for internal nodes.
	Value []float32 `json:"value"`
	// Gain is the loss reduction of a node's best split (XGBoost's
	// loss_changes), Cover the sum of the training rows' hessians at the node
	// (sum_hessian), and Weight the node's weight before the learning rate
	// (base_weights). They describe the training, are exported with the
	// model, and do not affect prediction.
	Gain   []float32 `json:"gain"`
	Cover  []float32 `json:"cover"`
	Weight []float32 `json:"weight"`
	// DefaultLeft holds, for each node, whether a missing value (NaN) of
	// its feature goes left (XGBoost's default_left), as learned by the
	// hist method on data with missing values; leaves hold true. It is nil
	// when every node sends missing values left (XGBoost's exact method's
	// direction), which keeps such models, and those written before the
	// field existed, without it.
	DefaultLeft []bool `json:"default_left,omitempty"`
}

// NumTrees returns the number of trees.
func (b *Boosted) NumTrees() int { return len(b.TreeStart) }

// NumNodes returns the number of nodes over all trees.
func (b *Boosted) NumNodes() int { return len(b.Feature) }

// TreeNodes returns the range [start, end) of tree t's nodes in the node
// arrays.
func (b *Boosted) TreeNodes(t int) (start, end int) {
	start, end = b.TreeStart[t], len(b.Feature)
	if t+1 < len(b.TreeStart) {
		end = b.TreeStart[t+1]
	}
	return start, end
}

// NumLeaves returns the number of leaves over all trees.
func (b *Boosted) NumLeaves() int {
	n := 0
	for _, f := range b.Feature {
		if f < 0 {
			n++
		}
	}
	return n
}

// MaxDepth returns the length of the longest root-to-leaf path of any tree.
func (b *Boosted) MaxDepth() int {
	// Children follow their parents, so one forward pass over a tree sees
	// every parent's depth before its children's.
	depth := make([]int, len(b.Feature))
	deepest := 0
	for t := range b.TreeStart {
		start, end := b.TreeNodes(t)
		for i := start; i < end; i++ {
			if b.Feature[i] >= 0 {
				depth[start+int(b.Left[i])] = depth[i] + 1
				depth[start+int(b.Right[i])] = depth[i] + 1
			}
			deepest = max(deepest, depth[i])
		}
	}
	return deepest
}

func (b *Boosted) validate(features, classes int) error {
	if !finite(b.BaseScore) || math.Abs(b.BaseScore) > math.MaxFloat32 {
		return fmt.Errorf("base score %v is not a finite float32 value", b.BaseScore)
	}
	trees, n := len(b.TreeStart), len(b.Feature)
	if trees == 0 {
		return fmt.Errorf("no trees")
	}
	if len(b.TreeClass) != trees {
		return fmt.Errorf("%d tree classes for %d trees", len(b.TreeClass), trees)
	}
	if len(b.Threshold) != n || len(b.Left) != n || len(b.Right) != n || len(b.Value) != n ||
		len(b.Gain) != n || len(b.Cover) != n || len(b.Weight) != n {
		return fmt.Errorf("node arrays differ in length (feature %d, threshold %d, left %d, right %d, value %d, gain %d, cover %d, weight %d)",
			n, len(b.Threshold), len(b.Left), len(b.Right), len(b.Value), len(b.Gain), len(b.Cover), len(b.Weight))
	}
	if b.DefaultLeft != nil && len(b.DefaultLeft) != n {
		return fmt.Errorf("%d default directions for %d nodes", len(b.DefaultLeft), n)
	}
	for t, k := range b.TreeClass {
		if k < 0 || k >= classes {
			return fmt.Errorf("tree %d: class %d out of range [0, %d)", t, k, classes)
		}
	}
	for t, s := range b.TreeStart {
		// Each tree has at least one node: starts increase strictly.
		if (t == 0 && s != 0) || (t > 0 && s <= b.TreeStart[t-1]) || s >= n {
			return fmt.Errorf("tree %d starts at node %d; starts must be 0 for the first tree and increase below %d", t, s, n)
		}
	}
	for t := range b.TreeStart {
		if err := b.validateTree(t, features); err != nil {
			return fmt.Errorf("tree %d: %w", t, err)
		}
	}
	return nil
}

func (b *Boosted) validateTree(t, features int) error {
	start, end := b.TreeNodes(t)
	size := int32(end - start)
	for i := start; i < end; i++ {
		id := int32(i - start)
		if !finite32(b.Value[i], b.Gain[i], b.Cover[i], b.Weight[i]) {
			return fmt.Errorf("node %d: value, gain, cover or weight is not finite", id)
		}
		f := b.Feature[i]
		if f < 0 {
			if f != -1 || b.Left[i] != -1 || b.Right[i] != -1 {
				return fmt.Errorf("node %d: a leaf has feature -1 and children -1", id)
			}
			continue
		}
		if int(f) >= features {
			return fmt.Errorf("node %d: feature index %d out of range [0, %d)", id, f, features)
		}
		// Children after their parent rule out cycles, so prediction ends.
		if l, r := b.Left[i], b.Right[i]; l <= id || l >= size || r <= id || r >= size {
			return fmt.Errorf("node %d: children %d and %d must be in (%d, %d)", id, l, r, id, size)
		}
		if !finite32(b.Threshold[i]) {
			return fmt.Errorf("node %d: threshold %v is not finite", id, b.Threshold[i])
		}
	}
	return nil
}

// predictInto sums the margins in float32 in tree order, as XGBoost does,
// then applies the softmax. Each partial sum is rounded to float32 before it
// is stored in dst, so dst holds exactly XGBoost's float32 margins.
func (b *Boosted) predictInto(dst, x []float64) {
	base := float64(float32(b.BaseScore))
	for k := range dst {
		dst[k] = base
	}
	for t, s := range b.TreeStart {
		k := b.TreeClass[t]
		dst[k] = float64(float32(dst[k]) + b.Value[b.leaf(s, x)])
	}
	Softmax(dst)
}

// leaf returns the index of the leaf x falls into in the tree whose root is
// node s.
func (b *Boosted) leaf(s int, x []float64) int {
	n := s
	for {
		f := b.Feature[n]
		if f < 0 {
			return n
		}
		// A NaN fails every comparison: it goes where DefaultLeft says.
		if v := float32(x[f]); v < b.Threshold[n] || (v != v && (b.DefaultLeft == nil || b.DefaultLeft[n])) {
			n = s + int(b.Left[n])
		} else {
			n = s + int(b.Right[n])
		}
	}
}

func finite32(vs ...float32) bool {
	for _, v := range vs {
		if v != v || math.IsInf(float64(v), 0) {
			return false
		}
	}
	return true
}
