package model

import (
	"fmt"
	"math"
	"slices"
)

// DefaultBins is the number of histogram bins training records per feature.
const DefaultBins = 10

// Stats summarizes one feature's training values: the baseline that serving
// compares live inputs with to measure drift.
type Stats struct {
	Count int     `json:"count"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	Mean  float64 `json:"mean"`
	// Std is the population standard deviation.
	Std       float64   `json:"std"`
	Histogram Histogram `json:"histogram"`
}

// Histogram counts values in equal-width bins between the training minimum
// and maximum. Edges has one more entry than Counts.
type Histogram struct {
	Edges  []float64 `json:"edges"`
	Counts []int     `json:"counts"`
}

// NewStats computes Stats over values with the given number of bins. It
// panics if values is empty or bins < 1.
func NewStats(values []float64, bins int) Stats {
	if len(values) == 0 || bins < 1 {
		panic("model: NewStats needs values and at least one bin")
	}
	s := Stats{Count: len(values), Min: slices.Min(values), Max: slices.Max(values)}
	var sum float64
	for _, v := range values {
		sum += v
	}
	s.Mean = sum / float64(len(values))
	var ss float64
	for _, v := range values {
		d := v - s.Mean
		ss += d * d
	}
	s.Std = math.Sqrt(ss / float64(len(values)))
	if s.Min == s.Max {
		bins = 1
	}
	h := Histogram{Edges: make([]float64, bins+1), Counts: make([]int, bins)}
	width := (s.Max - s.Min) / float64(bins)
	for i := range h.Edges {
		h.Edges[i] = s.Min + float64(i)*width
	}
	h.Edges[bins] = s.Max // exact, whatever the rounding of the sum above
	for _, v := range values {
		h.Counts[h.Bin(v)]++
	}
	s.Histogram = h
	return s
}

// Bin returns the index of the bin v falls in. Bins are closed on the left
// and open on the right except the last, which includes Max; values outside
// the training range go to the first or last bin. Bin does not allocate.
func (h Histogram) Bin(v float64) int {
	n := len(h.Counts)
	// The first edge i with v < Edges[i] closes v's bin; binary search keeps
	// this cheap on the serving path.
	lo, hi := 1, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if v < h.Edges[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo - 1
}

func (s Stats) validate() error {
	if s.Count < 1 {
		return fmt.Errorf("stats: count %d, want at least 1", s.Count)
	}
	if !finite(s.Min, s.Max, s.Mean, s.Std) || s.Min > s.Max || s.Std < 0 {
		return fmt.Errorf("stats: min %v, max %v, mean %v, std %v are not consistent", s.Min, s.Max, s.Mean, s.Std)
	}
	h := s.Histogram
	if len(h.Counts) < 1 || len(h.Edges) != len(h.Counts)+1 {
		return fmt.Errorf("stats: histogram has %d edges for %d bins", len(h.Edges), len(h.Counts))
	}
	if !finite(h.Edges...) || !slices.IsSorted(h.Edges) {
		return fmt.Errorf("stats: histogram edges must be finite and ascending")
	}
	total := 0
	for _, c := range h.Counts {
		if c < 0 {
			return fmt.Errorf("stats: negative histogram count %d", c)
		}
		total += c
	}
	if total != s.Count {
		return fmt.Errorf("stats: histogram counts sum to %d, count is %d", total, s.Count)
	}
	return nil
}
