// Package generate writes params.yaml for a user's own CSV file from its
// column profile (package profile): the label and its classes, the
// feature columns with declared valid ranges, cross-validation sized to
// the data, and the five models with hyper-parameters that keep large data
// sets quick to train and their bundles small. It is what `mlops init`
// runs; it reads and writes no files.
//
// # Rules
//
// Features are every column but the label, in file order, minus the
// dropped ones. Each must be named like an identifier ([A-Za-z_][A-Za-z0-9_]*)
// because clients send it as a JSON key and a KServe tensor name and the
// server labels drift metrics with it; each must hold only numbers, no
// blank cells unless Options.Missing is impute (data.missing: impute,
// written as such), and at least two distinct values. Ranges come from
// the observed values; blank cells are left out.
//
// A feature's declared range is its observed range widened by 10% of that
// range on each side, not below 0 for a column with no negative value, and
// rounded outwards to two significant digits of the range; serving rejects
// values outside it.
//
// Sizing is by rows (see sizing.go): cross-validation 10x5 below 10,000
// rows, 5x2 below 100,000, 3x1 above; the trees' min_samples_leaf keeps at
// most 500 leaves per tree; the linear models and the SVM standardize.
package generate
