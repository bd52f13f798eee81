package logreg

import "gonum.org/v1/gonum/optimize"

// maxLineSearch bounds the objective evaluations of one line search, as
// SciPy's L-BFGS-B bounds them with maxls (50, as recent scikit-learn sets
// it). Near the optimum of a sum over many rows gonum's bisection otherwise
// halves the step some 55 times, to the last bit of the parameters, before
// it reports that it cannot decrease the objective, which on a large data
// set costs more than the rest of the fit. SciPy's default of 20 is too few
// for bisection, which only halves where SciPy's search interpolates: on
// unscaled features of about 1e4 the first step is some 2^25 times too
// long.
const maxLineSearch = 50

// boundedLinesearch is a Linesearcher that fails once the one it wraps has
// asked for maxLineSearch evaluations in one search.
type boundedLinesearch struct {
	optimize.Linesearcher
	evals int
}

func (b *boundedLinesearch) Init(f, g, step float64) optimize.Operation {
	b.evals = 1
	return b.Linesearcher.Init(f, g, step)
}

func (b *boundedLinesearch) Iterate(f, g float64) (optimize.Operation, float64, error) {
	op, step, err := b.Linesearcher.Iterate(f, g)
	if err != nil || op&optimize.FuncEvaluation == 0 {
		return op, step, err
	}
	if b.evals >= maxLineSearch {
		return optimize.NoOperation, step, optimize.ErrLinesearcherFailure
	}
	b.evals++
	return op, step, nil
}
