package tracking

import (
	"slices"
	"time"
)

// FormatVersion is the version of the run.json layout, in its "format" field.
const FormatVersion = 1

// Status is a run's state.
type Status string

// The statuses a run goes through: running, then finished or failed.
const (
	StatusRunning  Status = "running"
	StatusFinished Status = "finished"
	StatusFailed   Status = "failed"
)

// Run is one training run: the content of run.json. Fields a run does not
// know yet (a run that failed before loading its data has no Data) are
// omitted.
type Run struct {
	// Format is FormatVersion.
	Format int `json:"format"`
	// ID is the run's directory name: UTC start time and a random suffix.
	ID string `json:"id"`
	// Kind is "tune" for a tuning run, empty for a training run.
	Kind   Kind   `json:"kind,omitempty"`
	Status Status `json:"status"`
	// Error says why a failed run failed.
	Error string     `json:"error,omitempty"`
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
	// Command is the command line that started the run.
	Command []string `json:"command,omitempty"`
	// Process identifies the process that owns a running run, so a run
	// whose process died can be told from one still going.
	Process Process `json:"process"`
	// Git is the working tree's commit, or nil outside a git repository.
	Git *Git `json:"git,omitempty"`
	// ParamsFile is the parameters file the run read.
	ParamsFile string `json:"params_file,omitempty"`
	// Params is the parameters file's content as parsed, with defaults
	// filled in once training has validated it.
	Params map[string]any `json:"params,omitempty"`
	Data   *Data          `json:"data,omitempty"`
	// CV says how cross-validation was run.
	CV       *CVSpec `json:"cv,omitempty"`
	Champion string  `json:"champion,omitempty"`
	Models   []Model `json:"models,omitempty"`
	// Tune is a tuning run's settings and trials (Kind "tune").
	Tune *Tune `json:"tune,omitempty"`
	// Sync records, per tracker ("mlflow", "wandb"), what was exported.
	Sync map[string]*SyncState `json:"sync,omitempty"`
}

// Process is the host and process id that own a run.
type Process struct {
	Host string `json:"host"`
	PID  int    `json:"pid"`
	// Started is the process's start time where the system tells it
	// (Linux: clock ticks since boot, from /proc), so a later process
	// that reuses the id is not taken for the owner.
	Started string `json:"started,omitempty"`
}

// Git is the state of the working tree when a run started.
type Git struct {
	Commit string `json:"commit"`
	Branch string `json:"branch,omitempty"`
	// Dirty reports uncommitted changes (tracked or untracked files).
	Dirty bool `json:"dirty"`
}

// Data describes the data set a run trained on.
type Data struct {
	Path       string   `json:"path"`
	MD5        string   `json:"md5"`
	Label      string   `json:"label,omitempty"`
	Rows       int      `json:"rows"`
	Duplicates int      `json:"duplicates"`
	TrainRows  int      `json:"train_rows"`
	TestRows   int      `json:"test_rows"`
	Classes    []string `json:"classes"`
	Features   []string `json:"features"`
}

// CVSpec is the cross-validation scheme.
type CVSpec struct {
	Folds   int `json:"folds"`
	Repeats int `json:"repeats"`
}

// Model is one model's outcome in a run.
type Model struct {
	Name string `json:"name"`
	// Status is "trained", "failed" or "timed_out"; empty in records
	// written before models could fail, which means trained. A failed
	// model has no metrics, history or artifact.
	Status ModelStatus `json:"status,omitempty"`
	// Error says why a failed or timed-out model failed.
	Error string `json:"error,omitempty"`
	// Warnings are the fits' warnings (a solver that did not converge).
	Warnings        []string       `json:"warnings,omitempty"`
	Algorithm       string         `json:"algorithm,omitempty"`
	Hyperparameters map[string]any `json:"hyperparameters,omitempty"`
	// Test holds the hold-out metrics.
	Test Test `json:"test"`
	// CV holds the cross-validated accuracy, one value per fold.
	CV CV `json:"cv"`
	// History is the training loss after each iteration, for algorithms
	// that have one (logistic regression; boosted trees per round).
	History []float64 `json:"history,omitempty"`
	// ValidationHistory is the loss on the hold-out rows after each
	// iteration, for algorithms that report one (boosted trees per round).
	ValidationHistory []float64 `json:"validation_history,omitempty"`
	Iterations        int       `json:"iterations,omitempty"`
	Converged         bool      `json:"converged,omitempty"`
	// DurationSeconds covers the model's share of cross-validation and its
	// final fit.
	DurationSeconds float64  `json:"duration_seconds"`
	Artifact        Artifact `json:"artifact"`
}

