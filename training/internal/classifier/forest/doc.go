// Package forest fits random forests, as scikit-learn 1.2's
// RandomForestClassifier.
//
// # Fitting
//
// Each of [Config.NEstimators] trees is a CART tree grown by package tree
// with the forest's criterion and limits, trying [Config.MaxFeatures]
// features drawn at random at every node. With [Config.Bootstrap] each tree
// sees a bootstrap sample: n draws with replacement from the n rows, passed
// to the tree as per-row weights equal to the number of times each row was
// drawn, which is how scikit-learn fits its trees (rows drawn twice count
// twice in the impurities and the leaf distributions; rows never drawn take
// no part).
//
// # Histograms
//
// With [Config.TreeMethod] "hist" (or "auto" from tree.AutoHistRows
// training rows) the data are binned once per fit, by tree.Bin, and every
// tree grows on the same read-only bins with tree.Trainer.FitBinned;
// nothing per tree copies the data.
//
// # Determinism
//
// Before any tree is grown, one random source per tree is derived from
// [Config.Src] in tree order; a tree's bootstrap sample and its feature
// draws come from its own source only. Trees are grown in parallel by
// [Config.Workers] goroutines and collected by index, so a fit gives the same
// forest, bit for bit, whatever the number of workers or cores.
//
// # Out-of-bag score
//
// With bootstrap, every row is predicted by the trees whose sample left it
// out; the averaged probabilities are the out-of-bag decision function and
// their accuracy the out-of-bag score, computed as scikit-learn's oob_score_
// (a row no tree left out counts with all-zero probabilities, so as class 0).
// [Trainer.FitForest] returns both; [Trainer.Fit], the classifier.Trainer
// that training and tuning use, skips them, as scikit-learn does without
// oob_score=True.
//
// # Prediction
//
// The fitted [model.Forest] averages the trees' leaf distributions, as
// scikit-learn's predict_proba.
package forest
