// Package params reads params.yaml: where the data is, which columns are
// features (with their valid ranges) and which is the label, how to split and
// cross-validate, the seed, and each algorithm's hyper-parameters.
//
// Decoding is strict: an unknown key anywhere is an error that names it, so a
// typo never silently falls back to a default. Absent keys take the
// defaults of [Default], which equal scikit-learn 1.2's and XGBoost 1.7's so
// results compare like with like.
package params
