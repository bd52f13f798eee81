// Package boost fits gradient-boosted trees for classification, as XGBoost
// 1.7's XGBClassifier with tree_method="exact" or "hist" and the
// multi:softprob objective. The result is a [model.Boosted], served under the name
// "xgboost" and exportable in XGBoost's JSON model format.
//
// # Boosting
//
// Every class k has a margin, BaseScore at first, and the probabilities are
// the softmax of the margins. Each round computes, from the current margins,
// every row's gradient g = p_k − [y = k] and hessian
// h = max(2 p_k (1 − p_k), 1e-16) for every class (XGBoost's softmax
// objective), then grows one regression tree per class on them and adds its
// leaf values to that class's margins. Fitted.History holds the mean log
// loss on the training rows after every round; with [Config.Validation],
// Fitted.ValidationHistory holds it on held-out rows.
//
// # Growing a tree
//
// Trees grow level by level to [Config.MaxDepth] with the second-order
// objective: a node with gradient sum G and hessian sum H has weight
// −T(G)/(H+λ) and score T(G)²/(H+λ), where T soft-thresholds by α (L1). For
// every node of a level and every feature, the node's rows are scanned in
// order of value (the columns are sorted once per fit) and every threshold
// between two distinct values is tried; a candidate must leave at least
// [Config.MinChildWeight] of hessian on each side, and its loss reduction
// is score(left) + score(right) − score(node). The best candidate (ties to
// the lower feature index, then to the larger threshold) splits the node if
// it reduces the loss by more than 1e-6; otherwise the node becomes a leaf
// with value LearningRate × weight. After growing, splits whose children
// are both leaves and whose reduction is below [Config.Gamma] are pruned,
// bottom up, as XGBoost's pruner does.
//
// # The hist method
//
// With [Config.TreeMethod] "hist" (or "auto" from [AutoHistRows] rows),
// each feature is cut once per fit into at most [Config.MaxBin] bins at
// quantiles of its values (with fewer distinct values, one bin per value;
// XGBoost's cut rule), and a node's candidate splits are the bin
// boundaries: the threshold of a split is the lower bound of the first bin
// sent right, so x < threshold routes a row as its bin did. A node's
// split is found from its histogram of gradient and hessian sums per bin;
// of two siblings, the one with fewer rows is built from its rows and the
// other is its parent's histogram minus it. Trees grow level by level to
// MaxDepth; a split is made when it reduces the loss by more than 1e-6 and
// by at least Gamma (XGBoost's hist method has no pruner). The work is
// split over [Config.Workers] goroutines by feature and node, each sum
// taken in one fixed order, so the model does not depend on their number.
//
// # Missing values
//
// With [Config.AllowMissing], NaN in X is a missing value. Each split learns
// where missing values go, as XGBoost does, and the model stores it in
// model.Boosted.DefaultLeft, which prediction and the XGBoost export use.
// The hist method scans every node's bins both ways, missing values once on
// the left and once on the right, and keeps the better; where a node has no
// row missing the feature, missing values go left. The exact method scans
// a column with missing values up as well as down (missing values right,
// then left), and also tries all present values on one side and missing
// ones on the other, as XGBoost's exact method does; on columns without
// missing values it scans down only, so missing values go left.
//
// # Precision
//
// XGBoost keeps feature values, thresholds, gradients, leaf values and
// margins in float32, and sums gradients in float64. This package does the
// same, rounding at the same steps, so that on the same data it grows the
// same trees and its probabilities agree with XGBoost's to float32
// rounding. A threshold is the float32 midpoint of two neighbouring values,
// and rows whose value is below it go left.
//
// # Randomness
//
// With [Config.Subsample] or [Config.ColsampleByTree] below 1, each tree
// draws its rows and features from [Config.Src], so a fit is reproducible
// from an identically seeded source (the draws differ from XGBoost's, whose
// generator is its own). Without sampling a fit is deterministic.
package boost
