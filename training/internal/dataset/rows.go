package dataset

import (
	"encoding/binary"
	"hash/maphash"
	"math"
)

// rowStore keeps parsed rows in a few large blocks instead of one
// allocation per row: a million rows of 20 features then cost their 160 MB
// and the row headers, with no per-row allocation overhead and without the
// copy a single growing slice would make each time it doubled.
type rowStore struct {
	width  int
	blocks [][]float64
	n      int // rows stored
}

// Block sizes grow from minBlockRows to maxBlockRows rows, so a small file
// wastes little and a large one needs few blocks.
const (
	minBlockRows = 256
	maxBlockRows = 1 << 16
)

func newRowStore(width int) *rowStore { return &rowStore{width: width} }

// add appends a copy of x, which must have width values.
func (s *rowStore) add(x []float64) {
	last := len(s.blocks) - 1
	if last < 0 || len(s.blocks[last])+s.width > cap(s.blocks[last]) {
		rows := minBlockRows << min(len(s.blocks), 8)
		rows = min(rows, maxBlockRows)
		s.blocks = append(s.blocks, make([]float64, 0, rows*s.width))
		last++
	}
	s.blocks[last] = append(s.blocks[last], x...)
	s.n++
}

// row returns the i-th row stored, sharing its memory.
func (s *rowStore) row(i int) []float64 {
	for _, b := range s.blocks {
		if n := len(b) / s.width; i >= n {
			i -= n
			continue
		}
		return b[i*s.width : (i+1)*s.width : (i+1)*s.width]
	}
	panic("dataset: row index out of range")
}

// rows returns every row in order, each a capacity-limited view of a block
// so that appending to one cannot overwrite the next.
func (s *rowStore) rows() [][]float64 {
	out := make([][]float64, 0, s.n)
	for _, b := range s.blocks {
		for off := 0; off < len(b); off += s.width {
			out = append(out, b[off:off+s.width:off+s.width])
		}
	}
	return out
}

// rowSet finds exact duplicate rows (features and label) by a hash of their
// values, keeping only row indices: a set keyed by the rows' bytes took
// more memory than the data itself on large files. Rows compare by their
// bits, with -0 equal to 0 as pandas compares them, so NaN equals NaN as
// in pandas' drop_duplicates.
type rowSet struct {
	seed  maphash.Seed
	first map[uint64]int // hash → the first row stored with it
	// more holds the rows after the first that share a hash but differ,
	// which a 64-bit hash makes rare.
	more map[uint64][]int
	buf  []byte
}

func newRowSet() *rowSet {
	return &rowSet{seed: maphash.MakeSeed(), first: map[uint64]int{}, more: map[uint64][]int{}}
}

func (s *rowSet) hash(x []float64, label int) uint64 {
	s.buf = s.buf[:0]
	for _, v := range x {
		s.buf = binary.LittleEndian.AppendUint64(s.buf, valueBits(v))
	}
	s.buf = binary.LittleEndian.AppendUint64(s.buf, uint64(label))
	return maphash.Bytes(s.seed, s.buf)
}

// has reports whether a row equal to x with label id is stored, and the
// row's hash for add; rows and ids hold the rows stored so far.
func (s *rowSet) has(rows *rowStore, ids []int, x []float64, label int) (bool, uint64) {
	h := s.hash(x, label)
	return s.find(rows, ids, x, label, h), h
}

// find reports whether a row equal to x with label id is stored under
// hash h.
func (s *rowSet) find(rows *rowStore, ids []int, x []float64, label int, h uint64) bool {
	i, ok := s.first[h]
	if !ok {
		return false
	}
	if ids[i] == label && sameRow(rows.row(i), x) {
		return true
	}
	for _, i := range s.more[h] {
		if ids[i] == label && sameRow(rows.row(i), x) {
			return true
		}
	}
	return false
}

// add records that row index i has hash h; has must have reported the row
// absent.
func (s *rowSet) add(h uint64, i int) {
	if _, ok := s.first[h]; ok {
		s.more[h] = append(s.more[h], i)
		return
	}
	s.first[h] = i
}

func sameRow(a, b []float64) bool {
	for j, v := range a {
		if valueBits(v) != valueBits(b[j]) {
			return false
		}
	}
	return true
}

func valueBits(v float64) uint64 {
	if v == 0 {
		v = 0 // -0 == 0
	}
	return math.Float64bits(v)
}
