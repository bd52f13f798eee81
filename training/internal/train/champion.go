package train

import algo "github.com/mlopsgo/mlops/training/internal/algorithm"

// tieTolerance treats CV means this close as equal: they are averages of
// the same folds' accuracies, so a real difference is at least one row in
// one fold, far above floating-point noise.
const tieTolerance = 1e-9

// pickChampion returns the model with the best mean CV accuracy; ties go to
// the simpler model (the algorithm registry's rank), then to the earlier
// name. Failed models are never chosen; with none trained it returns "".
func pickChampion(models []ModelResult) string {
	best := -1
	for i, m := range models {
		if m.Failed() {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		b := models[best]
		switch {
		case m.CV.Mean > b.CV.Mean+tieTolerance:
			best = i
		case m.CV.Mean >= b.CV.Mean-tieTolerance && simpler(m.Name, b.Name):
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return models[best].Name
}

func simpler(a, b string) bool {
	ra, okA := algo.Lookup(a)
	rb, okB := algo.Lookup(b)
	if okA && okB && ra.Rank != rb.Rank {
		return ra.Rank < rb.Rank
	}
	return a < b
}
