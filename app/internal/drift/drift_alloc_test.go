//go:build !race

// Allocation assertions are built only without the race detector: under
// -race, sync.Pool drops a share of what is put back on purpose, so counts
// that rely on a pool are not stable there. make test runs the packages
// holding these files a second time without -race, so they still run in CI.

package drift

import (
	"testing"

	"github.com/mlopsgo/mlops/training/model"
)

func TestObserveDoesNotAllocate(t *testing.T) {
	w := NewWindow([]model.Feature{feature("a", 1, 2, 3), feature("b", 4, 5, 6)}, 100)
	row := []float64{1.5, 5.5}
	if allocs := testing.AllocsPerRun(100, func() { w.Observe(row, nil) }); allocs != 0 {
		t.Errorf("Observe allocates %v times per call, want 0", allocs)
	}
}
