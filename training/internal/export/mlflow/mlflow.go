// Package mlflow exports runs to an MLflow tracking server through its REST
// API 2.0, the documented and versioned interface every MLflow client
// uses. The messages are those of mlflow/mlflow:mlflow/protos/service.proto
// (CreateExperiment, GetExperimentByName, CreateRun, GetRun, LogBatch,
// UpdateRun), served under /api/2.0/mlflow/.
//
// One local training run becomes one MLflow run: params.yaml flattened
// into params ("models.logistic_regression.C"), every model's metrics as
// "<model>/<metric>", per-fold CV scores and training loss as stepped
// metrics, and the run's git commit, host and data md5 as tags. A tuning
// run becomes that run with nested child runs, one per model and one per
// trial under it (see tune.go), also found with runs/search (SearchRuns)
// when an export resumes.
package mlflow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/mlopsgo/mlops/training/internal/export/httpretry"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// Batch limits of runs/log-batch, from mlflow/mlflow:mlflow/utils/validation.py
// (MAX_PARAMS_TAGS_PER_BATCH, MAX_METRICS_PER_BATCH, MAX_ENTITIES_PER_BATCH,
// MAX_BATCH_LOG_REQUEST_SIZE = 1e6 in the 2.x releases) and the REST API
// reference's "Request Limits".
const (
	MaxParamsPerBatch   = 100
	MaxMetricsPerBatch  = 1000
	MaxEntitiesPerBatch = 1000
	MaxBatchBytes       = 1_000_000
	// MaxParamValueLength is the 2.x limit (MAX_PARAM_VAL_LENGTH = 500;
	// 3.x allows 6000): longer values are cut to fit.
	MaxParamValueLength = 500
)

// Exporter sends runs to one MLflow server. It is safe for concurrent use.
type Exporter struct {
	cfg    Config
	client *httpretry.Client
	logger *slog.Logger
}

// New returns an exporter for cfg.
func New(logger *slog.Logger, cfg Config) *Exporter {
	h := http.Header{"User-Agent": {"mlops-go"}}
	switch {
	case cfg.Token != "":
		h.Set("Authorization", "Bearer "+cfg.Token)
	case cfg.Username != "" || cfg.Password != "":
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password)))
	}
	logger = logger.With("component", "mlflow")
	return &Exporter{cfg: cfg, logger: logger, client: &httpretry.Client{Header: h, Logger: logger}}
}

// Client returns the HTTP client, so tests can shorten its waits.
func (e *Exporter) Client() *httpretry.Client { return e.client }

// Name implements export.Exporter.
func (e *Exporter) Name() string { return Name }

// Progress keys in SyncState.Sent.
const (
	sentParams  = "params"
	sentMetrics = "metrics"
)

// Export implements export.Exporter: find or create the experiment, create
// the run (or find the one a previous sync created), log params and
// metrics in batches within MLflow's limits, for a tuning run send its
// child runs (exportTuneChildren), and set the final status.
// Resuming skips the params the server already has (read back with
// runs/get: params are write-once, so they are never sent twice) and the
// metrics counted in state.Sent["metrics"] (metrics are not read back:
// runs/get returns only each metric's latest value, not its steps).
func (e *Exporter) Export(ctx context.Context, run *tracking.Run, st *tracking.SyncState, save func() error) error {
	if st.URL != "" && st.URL != e.cfg.TrackingURI {
		// Synced to another server before: start over on this one.
		*st = tracking.SyncState{}
	}
	st.URL = e.cfg.TrackingURI
	remoteParams := map[string]bool{}
	// resumed: the run was created by an earlier export, which may have
	// left some of a tuning run's child runs on the server too.
	resumed := false
	if st.RemoteID != "" {
		r, err := e.getRun(ctx, st.RemoteID)
		switch {
		case isCode(err, "RESOURCE_DOES_NOT_EXIST"):
			e.logger.Warn("remote run is gone; creating it again", "run", run.ID, "remote_id", st.RemoteID)
			*st = tracking.SyncState{URL: e.cfg.TrackingURI}
		case err != nil:
			return err
		default:
			resumed = true
			for _, p := range r.Data.Params {
				remoteParams[p.Key] = true
			}
			if r.Info.Status == "FINISHED" || r.Info.Status == "FAILED" {
				st.Complete = true
				return save()
			}
		}
	}
	if st.Experiment == "" {
		id, err := e.experimentID(ctx, e.experimentName(run))
		if err != nil {
			return err
		}
		st.Experiment = id
		if err := save(); err != nil {
			return err
		}
	}
	if st.RemoteID == "" {
		id, err := e.createRun(ctx, st.Experiment, run)
		if err != nil {
			return err
		}
		st.RemoteID, st.Sent = id, map[string]int{}
		if err := save(); err != nil {
			return err
		}
	}
	if st.Sent == nil {
		st.Sent = map[string]int{}
	}
	params := Params(run)
	metrics := Metrics(run)
	todoParams := skipKnown(params, remoteParams)
	todoMetrics := metrics[min(st.Sent[sentMetrics], len(metrics)):]
	for _, b := range Batches(todoParams, todoMetrics) {
		if err := e.logBatch(ctx, st.RemoteID, b); err != nil {
			return err
		}
		st.Sent[sentParams] = len(params) - len(todoParams) + b.paramsSoFar
		st.Sent[sentMetrics] += len(b.Metrics)
		if err := save(); err != nil {
			return err
		}
	}
	st.Sent[sentParams] = len(params)
	if run.Tune != nil {
		// The parent is finished last, so a finished parent means the
		// whole tree is there (see the check above).
		if err := e.exportTuneChildren(ctx, run, st, save, resumed); err != nil {
			return err
		}
	}
	if err := e.updateRun(ctx, st.RemoteID, run); err != nil {
		return err
	}
	st.Complete = true
	return save()
}

