package tree

import "math/bits"

// sortEntries sorts entries by value, in place. The values are never NaN
// (fits reject NaN input). Which of two equal values comes first is
// unspecified, as with slices.SortFunc; the scan that follows offers no
// threshold between equal values.
//
// It is an introsort written for this one type: a tree's nodes sort their
// rows for every feature they scan, and on small data that sorting is most
// of a fit. slices.SortFunc calls its comparison through a function value
// for every pair it compares, which took about half of the sorting's time.
func sortEntries(s []entry) {
	quickSortEntries(s, 2*bits.Len(uint(len(s))))
}

// insertionThreshold is the length below which insertion sort is faster.
const insertionThreshold = 12

func quickSortEntries(s []entry, depth int) {
	for len(s) > insertionThreshold {
		if depth == 0 {
			heapSortEntries(s)
			return
		}
		depth--
		p := partitionEntries(s)
		// Recurse into the smaller side, loop on the larger, so the stack
		// stays logarithmic.
		if p < len(s)-p {
			quickSortEntries(s[:p], depth)
			s = s[p+1:]
		} else {
			quickSortEntries(s[p+1:], depth)
			s = s[:p]
		}
	}
	insertionSortEntries(s)
}

// partitionEntries partitions s around the median of its first, middle and
// last values and returns the pivot's final index: values before it are
// at most the pivot, values after it at least.
func partitionEntries(s []entry) int {
	n := len(s)
	m := n / 2
	// Order s[0], s[m], s[n-1]; the median goes to s[0] as the pivot.
	if s[m].value < s[0].value {
		s[m], s[0] = s[0], s[m]
	}
	if s[n-1].value < s[m].value {
		s[n-1], s[m] = s[m], s[n-1]
		if s[m].value < s[0].value {
			s[m], s[0] = s[0], s[m]
		}
	}
	s[0], s[m] = s[m], s[0]
	pivot := s[0].value
	// Hoare's scheme: both scans stop at values equal to the pivot, so many
	// equal values split evenly instead of degrading to quadratic time.
	i, j := 1, n-1
	for {
		for i <= j && s[i].value < pivot {
			i++
		}
		for i <= j && s[j].value > pivot {
			j--
		}
		if i >= j {
			break
		}
		s[i], s[j] = s[j], s[i]
		i++
		j--
	}
	s[0], s[j] = s[j], s[0]
	return j
}

func insertionSortEntries(s []entry) {
	for i := 1; i < len(s); i++ {
		e := s[i]
		j := i
		for ; j > 0 && e.value < s[j-1].value; j-- {
			s[j] = s[j-1]
		}
		s[j] = e
	}
}

func heapSortEntries(s []entry) {
	n := len(s)
	for i := n/2 - 1; i >= 0; i-- {
		siftDownEntries(s, i, n)
	}
	for end := n - 1; end > 0; end-- {
		s[0], s[end] = s[end], s[0]
		siftDownEntries(s, 0, end)
	}
}

func siftDownEntries(s []entry, root, n int) {
	for {
		child := 2*root + 1
		if child >= n {
			return
		}
		if child+1 < n && s[child].value < s[child+1].value {
			child++
		}
		if !(s[root].value < s[child].value) {
			return
		}
		s[root], s[child] = s[child], s[root]
		root = child
	}
}
