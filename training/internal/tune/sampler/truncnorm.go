package sampler

import (
	"math"
	"math/rand/v2"
)

// logGaussMass returns log(Φ(b) − Φ(a)) for a < b, the log of the
// standard normal's mass on [a, b], computed on the side of 0 where it
// does not cancel (as Optuna's _truncnorm._log_gauss_mass does).
func logGaussMass(a, b float64) float64 {
	switch {
	case b <= 0:
		return math.Log(phi(b) - phi(a))
	case a > 0:
		return math.Log(phi(-a) - phi(-b))
	}
	// The mass on both sides of 0: 1 minus both tails.
	return math.Log1p(-phi(a) - phi(-b))
}

// phi is the standard normal CDF.
func phi(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// phiInv is the standard normal quantile function.
func phiInv(p float64) float64 { return -math.Sqrt2 * math.Erfcinv(2*p) }

// truncNormLogPDF returns the log density at x of the normal (mu, sigma)
// truncated to [low, high].
func truncNormLogPDF(x, mu, sigma, low, high float64) float64 {
	if x < low || x > high {
		return math.Inf(-1)
	}
	z := (x - mu) / sigma
	return -0.5*z*z - 0.5*math.Log(2*math.Pi) - math.Log(sigma) - logGaussMass((low-mu)/sigma, (high-mu)/sigma)
}

// truncNormSample draws from the normal (mu, sigma) truncated to [low,
// high] by inverting its CDF, on the lower-tail side so that draws far in
// the upper tail keep their precision.
func truncNormSample(rng *rand.Rand, mu, sigma, low, high float64) float64 {
	a, b := (low-mu)/sigma, (high-mu)/sigma
	flip := a > 0
	if flip {
		a, b = -b, -a
	}
	pa, pb := phi(a), phi(b)
	z := phiInv(pa + rng.Float64()*(pb-pa))
	if flip {
		z = -z
	}
	return min(max(mu+sigma*z, low), high)
}
