// Package binning cuts feature values into quantile bins, once per fit, for
// the histogram ("hist") methods of the tree learners: gradient-boosted
// trees, decision trees and random forests.
//
// # Cuts
//
// [QuantileCuts] derives a feature's bin boundaries as XGBoost 1.7's hist
// method does (WQSummary::SetPrune to max_bin+1 entries, then AddCutPoint),
// from an exact summary of the column. [New] computes them for every feature
// of a data set, in parallel over features. Values are compared in float32,
// the precision XGBoost keeps feature values in; rounding to float32 is
// monotone, so a value's bin never decreases as the value grows.
//
// # Binned columns
//
// [Bin] stores every value's bin index column-major (one slice per
// feature), as uint8 when every feature's bins fit in 256 indices, else
// uint16, so that a histogram over a node's rows reads one small column.
package binning
