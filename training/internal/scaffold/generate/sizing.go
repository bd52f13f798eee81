package generate

import "math"

// Size thresholds, in rows of the file.
const (
	// MediumRows is where cross-validation drops from 10x5 to 5x2: 50
	// fits per model stop being cheap.
	MediumRows = 10_000
	// LargeRows is where cross-validation drops to 3x1.
	LargeRows = 100_000
	// LeafBudget bounds the leaves of every tree of the forest and of the
	// decision tree, so that their bundles stay small and quick to load
	// whatever the number of rows. See treeBytes.
	LeafBudget = 500
)

// sizing is what the number of rows decides.
type sizing struct {
	tier           string
	folds, repeats int
	// tierFolds is the tier's folds before the smallest class capped them.
	tierFolds      int
	minSamplesLeaf int
}

// sizeFor returns the settings for rows rows of which fitRows are fitted
// (the train split), with smallest rows in the smallest class. Folds never
// exceed the smallest class, which stratified k-fold needs.
func sizeFor(rows, fitRows, smallest int) sizing {
	s := sizing{tier: "small", folds: 10, repeats: 5}
	switch {
	case rows >= LargeRows:
		s = sizing{tier: "large", folds: 3, repeats: 1}
	case rows >= MediumRows:
		s = sizing{tier: "medium", folds: 5, repeats: 2}
	}
	s.tierFolds = s.folds
	s.folds = min(s.folds, smallest)
	// Each leaf keeps at least min_samples_leaf of the fitted rows, so a
	// tree has at most fitRows/min_samples_leaf leaves.
	s.minSamplesLeaf = max(1, int(math.Ceil(float64(fitRows)/LeafBudget)))
	return s
}

// treeBytes estimates the bytes one tree of at most leaves leaves takes in
// an (indented JSON) bundle: 2*leaves-1 nodes of about 100 bytes (six
// per-node arrays, one indented line each), plus about 35 bytes per class
// in each leaf's value row. Iris's 100-tree forest (1660 nodes, pure
// leaves) measures 146 bytes per node.
func treeBytes(leaves, classes int) int {
	return (2*leaves-1)*100 + leaves*35*classes
}
