package tracking

import (
	"fmt"
	"slices"
	"strings"
)

// Kinds are the kinds of run, as users name them (see Kind.String).
var Kinds = []Kind{KindTrain, KindTune}

// String names the kind as users type it: "train" for a training run
// (stored as the empty kind), "tune" for a tuning run.
func (k Kind) String() string {
	if k == KindTrain {
		return "train"
	}
	return string(k)
}

// ParseKind returns the kind a user named ("train" or "tune").
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if s == k.String() {
			return k, nil
		}
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = k.String()
	}
	return "", fmt.Errorf("tracking: unknown kind of run %q; use %s", s, strings.Join(names, " or "))
}

// FilterKind returns the runs of kind. runs is not modified.
func FilterKind(runs []*Run, kind Kind) []*Run {
	return slices.DeleteFunc(slices.Clone(runs), func(r *Run) bool { return r.Kind != kind })
}

// SameKind returns nil when every run is of one kind, and otherwise an
// ErrMixedKinds error naming a run of each of the first two kinds found.
func SameKind(runs []*Run) error {
	for _, r := range runs[min(1, len(runs)):] {
		if r.Kind != runs[0].Kind {
			return fmt.Errorf("%w: %s is a %s run, %s a %s run", ErrMixedKinds, runs[0].ID, runs[0].Kind, r.ID, r.Kind)
		}
	}
	return nil
}
