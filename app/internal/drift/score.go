package drift

import "math"

// Epsilon replaces an empty bin's proportion in [PSI], so a bin that only
// one side fills adds a large but finite term. It is the value Evidently
// uses.
const Epsilon = 1e-4

// PSI returns the population stability index of cur against ref, two
// histograms over the same bins: the sum over bins of (c - r) * ln(c / r)
// where r and c are the bins' proportions. It is 0 when either histogram is
// empty. It panics if the lengths differ.
func PSI(ref, cur []int) float64 {
	if len(ref) != len(cur) {
		panic("drift: PSI of histograms with different bins")
	}
	rt, ct := total(ref), total(cur)
	if rt == 0 || ct == 0 {
		return 0
	}
	var psi float64
	for i := range ref {
		r := max(float64(ref[i])/rt, Epsilon)
		c := max(float64(cur[i])/ct, Epsilon)
		psi += (c - r) * math.Log(c/r)
	}
	return psi
}

// KS returns the largest absolute difference between the cumulative
// distributions of two histograms over the same bins, measured at the bin
// edges. It is 0 when either histogram is empty. It panics if the lengths
// differ.
func KS(ref, cur []int) float64 {
	if len(ref) != len(cur) {
		panic("drift: KS of histograms with different bins")
	}
	rt, ct := total(ref), total(cur)
	if rt == 0 || ct == 0 {
		return 0
	}
	var rc, cc, d float64
	for i := range ref {
		rc += float64(ref[i])
		cc += float64(cur[i])
		d = max(d, math.Abs(rc/rt-cc/ct))
	}
	return d
}

func total(h []int) float64 {
	var t int
	for _, v := range h {
		t += v
	}
	return float64(t)
}
