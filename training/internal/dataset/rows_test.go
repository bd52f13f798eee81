package dataset

import (
	"math"
	"slices"
	"testing"
)

func TestRowStoreKeepsOrderAcrossBlocks(t *testing.T) {
	const width, n = 3, minBlockRows*5 + 7 // several blocks, the last partial
	s := newRowStore(width)
	for i := range n {
		s.add([]float64{float64(i), -float64(i), 0.5})
	}
	rows := s.rows()
	if len(rows) != n {
		t.Fatalf("got %d rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		if want := []float64{float64(i), -float64(i), 0.5}; !slices.Equal(r, want) || !slices.Equal(s.row(i), want) {
			t.Fatalf("row %d: rows() %v, row() %v, want %v", i, r, s.row(i), want)
		}
		if cap(r) != width {
			t.Fatalf("row %d has capacity %d: an append would overwrite the next row", i, cap(r))
		}
	}
	if len(s.blocks) < 3 {
		t.Errorf("%d rows fit in %d blocks; the test means to cross block boundaries", n, len(s.blocks))
	}
}

func TestRowSet(t *testing.T) {
	nan := math.NaN()
	tests := map[string]struct {
		stored, probe []float64
		storedLabel   int
		probeLabel    int
		want          bool
	}{
		"equal":             {stored: []float64{1, 2}, probe: []float64{1, 2}, want: true},
		"one value differs": {stored: []float64{1, 2}, probe: []float64{1, 2.0000001}},
		"other label":       {stored: []float64{1, 2}, probe: []float64{1, 2}, probeLabel: 1},
		"-0 equals 0":       {stored: []float64{math.Copysign(0, -1), 2}, probe: []float64{0, 2}, want: true},
		"NaN equals NaN":    {stored: []float64{nan, 2}, probe: []float64{nan, 2}, want: true},
		"NaN is not 0":      {stored: []float64{nan, 2}, probe: []float64{0, 2}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rows, set := newRowStore(2), newRowSet()
			_, h := set.has(rows, nil, tc.stored, tc.storedLabel)
			set.add(h, 0)
			rows.add(tc.stored)
			if got, _ := set.has(rows, []int{tc.storedLabel}, tc.probe, tc.probeLabel); got != tc.want {
				t.Errorf("has = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRowSetHashCollision stores two different rows under one hash, as a
// 64-bit collision would, and requires each to be found under it and a
// third, different row not to be.
func TestRowSetHashCollision(t *testing.T) {
	rows, set := newRowStore(1), newRowSet()
	const h = 42
	set.add(h, 0)
	rows.add([]float64{1})
	set.add(h, 1)
	rows.add([]float64{2})
	ids := []int{0, 0}
	for _, v := range []float64{1, 2} {
		if !set.find(rows, ids, []float64{v}, 0, h) {
			t.Errorf("row %v stored under the shared hash is not found", v)
		}
	}
	if set.find(rows, ids, []float64{3}, 0, h) {
		t.Error("a row never stored is reported present")
	}
	if set.find(rows, ids, []float64{2}, 1, h) {
		t.Error("a stored row with another label is reported present")
	}
}
