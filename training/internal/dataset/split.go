package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// StratifiedSplit splits the row indices 0..len(y)-1 into a train and a
// test set, keeping each class's share of the test set close to its share
// of the data, as scikit-learn's StratifiedShuffleSplit (and
// train_test_split with stratify=y) does: the test set has
// ceil(testSize*n) rows, the train set the rest, and each class's counts
// are allocated by largest remainder, ties broken at random. The labels in
// y must lie in [0, classes); StratifiedSplit panics otherwise.
//
// The indices come back in random order. The result depends only on the
// arguments: the same seed gives the same split.
//
// It returns an error wrapping ErrInvalidSplit if testSize is not in
// (0, 1) or the train or test set would have fewer rows than there are
// classes (in particular, if either would be empty), and one wrapping
// ErrClassTooSmall if a class has a single member.
func StratifiedSplit(y []int, classes int, testSize float64, seed uint64) (train, test []int, err error) {
	if !(testSize > 0 && testSize < 1) {
		return nil, nil, fmt.Errorf("%w: test size %v is not between 0 and 1", ErrInvalidSplit, testSize)
	}
	byClass := groupByClass(y, classes)
	counts := make([]int, classes)
	present := 0
	for c, members := range byClass {
		counts[c] = len(members)
		if len(members) == 0 {
			continue
		}
		present++
		if len(members) < 2 {
			return nil, nil, fmt.Errorf("%w: class %d has 1 member, need at least 2 for a stratified split",
				ErrClassTooSmall, c)
		}
	}
	n := len(y)
	nTest := int(math.Ceil(testSize * float64(n)))
	nTrain := n - nTest
	need := max(present, 1)
	if nTrain < need || nTest < need {
		return nil, nil, fmt.Errorf("%w: %d rows with test size %v give %d train and %d test rows, need at least %d each (one per class)",
			ErrInvalidSplit, n, testSize, nTrain, nTest, need)
	}

	rng := rand.New(rand.NewPCG(seed, seed))
	nI := approximateMode(counts, nTrain, rng)
	remaining := make([]int, classes)
	for c := range counts {
		remaining[c] = counts[c] - nI[c]
	}
	tI := approximateMode(remaining, nTest, rng)

	train = make([]int, 0, nTrain)
	test = make([]int, 0, nTest)
	for c, members := range byClass {
		perm := rng.Perm(len(members))
		for i, p := range perm {
			switch {
			case i < nI[c]:
				train = append(train, members[p])
			case i < nI[c]+tI[c]:
				test = append(test, members[p])
			}
		}
	}
	rng.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	rng.Shuffle(len(test), func(i, j int) { test[i], test[j] = test[j], test[i] })
	return train, test, nil
}

// approximateMode allocates draws among classes in proportion to counts:
// each class gets the floor of its share, and the draws left over go to
// the classes with the largest remainders, ties broken at random. It is
// scikit-learn's utils._approximate_mode, computed the same way so the
// floating-point remainders compare the same.
func approximateMode(counts []int, draws int, rng *rand.Rand) []int {
	total := 0
	for _, c := range counts {
		total += c
	}
	alloc := make([]int, len(counts))
	if total == 0 {
		return alloc
	}
	continuous := make([]float64, len(counts))
	remainder := make([]float64, len(counts))
	need := draws
	for i, c := range counts {
		continuous[i] = float64(c) / float64(total) * float64(draws)
		floored := math.Floor(continuous[i])
		alloc[i] = int(floored)
		remainder[i] = continuous[i] - floored
		need -= alloc[i]
	}
	if need <= 0 {
		return alloc
	}
	values := slices.Clone(remainder)
	slices.Sort(values)
	values = slices.Compact(values)
	for v := len(values) - 1; v >= 0 && need > 0; v-- {
		var tied []int
		for i, r := range remainder {
			if r == values[v] {
				tied = append(tied, i)
			}
		}
		take := min(len(tied), need)
		rng.Shuffle(len(tied), func(i, j int) { tied[i], tied[j] = tied[j], tied[i] })
		for _, i := range tied[:take] {
			alloc[i]++
		}
		need -= take
	}
	return alloc
}

