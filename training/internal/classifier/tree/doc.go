// Package tree grows CART classification trees, as scikit-learn 1.2's
// DecisionTreeClassifier with splitter="best".
//
// # Growing
//
// Nodes are grown depth first. At each node every candidate feature's
// values are taken in sorted order and every threshold halfway between two
// consecutive distinct values is tried (with whole-number weights, as a
// forest's bootstrap counts, the columns are sorted once, [Sort], and each
// split partitions them with its rows, so no node sorts; otherwise each
// node sorts its rows); the split with the largest decrease of the
// weighted children's impurity wins, the first one found on ties. Features
// are visited in an order drawn from [Config.Src] at every node (in natural
// order when it is nil), which is how scikit-learn decides ties. A node
// becomes a leaf when it is pure, at [Config.MaxDepth], when it has fewer
// than [Config.MinSamplesSplit] rows or fewer than twice
// [Config.MinSamplesLeaf], when no split leaves [Config.MinSamplesLeaf] rows
// on both sides, or when the best split decreases the impurity by less than
// [Config.MinImpurityDecrease].
//
// As in scikit-learn, values within 1e-7 of each other count as equal when
// thresholds are placed, and a threshold is a/2 + b/2 (a if that rounds up to
// b). scikit-learn stores X as float32, so its thresholds can differ from
// these in about the 8th significant digit; the splits are the same.
//
// # Histograms
//
// With [Config.TreeMethod] "hist" (or "auto" from [AutoHistRows] training
// rows), every feature is cut into at most [Config.MaxBin] quantile bins
// once per fit ([Bin], with package binning's cuts, XGBoost's), and a node
// searches its splits on histograms: per bin, its rows and their weighted
// class counts. Candidates lie between two bins holding rows of the node
// and are judged as the exact method judges a threshold, by the same
// criterion and limits; the threshold is the midpoint of the left bin's
// largest value and the right bin's smallest (in float64), so a model.Tree
// comparing x <= threshold sends every training value the way its bin
// went. Where every value has its own bin the hist tree is the exact one.
// When every feature is scanned (MaxFeatures 0), a node's histogram holds
// all features and only the smaller child's is built from rows, on up to
// [Config.Workers] goroutines over features; the larger child's is the
// parent's minus it. When features are drawn, each drawn feature's
// histogram is built on its own. [Trainer.FitBinned] grows a tree on data
// binned already, which a random forest shares between its trees.
//
// # Weights
//
// [Trainer.FitWeighted] takes a weight per row, as scikit-learn's
// sample_weight: impurities and leaf probabilities use weighted class counts,
// rows of weight zero are left out entirely, and the row-count limits
// (MinSamplesSplit, MinSamplesLeaf, model.Tree.Samples) count rows, not
// weight. A random forest passes bootstrap counts here.
//
// # Output
//
// The tree is a [model.Tree] in pre-order (a parent before its left subtree,
// then its right subtree, the numbering scikit-learn uses); each leaf holds
// its weighted class distribution.
package tree
