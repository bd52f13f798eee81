package xgbjson

import "errors"

// ErrNotBoosted is returned for a bundle whose model is not gradient-boosted
// trees: only those have an XGBoost form.
var ErrNotBoosted = errors.New("xgbjson: not a gradient-boosted trees model")
