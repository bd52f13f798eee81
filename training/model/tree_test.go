package model

import "testing"

// TestTreeLeaf walks treeParams' tree: a <= 2.5 goes to leaf 1; otherwise
// b <= 0 goes to leaf 3 and b > 0 to leaf 4. Values equal to a threshold go
// left, as scikit-learn sends them.
func TestTreeLeaf(t *testing.T) {
	tr := treeParams().Tree
	tests := []struct {
		name string
		x    []float64
		want int
	}{
		{"left of the root", []float64{1, 3}, 1},
		{"on the root threshold", []float64{2.5, 3}, 1},
		{"right, then left", []float64{2.6, -1}, 3},
		{"right, on the second threshold", []float64{7, 0}, 3},
		{"right, then right", []float64{7, 0.1}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tr.Leaf(tt.x); got != tt.want {
				t.Errorf("Leaf(%v) = %d, want %d", tt.x, got, tt.want)
			}
		})
	}
}
