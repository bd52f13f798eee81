package sampler

import (
	"math"
	"math/rand/v2"
	"slices"
)

// The constants of Optuna 3.x's TPESampler defaults.
const (
	// priorWeight is the weight of the prior kernel (prior_weight).
	priorWeight = 1.0
	// rampFlat is the number of most recent trials weighted 1 by
	// defaultWeights; older ones ramp down linearly.
	rampFlat = 25
)

// parzen is a univariate Parzen estimator: a mixture of kernels, one per
// observation plus the prior, over one dimension's internal values.
// Optuna 3.x's _ParzenEstimator with consider_prior, consider_magic_clip
// and not consider_endpoints, for one parameter.
type parzen struct {
	weights []float64 // of the kernels, summing to 1
	// A numerical dimension: kernel means and widths over [low, high] with
	// grid step (0: continuous).
	mus, sigmas     []float64
	low, high, step float64
	// A categorical dimension: each kernel's probability of each choice.
	choices [][]float64
}

// defaultWeights returns Optuna's default_weights(n): 1 for every
// observation when there are fewer than 25, else a ramp from 1/n to 1 over
// the oldest n−25 and 1 for the 25 most recent (observations are in trial
// order).
func defaultWeights(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	if n >= rampFlat {
		ramp := n - rampFlat
		for i := range ramp {
			// numpy's linspace(1/n, 1, num=ramp).
			if ramp == 1 {
				w[i] = 1 / float64(n)
				continue
			}
			w[i] = 1/float64(n) + float64(i)*(1-1/float64(n))/float64(ramp-1)
		}
	}
	return w
}

// mixtureWeights returns the kernels' weights: the observations', then the
// prior's, normalized; only the prior when there are no observations.
func mixtureWeights(n int) []float64 {
	if n == 0 {
		return []float64{1}
	}
	w := append(defaultWeights(n), priorWeight)
	var sum float64
	for _, v := range w {
		sum += v
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// newCategoricalParzen returns the estimator of a categorical dimension
// with n choices from the observed choice indices: each observation's
// kernel puts weight 1 on its choice plus priorWeight/kernels on every
// choice; the prior kernel is uniform.
func newCategoricalParzen(obs []float64, n int) *parzen {
	p := &parzen{weights: mixtureWeights(len(obs))}
	if len(obs) == 0 {
		p.choices = [][]float64{uniform(n)}
		return p
	}
	kernels := len(obs) + 1
	for k := range kernels {
		row := make([]float64, n)
		for c := range row {
			row[c] = priorWeight / float64(kernels)
		}
		if k < len(obs) {
			row[int(obs[k])]++
		}
		var sum float64
		for _, v := range row {
			sum += v
		}
		for c := range row {
			row[c] /= sum
		}
		p.choices = append(p.choices, row)
	}
	return p
}

func uniform(n int) []float64 {
	row := make([]float64, n)
	for c := range row {
		row[c] = 1 / float64(n)
	}
	return row
}

// newNumericalParzen returns the estimator of a numerical dimension over
// [low, high] with grid step (0: continuous) from the observed values.
// Each observation's kernel is centred on it, as wide as the larger gap to
// its neighbours among the observations and the prior's centre (the
// outermost ones: the gap on their inner side), clipped to [(high − low +
// step)/min(100, observations + 2), high − low + step] (the "magic clip");
// the prior kernel is centred on the range and as wide as it.
func newNumericalParzen(obs []float64, low, high, step float64) *parzen {
	p := &parzen{weights: mixtureWeights(len(obs)), low: low, high: high, step: step}
	width := high - low + step
	prior := 0.5 * (low + high)
	if len(obs) > 0 {
		withPrior := append(slices.Clone(obs), prior)
		order := make([]int, len(withPrior))
		for i := range order {
			order[i] = i
		}
		// A stable sort, as numpy's argsort is deterministic on ties.
		slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(withPrior[a], withPrior[b]) })
		sorted := make([]float64, len(withPrior)+2)
		sorted[0] = low - step/2
		for i, o := range order {
			sorted[i+1] = withPrior[o]
		}
		sorted[len(sorted)-1] = high + step/2
		sigmaSorted := make([]float64, len(withPrior))
		for i := range sigmaSorted {
			sigmaSorted[i] = max(sorted[i+1]-sorted[i], sorted[i+2]-sorted[i+1])
		}
		if len(sorted) >= 4 {
			// consider_endpoints off: the outermost kernels ignore the
			// range's ends.
			sigmaSorted[0] = sorted[2] - sorted[1]
			sigmaSorted[len(sigmaSorted)-1] = sorted[len(sorted)-2] - sorted[len(sorted)-3]
		}
		sigmas := make([]float64, len(withPrior))
		for i, o := range order {
			sigmas[o] = sigmaSorted[i]
		}
		minSigma := width / min(100, 1+float64(len(obs))+1)
		for i := range obs {
			p.mus = append(p.mus, obs[i])
			p.sigmas = append(p.sigmas, min(max(sigmas[i], minSigma), width))
		}
	}
	p.mus = append(p.mus, prior)
	p.sigmas = append(p.sigmas, width)
	return p
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sample draws n values: each picks a kernel by weight, then a value from
// it (for a grid, a draw over the range widened by half a step, rounded to
// the grid and clipped), as Optuna's _MixtureOfProductDistribution.sample.
func (p *parzen) sample(rng *rand.Rand, n int) []float64 {
	kernels := make([]int, n)
	for i := range kernels {
		kernels[i] = pick(rng, p.weights)
	}
	out := make([]float64, n)
	for i, k := range kernels {
		switch {
		case p.choices != nil:
			out[i] = float64(pick(rng, p.choices[k]))
		case p.step == 0:
			out[i] = truncNormSample(rng, p.mus[k], p.sigmas[k], p.low, p.high)
		default:
			x := truncNormSample(rng, p.mus[k], p.sigmas[k], p.low-p.step/2, p.high+p.step/2)
			out[i] = min(max(p.low+math.Round((x-p.low)/p.step)*p.step, p.low), p.high)
		}
	}
	return out
}

// pick returns an index drawn with the probabilities w (summing to 1).
func pick(rng *rand.Rand, w []float64) int {
	u := rng.Float64()
	var cum float64
	for i, v := range w {
		cum += v
		if u < cum {
			return i
		}
	}
	return len(w) - 1 // rounding left the sum just under 1
}

// logPDF returns the mixture's log density at x (for a grid or choices,
// the log probability of x).
func (p *parzen) logPDF(x float64) float64 {
	terms := make([]float64, len(p.weights))
	for k, w := range p.weights {
		var l float64
		switch {
		case p.choices != nil:
			l = math.Log(p.choices[k][int(x)])
		case p.step == 0:
			l = truncNormLogPDF(x, p.mus[k], p.sigmas[k], p.low, p.high)
		default:
			mu, s := p.mus[k], p.sigmas[k]
			lo, hi := p.low-p.step/2, p.high+p.step/2
			l = logGaussMass((max(x-p.step/2, lo)-mu)/s, (min(x+p.step/2, hi)-mu)/s) - logGaussMass((lo-mu)/s, (hi-mu)/s)
		}
		terms[k] = l + math.Log(w)
	}
	return logSumExp(terms)
}

func logSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = max(m, x)
	}
	if math.IsInf(m, -1) {
		return m
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}
