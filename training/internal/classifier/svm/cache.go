package svm

// columnCache keeps the most recently used columns of a problem's Q matrix,
// as libsvm's Cache, within a byte budget; it always holds at least two
// columns, the two a solver step uses together.
type columnCache struct {
	cols     [][]float32 // nil when not cached
	capacity int         // columns the budget allows
	used     int
	// prev and next link the cached columns from least to most recently
	// used; index len(cols) is the list's sentinel. Nil when the budget
	// holds every column: nothing is ever evicted, so the order is never
	// needed, and a solver step spends no time keeping it.
	prev, next []int
}

func newColumnCache(l, budget int) *columnCache {
	c := &columnCache{
		cols:     make([][]float32, l),
		capacity: max(2, budget/(4*max(l, 1))),
	}
	if c.capacity < l {
		c.prev, c.next = make([]int, l+1), make([]int, l+1)
		c.prev[l], c.next[l] = l, l
	}
	return c
}

// get returns column i and whether it holds cached values; when it does
// not, the caller fills all of it. Two columns returned by consecutive calls
// never share storage.
func (c *columnCache) get(i int) ([]float32, bool) {
	if c.next == nil {
		// Every column fits: no eviction, no recency to track.
		if col := c.cols[i]; col != nil {
			return col, true
		}
		c.cols[i] = make([]float32, len(c.cols))
		return c.cols[i], false
	}
	if col := c.cols[i]; col != nil {
		c.unlink(i)
		c.pushBack(i)
		return col, true
	}
	var col []float32
	if c.used < c.capacity {
		col = make([]float32, len(c.cols))
		c.used++
	} else {
		oldest := c.next[len(c.cols)]
		c.unlink(oldest)
		col, c.cols[oldest] = c.cols[oldest], nil
	}
	c.cols[i] = col
	c.pushBack(i)
	return col, false
}

func (c *columnCache) unlink(i int) {
	c.next[c.prev[i]] = c.next[i]
	c.prev[c.next[i]] = c.prev[i]
}

func (c *columnCache) pushBack(i int) {
	s := len(c.cols)
	c.prev[i], c.next[i] = c.prev[s], s
	c.next[c.prev[s]] = i
	c.prev[s] = i
}
