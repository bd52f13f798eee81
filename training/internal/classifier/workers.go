package classifier

import "runtime"

// Workers resolves a Workers setting: n goroutines, or GOMAXPROCS when n is
// 0 (or negative, which configs reject before this is asked).
func Workers(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}
