// Package metrics computes classification metrics with scikit-learn 1.2's
// definitions, so numbers from a Go training run can be compared with ones
// from a Python notebook.
//
// Labels are class indices in [0, classes). Probabilities are given one row
// per observation, one column per class.
//
// # Conventions
//
//   - Precision, recall and F1 that would divide by zero are 0, as
//     scikit-learn's default zero_division="warn" returns (without the
//     warning).
//   - Macro averages are over the classes that occur in the true or the
//     predicted labels, as scikit-learn averages over unique_labels(y_true,
//     y_pred) when no labels are given; weighted averages weight each class
//     by its support.
//   - Log loss clips probabilities to [LogLossEps, 1-LogLossEps] and then
//     renormalises each row, as sklearn.metrics.log_loss does in 1.2.
//   - Standard deviations are population ones (ddof=0), as numpy's np.std
//     and so cross_val_score(...).std() report.
//
// Functions panic on programmer errors (mismatched lengths, labels out of
// range, no observations) with an error wrapping one of the values in
// errors.go.
package metrics
