package tracking

// Kind is what a run did. Empty means a training run, so that records
// written before tune runs existed read as what they are.
type Kind string

// The kinds of run.
const (
	KindTrain Kind = ""
	KindTune  Kind = "tune"
)

// Tune is a tuning run's settings and outcome: run.json's "tune", present
// when Kind is "tune". The run's Data and CV describe the data set and the
// outer cross-validation, as for a training run; Models is empty.
type Tune struct {
	// Sampler is the search's sampler ("tpe").
	Sampler string `json:"sampler"`
	// Trials is each search's trial budget; 0 when TimeBudgetSeconds
	// bounded the searches instead.
	Trials            int     `json:"trials,omitempty"`
	TimeBudgetSeconds float64 `json:"time_budget_seconds,omitempty"`
	// Batch is the number of trials proposed together.
	Batch int `json:"batch"`
	// InnerFolds is the inner cross-validation's number of folds.
	InnerFolds int `json:"inner_folds"`
	// Pruning says whether successive halving stopped trials early.
	Pruning bool `json:"pruning"`
	// Applied says whether the chosen parameters were written into the
	// parameters file (--apply).
	Applied bool         `json:"applied"`
	Models  []TunedModel `json:"models"`
}

// TunedModel is one model's tuning outcome.
type TunedModel struct {
	Name      string `json:"name"`
	Algorithm string `json:"algorithm,omitempty"`
	// Status is "trained" (tuned) or "failed", as for Model.
	Status ModelStatus `json:"status,omitempty"`
	Error  string      `json:"error,omitempty"`
	// Space is the searched space, after the tune: section narrowed it.
	Space []TuneDim `json:"space,omitempty"`
	// DefaultCV is the configured settings' accuracy on the outer folds,
	// as `mlops train` computes it.
	DefaultCV CV `json:"default_cv"`
	// Nested is the nested estimate of "tune, then train", one value per
	// outer fold.
	Nested CV `json:"nested"`
	// InnerBest is each outer search's best inner score: optimistic.
	InnerBest CV `json:"inner_best"`
	// Chosen is the final search's best point: what --apply writes.
	Chosen map[string]any `json:"chosen,omitempty"`
	// ChosenInner is Chosen's inner cross-validation score (optimistic).
	ChosenInner     float64 `json:"chosen_inner"`
	Pruned          int     `json:"pruned"`
	DurationSeconds float64 `json:"duration_seconds"`
	// Searches are the outer folds' searches in fold order, then the
	// final one (Fold -1).
	Searches []TuneSearch `json:"searches,omitempty"`
}

// TuneDim is one searched parameter.
type TuneDim struct {
	Name string `json:"name"`
	// Type is "float", "int" or "categorical".
	Type string `json:"type"`
	// Low and High bound a float or an int parameter (both included).
	Low  float64 `json:"low,omitempty"`
	High float64 `json:"high,omitempty"`
	// Log says the parameter is sampled log-uniformly.
	Log bool `json:"log,omitempty"`
	// Step is an int parameter's grid step.
	Step int `json:"step,omitempty"`
	// Unlimited adds null (no limit) to an int parameter's values.
	Unlimited bool `json:"unlimited,omitempty"`
	// Choices are a categorical parameter's values.
	Choices []any `json:"choices,omitempty"`
	// When, if set, makes the parameter conditional: searched only where
	// another parameter takes one of some values (the SVM's gamma only
	// for the rbf kernel).
	When *TuneCondition `json:"when,omitempty"`
}

// TuneCondition is the condition of a conditional parameter: Param takes
// one of Values.
type TuneCondition struct {
	Param  string `json:"param"`
	Values []any  `json:"values"`
}

// TuneSearch is one search and every trial it ran.
type TuneSearch struct {
	// Fold is the outer fold whose training part the search ran on, or -1
	// for the final search on the training split.
	Fold int `json:"fold"`
	// Rows is the number of rows the search's inner folds split.
	Rows int `json:"rows"`
	// Best is the number of the best complete trial, or -1.
	Best int `json:"best"`
	// Test is the best trial's accuracy on the outer fold's test rows;
	// absent for the final search.
	Test   *float64    `json:"test,omitempty"`
	Trials []TuneTrial `json:"trials"`
}

// TuneTrial is one trial of a search.
type TuneTrial struct {
	Number int `json:"number"`
	// Params are the trial's values of the searched parameters.
	Params map[string]any `json:"params"`
	// Scores are the inner folds' accuracies in fold order, as far as the
	// trial got.
	Scores []float64 `json:"scores"`
	// LogLosses are the same folds' log losses (natural log), which break
	// ties of the mean accuracy when the best trial is chosen.
	LogLosses []float64 `json:"log_losses,omitempty"`
	// State is "complete", "pruned" or "infeasible".
	State           string  `json:"state"`
	DurationSeconds float64 `json:"duration_seconds"`
}
