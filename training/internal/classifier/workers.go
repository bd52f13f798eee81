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
	_ = Run(workers, n, func(_, i int) error {
		fn(i)
		return nil
	})
}

// Run calls fn(w, i) for every i in [0, n) on up to workers goroutines and
// returns when every call started has returned. w, in [0, min(workers,
// n)), names the goroutine making the call, so fn can use scratch space of
// its own. After a call returns an error no further index is handed out,
// and Run returns the first error returned.
func Run(workers, n int, fn func(w, i int) error) error {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			if err := fn(0, i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next     atomic.Int64
		stop     atomic.Bool
		errOnce  sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(w, i); err != nil {
					errOnce.Do(func() { firstErr = err })
					stop.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}
