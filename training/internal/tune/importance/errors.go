package importance

import "errors"

// ErrTooFewTrials is returned for fewer than MinTrials trials: a forest
// needs two points to split.
var ErrTooFewTrials = errors.New("importance: too few complete trials")

// ErrNoVariance is returned when no tree of the forest varies: every trial
// scored the same (or the forest found nothing to split on).
var ErrNoVariance = errors.New("importance: the objective does not vary over the trials")

// ErrNoMainEffects is returned when the trees vary but no parameter's
// marginal does: whatever variance there is comes from interactions, and
// the importances, shares of nothing, are undefined.
var ErrNoMainEffects = errors.New("importance: no parameter has a main effect")
