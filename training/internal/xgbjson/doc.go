// Package xgbjson writes a gradient-boosted model bundle in XGBoost 1.7's
// JSON model format, the file Booster.save_model("model.json") writes and
// Booster.load_model reads, so that XGBoost itself can load and check what
// this repository trained.
//
// # Format
//
// The document has a top-level "version" ([1, 7, 4]) and a "learner" with
// empty "attributes", the feature names (all of type "float"), the
// learner_model_param (base_score written as XGBoost writes floats, e.g.
// "5E-1"), the multi:softprob objective with num_class, and a gbtree
// booster: one tree per boosted tree, with tree_info giving each tree's
// class. Each tree holds XGBoost's node arrays: children (-1 for a leaf),
// parents (2147483647 for the root), split_indices, split_conditions (a
// leaf's value for a leaf), default_left (the model's DefaultLeft for a
// split, 1 for every split without it, as XGBoost's exact method sends
// missing values left; 0 for a leaf), loss_changes, sum_hessian and
// base_weights, with no categorical splits. Keys are written in sorted
// order and floats as float32 in XGBoost's own notation ("7.229677E1",
// "0E0"): XGBoost's reader rejects a whole number spelt as an integer where
// it expects a float.
//
// XGBoost predicts class k's margin as base_score plus the leaf values of
// the trees of class k, and the probabilities as their softmax: what
// model.Boosted computes.
package xgbjson