func (e *Exporter) experimentName(run *tracking.Run) string {
	if e.cfg.Experiment != "" {
		return e.cfg.Experiment
	}
	if data, ok := run.Params["data"].(map[string]any); ok {
		if name, ok := data["name"].(string); ok && name != "" {
			return name
		}
	}
	return "mlops"
}

// experimentID finds the experiment by name or creates it. Two clients
// creating it at once is resolved by looking it up again when create says
// RESOURCE_ALREADY_EXISTS.
func (e *Exporter) experimentID(ctx context.Context, name string) (string, error) {
	var got struct {
		Experiment struct {
			ExperimentID string `json:"experiment_id"`
		} `json:"experiment"`
	}
	q := url.Values{"experiment_name": {name}}
	err := e.call(ctx, http.MethodGet, "experiments/get-by-name?"+q.Encode(), nil, &got)
	if err == nil && got.Experiment.ExperimentID != "" {
		return got.Experiment.ExperimentID, nil
	}
	if err != nil && !isCode(err, "RESOURCE_DOES_NOT_EXIST") {
		return "", err
	}
	var created struct {
		ExperimentID string `json:"experiment_id"`
	}
	err = e.call(ctx, http.MethodPost, "experiments/create", map[string]any{"name": name}, &created)
	if isCode(err, "RESOURCE_ALREADY_EXISTS") {
		if err := e.call(ctx, http.MethodGet, "experiments/get-by-name?"+q.Encode(), nil, &got); err != nil {
			return "", err
		}
		return got.Experiment.ExperimentID, nil
	}
	if err != nil {
		return "", err
	}
	if created.ExperimentID == "" {
		return "", errors.New("mlflow: experiments/create returned no experiment_id")
	}
	e.logger.Info("created experiment", "name", name, "experiment_id", created.ExperimentID)
	return created.ExperimentID, nil
}

func (e *Exporter) createRun(ctx context.Context, experimentID string, run *tracking.Run) (string, error) {
	req := CreateRun{ExperimentID: experimentID, RunName: run.ID, StartTime: run.Start.UnixMilli(), Tags: Tags(run)}
	var resp struct {
		Run remoteRun `json:"run"`
	}
	if err := e.call(ctx, http.MethodPost, "runs/create", req, &resp); err != nil {
		return "", err
	}
	if resp.Run.Info.RunID == "" {
		return "", errors.New("mlflow: runs/create returned no run_id")
	}
	return resp.Run.Info.RunID, nil
}

func (e *Exporter) getRun(ctx context.Context, runID string) (*remoteRun, error) {
	var resp struct {
		Run remoteRun `json:"run"`
	}
	q := url.Values{"run_id": {runID}}
	if err := e.call(ctx, http.MethodGet, "runs/get?"+q.Encode(), nil, &resp); err != nil {
		return nil, err
	}
	return &resp.Run, nil
}

func (e *Exporter) logBatch(ctx context.Context, runID string, b Batch) error {
	b.RunID = runID
	return e.call(ctx, http.MethodPost, "runs/log-batch", b, nil)
}

func (e *Exporter) updateRun(ctx context.Context, runID string, run *tracking.Run) error {
	req := UpdateRun{RunID: runID, Status: "FINISHED"}
	if run.Status == tracking.StatusFailed {
		req.Status = "FAILED"
	}
	end := run.Start
	if run.End != nil {
		end = *run.End
	}
	req.EndTime = end.UnixMilli()
	return e.call(ctx, http.MethodPost, "runs/update", req, nil)
}

// call sends one request to /api/2.0/mlflow/<path> and decodes the answer
// into out (nil: ignore it). MLflow's error body, {"error_code": ...,
// "message": ...}, becomes an *Error.
func (e *Exporter) call(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("mlflow: encode %s: %w", path, err)
		}
	}
	data, err := e.client.Do(ctx, method, e.cfg.TrackingURI+"/api/2.0/mlflow/"+path, body)
	if err != nil {
		var se *httpretry.StatusError
		if errors.As(err, &se) {
			var me Error
			if json.Unmarshal(se.Body, &me) == nil && me.Code != "" {
				me.Status = se.StatusCode
				return &me
			}
		}
		return fmt.Errorf("mlflow: %w", err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("mlflow: decode %s response: %w", path, err)
	}
	return nil
}

// Error is an MLflow REST error (mlflow.exceptions.RestException's shape).
type Error struct {
	Code    string `json:"error_code"`
	Message string `json:"message"`
	Status  int    `json:"-"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("mlflow: %s (HTTP %d): %s", e.Code, e.Status, e.Message)
}

func isCode(err error, code string) bool {
	var me *Error
	return errors.As(err, &me) && me.Code == code
}

// millis converts t for MLflow's int64 millisecond timestamps.
func millis(t time.Time) int64 { return t.UnixMilli() }
