package model

import (
	"math"
	"testing"
)

func TestNewStats(t *testing.T) {
	// Values 1..10: mean 5.5, population variance (n^2-1)/12 = 8.25.
	values := []float64{3, 1, 2, 4, 5, 6, 7, 8, 9, 10}
	s := NewStats(values, 3)
	const tol = 1e-12
	if s.Count != 10 || s.Min != 1 || s.Max != 10 || math.Abs(s.Mean-5.5) > tol || math.Abs(s.Std-math.Sqrt(8.25)) > tol {
		t.Fatalf("stats %+v, want count 10, min 1, max 10, mean 5.5, std %v", s, math.Sqrt(8.25))
	}
	// Edges 1, 4, 7, 10: [1,4) holds 1,2,3; [4,7) holds 4,5,6; [7,10] holds 7..10.
	wantEdges := []float64{1, 4, 7, 10}
	wantCounts := []int{3, 3, 4}
	for i, e := range wantEdges {
		if s.Histogram.Edges[i] != e {
			t.Fatalf("edges %v, want %v", s.Histogram.Edges, wantEdges)
		}
	}
	for i, c := range wantCounts {
		if s.Histogram.Counts[i] != c {
			t.Fatalf("counts %v, want %v", s.Histogram.Counts, wantCounts)
		}
	}
	if err := s.validate(); err != nil {
		t.Fatal(err)
	}
}

func TestNewStatsConstant(t *testing.T) {
	s := NewStats([]float64{2, 2, 2}, 10)
	if len(s.Histogram.Counts) != 1 || s.Histogram.Counts[0] != 3 || s.Std != 0 {
		t.Fatalf("constant feature stats %+v, want one bin of 3 and std 0", s)
	}
	if got := s.Histogram.Bin(5); got != 0 {
		t.Fatalf("Bin(5) = %d, want 0", got)
	}
}

func TestHistogramBin(t *testing.T) {
	h := Histogram{Edges: []float64{0, 1, 2, 3}, Counts: []int{0, 0, 0}}
	tests := []struct {
		v    float64
		want int
	}{
		{-100, 0}, {0, 0}, {0.999, 0}, {1, 1}, {1.5, 1}, {2, 2}, {3, 2}, {3.0001, 2}, {1e9, 2},
	}
	for _, tt := range tests {
		if got := h.Bin(tt.v); got != tt.want {
			t.Errorf("Bin(%v) = %d, want %d", tt.v, got, tt.want)
		}
	}
}
