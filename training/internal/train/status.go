package train

// Status is a model's outcome in a run.
type Status string

// The outcomes of a model: a model that fails or times out has no bundle,
// takes no part in choosing the champion, and does not stop the others.
const (
	// StatusTrained is a model that was cross-validated, fitted and
	// evaluated; it may still carry warnings.
	StatusTrained Status = "trained"
	// StatusFailed is a model whose cross-validation or final fit returned
	// an error (or panicked).
	StatusFailed Status = "failed"
	// StatusTimedOut is a model whose cross-validation and final fit did
	// not finish within its timeout.
	StatusTimedOut Status = "timed_out"
)

// Failed reports whether the model has no result: it failed or timed out.
func (m *ModelResult) Failed() bool { return m.Status != StatusTrained }

// Failures returns the models that failed or timed out, in training order.
func (r *Result) Failures() []ModelResult {
	var out []ModelResult
	for _, m := range r.Models {
		if m.Failed() {
			out = append(out, m)
		}
	}
	return out
}