// Test holds hold-out metrics. Per-class slices are indexed like
// Data.Classes; Confusion has true classes as rows.
type Test struct {
	Accuracy          float64   `json:"accuracy"`
	PrecisionWeighted float64   `json:"precision_weighted"`
	RecallWeighted    float64   `json:"recall_weighted"`
	F1Weighted        float64   `json:"f1_weighted"`
	PrecisionMacro    float64   `json:"precision_macro"`
	RecallMacro       float64   `json:"recall_macro"`
	F1Macro           float64   `json:"f1_macro"`
	LogLoss           float64   `json:"log_loss"`
	Precision         []float64 `json:"precision,omitempty"`
	Recall            []float64 `json:"recall,omitempty"`
	F1                []float64 `json:"f1,omitempty"`
	Support           []int     `json:"support,omitempty"`
	Confusion         [][]int   `json:"confusion,omitempty"`
}

// CV holds cross-validated scores.
type CV struct {
	// Metric is the score's name ("accuracy").
	Metric string  `json:"metric"`
	Mean   float64 `json:"mean"`
	Std    float64 `json:"std"`
	// Values are the per-fold scores, repeat by repeat.
	Values []float64 `json:"values"`
}

// Artifact is a file a run wrote.
type Artifact struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// SyncState is what an exporter sent of a run to one tracker, so a later
// sync resumes instead of sending everything again.
type SyncState struct {
	// URL is the tracker's base address.
	URL string `json:"url,omitempty"`
	// RemoteID is the run's id on the tracker.
	RemoteID string `json:"remote_id,omitempty"`
	// Experiment is the tracker's experiment id (MLflow) or
	// entity/project (W&B).
	Experiment string `json:"experiment,omitempty"`
	// Sent counts items already accepted, per kind (the exporter decides
	// the kinds, e.g. "metrics" or "history_lines").
	Sent map[string]int `json:"sent,omitempty"`
	// Complete is true once the whole run is on the tracker.
	Complete bool       `json:"complete"`
	SyncedAt *time.Time `json:"synced_at,omitempty"`
	// LastError is the last failure, kept until a sync succeeds.
	LastError string `json:"last_error,omitempty"`
}

// ModelStatus is a model's outcome in a run.
type ModelStatus string

// The statuses of a model; see Model.Status.
const (
	ModelTrained  ModelStatus = "trained"
	ModelFailed   ModelStatus = "failed"
	ModelTimedOut ModelStatus = "timed_out"
)

// Failed reports whether the model failed or timed out.
func (m *Model) Failed() bool { return m.Status == ModelFailed || m.Status == ModelTimedOut }

// Model returns the model with that name, or nil.
func (r *Run) Model(name string) *Model {
	for i := range r.Models {
		if r.Models[i].Name == name {
			return &r.Models[i]
		}
	}
	return nil
}

// Ended reports whether the run has finished or failed.
func (r *Run) Ended() bool { return r.Status != StatusRunning }

// Duration is the run's wall time, or 0 while it runs.
func (r *Run) Duration() time.Duration {
	if r.End == nil {
		return 0
	}
	return r.End.Sub(r.Start)
}

// Synced reports whether the run is completely exported to tracker.
func (r *Run) Synced(tracker string) bool {
	s := r.Sync[tracker]
	return s != nil && s.Complete
}

// Trackers returns the names of the trackers the run was synced to,
// sorted.
func (r *Run) Trackers() []string {
	var names []string
	for name, s := range r.Sync {
		if s != nil && s.Complete {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// ShortCommit is the commit's first 8 characters, with "+dirty" for a
// working tree with uncommitted changes, or "-" outside git.
func (r *Run) ShortCommit() string {
	if r.Git == nil || r.Git.Commit == "" {
		return "-"
	}
	c := r.Git.Commit
	if len(c) > 8 {
		c = c[:8]
	}
	if r.Git.Dirty {
		c += "+dirty"
	}
	return c
}

// ShortMD5 is the data md5's first 8 characters, or "-".
func (r *Run) ShortMD5() string {
	if r.Data == nil || r.Data.MD5 == "" {
		return "-"
	}
	return r.Data.MD5[:min(8, len(r.Data.MD5))]
}
