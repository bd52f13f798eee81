package generate

import (
	"math"
)

// Margin is the fraction of a column's observed range added on each side
// of it to make the declared valid range: values a little beyond what the
// training data held are still served, wild ones are rejected.
const Margin = 0.1

// Range is a feature's declared valid range and how it was made.
type Range struct {
	Min, Max float64
	// Clamped says the low end was raised to 0 because the column has no
	// negative value (counts, lengths, prices).
	Clamped bool
}

// DeclaredRange returns the valid range for a column whose values span
// [lo, hi], lo < hi: widened by Margin of hi-lo on each side, not below 0
// when lo >= 0, then rounded outwards to two significant digits of hi-lo
// so the file reads well (Iris's sepal_length, 4.3 to 7.9, gets 3.9 to
// 8.3). It panics if lo >= hi: a constant column has no range to widen.
func DeclaredRange(lo, hi float64) Range {
	if !(lo < hi) {
		panic("generate: DeclaredRange needs lo < hi")
	}
	span := hi - lo
	if math.IsInf(span, 0) {
		// The values span more than a float64 holds; they are the range.
		return Range{Min: lo, Max: hi}
	}
	r := Range{Min: lo - Margin*span, Max: hi + Margin*span}
	if lo >= 0 && r.Min < 0 {
		r.Min, r.Clamped = 0, true
	}
	r.Min = roundOut(r.Min, span, math.Floor)
	r.Max = roundOut(r.Max, span, math.Ceil)
	// Rounding never narrows, but keep the observed values inside whatever
	// the float arithmetic did.
	r.Min, r.Max = min(r.Min, lo), max(r.Max, hi)
	if !finite(r.Min) || !finite(r.Max) {
		// Values near the ends of float64 (overflow) or a subnormal span
		// (10^-325 is not a float64): the observed values are the range.
		return Range{Min: lo, Max: hi}
	}
	return r
}

// roundOut rounds v with round (math.Floor or math.Ceil) to a multiple of
// the power of ten one below span's leading digit. Dividing by a power of
// ten (rather than multiplying by its inverse) gives the decimal a reader
// expects, e.g. 3.9 rather than 3.9000000000000004.
func roundOut(v, span float64, round func(float64) float64) float64 {
	exp := int(math.Floor(math.Log10(span))) - 1
	if exp < 0 {
		p := math.Pow10(-exp)
		return round(v*p) / p
	}
	p := math.Pow10(exp)
	return round(v/p) * p
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