// Fold is one train/test split of a repeated k-fold cross-validation.
// Train and Test hold row indices in ascending order.
type Fold struct {
	// Repeat is the 0-based repetition this fold belongs to.
	Repeat int
	// Fold is the 0-based index of the fold within its repetition.
	Fold int
	// Train holds the indices of the rows to train on.
	Train []int
	// Test holds the indices of the rows to evaluate on.
	Test []int
}

// RepeatedStratifiedKFold returns repeats × folds train/test splits of the
// row indices 0..len(y)-1, in repeat-major order, as scikit-learn's
// RepeatedStratifiedKFold (StratifiedKFold with shuffle=True, repeated)
// makes them. In each repeat every row is in exactly one test fold; each
// class's members are spread over the folds so that the per-class counts
// of any two folds differ by at most one (and so do the fold sizes), with
// the assignment shuffled; the train set is the complement of the test
// fold. The labels in y must lie in [0, classes); it panics otherwise.
// Classes with no members are ignored.
//
// The result depends only on the arguments: the same seed gives the same
// folds. It returns an error wrapping ErrInvalidSplit if folds < 2,
// repeats < 1 or y is empty, and one wrapping ErrClassTooSmall if a class
// has fewer than folds members.
func RepeatedStratifiedKFold(y []int, classes, folds, repeats int, seed uint64) ([]Fold, error) {
	if folds < 2 {
		return nil, fmt.Errorf("%w: %d folds, need at least 2", ErrInvalidSplit, folds)
	}
	if repeats < 1 {
		return nil, fmt.Errorf("%w: %d repeats, need at least 1", ErrInvalidSplit, repeats)
	}
	if len(y) == 0 {
		return nil, fmt.Errorf("%w: no rows to split", ErrInvalidSplit)
	}
	byClass := groupByClass(y, classes)
	for c, members := range byClass {
		if len(members) > 0 && len(members) < folds {
			return nil, fmt.Errorf("%w: class %d has %d members, need at least %d for %d folds",
				ErrClassTooSmall, c, len(members), folds, folds)
		}
	}

	// Like scikit-learn, deal the labels sorted by order of first
	// appearance round-robin into the folds: this fixes how many members
	// of each class each fold gets, balancing the fold sizes as well.
	var order []int
	for _, c := range y {
		if !slices.Contains(order, c) {
			order = append(order, c)
		}
	}
	alloc := make([][]int, classes) // alloc[c][f]: members of class c in fold f
	pos := 0
	for _, c := range order {
		alloc[c] = make([]int, folds)
		for range byClass[c] {
			alloc[c][pos%folds]++
			pos++
		}
	}

	rng := rand.New(rand.NewPCG(seed, seed))
	testFold := make([]int, len(y))
	out := make([]Fold, 0, folds*repeats)
	for r := range repeats {
		for c, members := range byClass {
			if len(members) == 0 {
				continue
			}
			assign := make([]int, 0, len(members))
			for f, k := range alloc[c] {
				for range k {
					assign = append(assign, f)
				}
			}
			rng.Shuffle(len(assign), func(i, j int) { assign[i], assign[j] = assign[j], assign[i] })
			for i, row := range members {
				testFold[row] = assign[i]
			}
		}
		for f := range folds {
			fold := Fold{Repeat: r, Fold: f}
			for row, tf := range testFold {
				if tf == f {
					fold.Test = append(fold.Test, row)
				} else {
					fold.Train = append(fold.Train, row)
				}
			}
			out = append(out, fold)
		}
	}
	return out, nil
}

// groupByClass returns the indices of each class's members, ascending. It
// panics on a label outside [0, classes).
func groupByClass(y []int, classes int) [][]int {
	byClass := make([][]int, classes)
	for i, c := range y {
		if c < 0 || c >= classes {
			panic(fmt.Sprintf("dataset: label %d at index %d is outside [0, %d)", c, i, classes))
		}
		byClass[c] = append(byClass[c], i)
	}
	return byClass
}
