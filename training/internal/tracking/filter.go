package tracking

import "slices"

// Filter returns the runs with status (all when status is empty), then
// the last limit of those (all when limit is 0 or less). runs is not
// modified.
func Filter(runs []*Run, status Status, limit int) []*Run {
	if status != "" {
		runs = slices.DeleteFunc(slices.Clone(runs), func(r *Run) bool { return r.Status != status })
	}
	if limit > 0 && len(runs) > limit {
		runs = runs[len(runs)-limit:]
	}
	return runs
}
