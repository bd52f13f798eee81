package tracking

// Failed reports whether the model's tuning failed.
func (m *TunedModel) Failed() bool { return m.Status == ModelFailed || m.Status == ModelTimedOut }

// Best returns the tuned model with the best nested estimate (ties to the
// first listed), or nil when none was tuned: the model a tuning run
// recommends, as the champion is a training run's.
func (t *Tune) Best() *TunedModel {
	var best *TunedModel
	for i := range t.Models {
		m := &t.Models[i]
		if !m.Failed() && (best == nil || m.Nested.Mean > best.Nested.Mean) {
			best = m
		}
	}
	return best
}

// Trials counts the trials of every search of the model, by state
// ("complete", "pruned", "infeasible"), and in total under "".
func (m *TunedModel) Trials() map[string]int {
	n := map[string]int{}
	for _, s := range m.Searches {
		for _, tr := range s.Trials {
			n[tr.State]++
			n[""]++
		}
	}
	return n
}

// Settings returns the search settings as flat parameters under
// "search.": what a tuning run was asked to do beyond its params file
// (whose tune: section --trials and --time override), for comparisons and
// exports. Unset budgets are left out.
func (t *Tune) Settings() map[string]any {
	s := map[string]any{
		"sampler": t.Sampler, "batch": t.Batch, "inner_folds": t.InnerFolds, "pruning": t.Pruning, "applied": t.Applied,
	}
	if t.Trials > 0 {
		s["trials"] = t.Trials
	}
	if t.TimeBudgetSeconds > 0 {
		s["time_budget_seconds"] = t.TimeBudgetSeconds
	}
	return map[string]any{"search": s}
}

// TunedModel returns the tuned model with that name, or nil (also for a
// training run).
func (r *Run) TunedModel(name string) *TunedModel {
	if r.Tune == nil {
		return nil
	}
	for i := range r.Tune.Models {
		if r.Tune.Models[i].Name == name {
			return &r.Tune.Models[i]
		}
	}
	return nil
}
