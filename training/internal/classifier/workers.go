package classifier

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers resolves a Workers setting: n goroutines, or GOMAXPROCS when n is
// 0 (or negative, which configs reject before this is asked).
func Workers(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// Parallel calls fn(i) for every i in [0, n) on up to workers goroutines,
// and returns when every call has. Which goroutine runs which i varies;
// callers make each fn(i) write only its own results, so the outcome does
// not depend on it.
func Parallel(workers, n int, fn func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := int(next.Add(1) - 1); j < n; j = int(next.Add(1) - 1) {
				fn(j)
			}
		})
	}
	wg.Wait()
}
