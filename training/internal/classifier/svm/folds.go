package svm

// stratifiedFolds is scikit-learn's StratifiedKFold(n) without shuffling:
// it returns each row's test fold. label holds class positions in [0, k).
// As _make_test_folds, classes are numbered by first appearance, the
// per-fold counts come from dealing the rows sorted by that number round
// robin to the folds, and each class's rows, in order, fill fold 0 first,
// then fold 1, and so on. Every class must have at least n rows.
func stratifiedFolds(label []int, k, n int) []int {
	code := make([]int, k)
	for c := range code {
		code[c] = -1
	}
	codes := 0
	for _, c := range label {
		if code[c] < 0 {
			code[c] = codes
			codes++
		}
	}
	count := make([]int, codes)
	for _, c := range label {
		count[code[c]]++
	}
	// allocation[f][e]: rows of class code e in test fold f.
	allocation := make([][]int, n)
	for f := range allocation {
		allocation[f] = make([]int, codes)
	}
	pos := 0
	for e, m := range count {
		for range m {
			allocation[pos%n][e]++
			pos++
		}
	}
	fold := make([]int, len(label))
	next := make([]int, codes) // the fold the class's next row goes to
	used := make([]int, codes) // rows of the class already in that fold
	for i, c := range label {
		e := code[c]
		for used[e] == allocation[next[e]][e] {
			next[e]++
			used[e] = 0
		}
		fold[i] = next[e]
		used[e]++
	}
	return fold
}
