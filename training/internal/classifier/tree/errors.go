package tree

import "errors"

var (
	// ErrConfig is returned by New for an invalid Config, and by Fit when
	// Config.MaxFeatures exceeds the number of features; the message names
	// the field.
	ErrConfig = errors.New("tree: invalid config")
	// ErrWeights is returned by FitWeighted for weights that are not one
	// finite, non-negative value per row with a positive sum.
	ErrWeights = errors.New("tree: invalid sample weights")
)
