package tree

import (
	"cmp"
	"math/bits"
	"slices"
)

// Sorted is a data set with every column sorted once, so that the exact
// method's trees, which scan a node's rows in value order, need not sort
// them at every node: each tree filters the columns to its rows once and
// splits them with its nodes, in the order of the rows' values (see
// presorted). A forest sorts its data once for all its trees.
type Sorted struct {
	X    [][]float64
	cols [][]entry // cols[f]: every row by X[row][f], ties in row order
}

// Sort sorts every column of X, which must be checked input (finite, at
// least one row, every row as long).
func Sort(X [][]float64) *Sorted {
	d := len(X[0])
	all := make([]entry, len(X)*d)
	s := &Sorted{X: X, cols: make([][]entry, d)}
	for f := range d {
		col := all[f*len(X) : (f+1)*len(X) : (f+1)*len(X)]
		for i, row := range X {
			col[i] = entry{value: row[f], row: i}
		}
		slices.SortFunc(col, func(a, b entry) int {
			if c := cmp.Compare(a.value, b.value); c != 0 {
				return c
			}
			return cmp.Compare(a.row, b.row)
		})
		s.cols[f] = col
	}
	return s
}

// presortMaxEntries bounds the data a Sorted is used for: it holds every
// value once more (16 bytes each), and every tree being grown a copy of
// its rows' (64 MB each at this bound), where sorting each node's rows
// needs one column's worth. Data sets this large use the hist method
// unless told otherwise (AutoHistRows).
const presortMaxEntries = 1 << 22

// Presorts reports whether the exact method is faster on n rows of d
// features from a Sorted than sorting each node's rows, when each node
// scans maxFeatures features (0: all of them), and n·d is small enough
// for the memory that takes (presortMaxEntries). Splitting the presorted
// columns costs every feature a pass over the node's rows; sorting costs
// each scanned feature about log₂ n passes, each a few times dearer for
// its unpredictable comparisons.
func Presorts(maxFeatures, d, n int) bool {
	k := maxFeatures
	if k == 0 {
		k = d
	}
	return n*d <= presortMaxEntries && 3*k*bits.Len(uint(n)) >= d
}

// presorted is the exact method's state with a Sorted: for each feature,
// the tree's rows in value order, partitioned by node as samples is, so
// that a node's rows sorted by feature f are ord[f*m+start : f*m+end]
// when its samples are samples[start:end] (m is the number of samples).
// Which of two rows of equal value comes first differs from sorting the
// node, so it is used only with whole-number weights, where the class
// counts summed in either order are the same.
type presorted struct {
	ord  []entry // d × m, and a spare slot
	d, m int
	// goLeft holds, by row, 1 if the split being applied sends the row
	// left: bytes, not bools, so that the loops below add them instead of
	// branching on them, whose pattern is as random as the data.
	goLeft  []uint8
	scratch []entry // m: the right side during a partition
}

// init fills ord from s with the m rows marked 1 in keep (by row), and
// clears keep.
func (p *presorted) init(s *Sorted, m int, keep []uint8) {
	p.d, p.m = len(s.cols), m
	for f, col := range s.cols {
		// One spare slot: every entry is written, the kept ones advance.
		ord := p.ord[f*m : (f+1)*m+1]
		n := 0
		for _, e := range col {
			ord[n] = e
			n += int(keep[e.row])
		}
	}
	clear(keep)
}

// node returns the rows of samples[start:end] in the order of feature f.
func (p *presorted) node(f, start, end int) []entry {
	return p.ord[f*p.m+start : f*p.m+end]
}

// split partitions each feature's rows of samples[start:end] as goLeft
// says, stably, the left ones first, to match samples after a split.
func (p *presorted) split(start, end int) {
	for f := range p.d {
		seg := p.node(f, start, end)
		l, r := 0, 0
		for _, e := range seg {
			// Write to both sides and advance one.
			seg[l], p.scratch[r] = e, e
			left := int(p.goLeft[e.row])
			l += left
			r += 1 - left
		}
		copy(seg[l:], p.scratch[:r])
	}
}
