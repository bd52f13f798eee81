package mlflow

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// A tuning run (kind "tune") becomes a tree of nested MLflow runs, linked
// by MLflow's nesting tag mlflow.parentRunId, which the MLflow UI shows
// as expandable children:
//
//	<tune run id>                  the parent: params.yaml and the search
//	│                              settings (search.*); per model
//	│                              <model>/default_cv, /nested, /inner_best
//	├── logistic_regression        one child per model: its chosen values as
//	│   │                          params; default_cv, nested, inner_best,
//	│   │                          chosen_inner, pruned, trials; per outer
//	│   │                          fold (as steps) default_cv_fold,
//	│   │                          nested_fold, inner_best_fold; the final
//	│   │                          search's best_so_far by trial number
//	│   ├── fold 0 trial 0         one grandchild per trial of each of the
//	│   ├── ...                    model's searches (outer folds, then the
//	│   └── final trial 19         final one): the trial's point as params,
//	│                              inner_accuracy and inner_log_loss per
//	│                              inner fold (as steps) and their means,
//	│                              duration_seconds; tags
//	│                              mlops.fold, mlops.trial, mlops.state
//	└── svm ...
//
// so the MLflow UI can chart a model's trials against their parameters
// (filter on tags.`mlops.fold` = 'final' for the search that chose).
// A trial's state is its run status too: complete is FINISHED, pruned is
// KILLED (stopped early) and infeasible is FAILED.
//
// # Resuming
//
// An export cut off part-way resumes without duplicates: SyncState.Sent
// counts the models whose whole subtree is on the server ("models") and
// the batches of the current model's run ("model_metrics"), saved after
// each; within a model the trials already there are found with
// runs/search under the model's run (tag mlops.trial_key) rather than
// counted, so the local record is not rewritten after every trial (a tune
// run.json holds thousands of trials), and trials can be sent several at
// a time.

// Progress keys of a tuning run in SyncState.Sent.
const (
	sentModels       = "models"
	sentModelMetrics = "model_metrics"
	sentTrialRuns    = "trial_runs"
)

// trialWorkers bounds the trial runs sent at once: each takes three
// requests (create, log-batch, update), and an Iris tuning has thousands.
const trialWorkers = 4

// searchPageSize is runs/search's page (the server allows up to 50000).
const searchPageSize = 1000

// exportTuneChildren sends each model's run and its trials under the
// parent run st.RemoteID, from the first model not yet complete. resumed
// says an earlier export may have left runs on the server, which are then
// looked up instead of created again.
func (e *Exporter) exportTuneChildren(ctx context.Context, run *tracking.Run, st *tracking.SyncState, save func() error, resumed bool) error {
	models := run.Tune.Models
	if st.Sent[sentModels] >= len(models) {
		return nil
	}
	var onServer map[string]*remoteRun
	if resumed {
		children, err := e.children(ctx, st.Experiment, st.RemoteID)
		if err != nil {
			return err
		}
		onServer = byTag(children, "mlops.model")
	}
	for i := st.Sent[sentModels]; i < len(models); i++ {
		n, err := e.exportModel(ctx, run, st, &models[i], onServer[models[i].Name], save)
		if err != nil {
			return fmt.Errorf("mlflow: export %s's tuning: %w", models[i].Name, err)
		}
		st.Sent[sentModels], st.Sent[sentModelMetrics] = i+1, 0
		st.Sent[sentTrialRuns] += n
		if err := save(); err != nil {
			return err
		}
	}
	return nil
}

// exportModel sends one model's run (or completes prev, the one an
// earlier export created) and its trials, and returns the number of trial
// runs sent.
func (e *Exporter) exportModel(ctx context.Context, run *tracking.Run, st *tracking.SyncState, m *tracking.TunedModel,
	prev *remoteRun, save func() error,
) (int, error) {
	params, metrics := ModelParams(m), ModelMetrics(run, m)
	var id string
	var trialsOnServer map[string]*remoteRun
	known := map[string]bool{}
	if prev == nil {
		var err error
		if id, err = e.create(ctx, st.Experiment, m.Name, run.Start, ModelTags(run, m, st.RemoteID)); err != nil {
			return 0, err
		}
		st.Sent[sentModelMetrics] = 0
	} else {
		if prev.ended() {
			return 0, nil // finished by an export that stopped before saving
		}
		id = prev.Info.RunID
		for _, p := range prev.Data.Params {
			known[p.Key] = true
		}
		trials, err := e.children(ctx, st.Experiment, id)
		if err != nil {
			return 0, err
		}
		trialsOnServer = byTag(trials, "mlops.trial_key")
	}
	todoParams := skipKnown(params, known)
	todoMetrics := metrics[min(st.Sent[sentModelMetrics], len(metrics)):]
	for _, b := range Batches(todoParams, todoMetrics) {
		if err := e.logBatch(ctx, id, b); err != nil {
			return 0, err
		}
		st.Sent[sentModelMetrics] += len(b.Metrics)
		if err := save(); err != nil {
			return 0, err
		}
	}
	n, err := e.exportTrials(ctx, run, st, m, id, trialsOnServer)
	if err != nil {
		return n, err
	}
	status := "FINISHED"
	if m.Failed() {
		status = "FAILED"
	}
	return n, e.finish(ctx, id, status, endOf(run))
}

// trialJob is one trial to send.
type trialJob struct {
	search *tracking.TuneSearch
	trial  *tracking.TuneTrial
	prev   *remoteRun
}

// exportTrials sends the model's trial runs that onServer does not hold
// finished, trialWorkers at a time, and returns how many it sent. The
// first error stops the others.
func (e *Exporter) exportTrials(ctx context.Context, run *tracking.Run, st *tracking.SyncState, m *tracking.TunedModel,
	parentID string, onServer map[string]*remoteRun,
) (int, error) {
	var jobs []trialJob
	for i := range m.Searches {
		s := &m.Searches[i]
		for j := range s.Trials {
			prev := onServer[TrialKey(s, &s.Trials[j])]
			if prev != nil && prev.ended() {
				continue
			}
			jobs = append(jobs, trialJob{search: s, trial: &s.Trials[j], prev: prev})
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		sent     int
		wg       sync.WaitGroup
	)
	next := make(chan trialJob)
	for range min(trialWorkers, len(jobs)) {
		wg.Go(func() {
			for j := range next {
				err := e.exportTrial(ctx, run, st.Experiment, m, parentID, j)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				if err == nil {
					sent++
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return sent, firstErr
}

// exportTrial sends one trial run: created (unless j.prev is it), its
// params and metrics in one batch (unless j.prev already has them: a
// batch is all or nothing), and its final status.
func (e *Exporter) exportTrial(ctx context.Context, run *tracking.Run, experiment string, m *tracking.TunedModel, parentID string, j trialJob) error {
	var id string
	logged := false
	if j.prev != nil {
		id = j.prev.Info.RunID
		logged = len(j.prev.Data.Params)+len(j.prev.Data.Metrics) > 0
	} else {
		var err error
		id, err = e.create(ctx, experiment, TrialName(j.search, j.trial), run.Start, TrialTags(run, m, j.search, j.trial, parentID))
		if err != nil {
			return err
		}
	}
	if !logged {
		b := Batch{Params: TrialParams(j.trial), Metrics: TrialMetrics(run, j.search, j.trial)}
		if err := e.logBatch(ctx, id, b); err != nil {
			return err
		}
	}
	end := run.Start.Add(time.Duration(j.trial.DurationSeconds * float64(time.Second)))
	return e.finish(ctx, id, TrialStatus(j.trial), end)
}

// create creates a run and returns its id.
func (e *Exporter) create(ctx context.Context, experimentID, name string, start time.Time, tags []KeyValue) (string, error) {
	req := CreateRun{ExperimentID: experimentID, RunName: name, StartTime: start.UnixMilli(), Tags: tags}
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

// finish sets a run's final status and end time.
func (e *Exporter) finish(ctx context.Context, runID, status string, end time.Time) error {
	return e.call(ctx, http.MethodPost, "runs/update", UpdateRun{RunID: runID, Status: status, EndTime: end.UnixMilli()}, nil)
}

// SearchRuns is the body of POST runs/search.
type SearchRuns struct {
	ExperimentIDs []string `json:"experiment_ids"`
	Filter        string   `json:"filter"`
	RunViewType   string   `json:"run_view_type"`
	MaxResults    int      `json:"max_results"`
	PageToken     string   `json:"page_token,omitempty"`
}

// ChildrenFilter is the runs/search filter of the runs nested under
// parentID (MLflow's search syntax quotes a key holding a dot with
// backticks).
func ChildrenFilter(parentID string) string {
	return "tags.`mlflow.parentRunId` = '" + parentID + "'"
}

// children returns the live runs nested under parentID, every page.
func (e *Exporter) children(ctx context.Context, experimentID, parentID string) ([]remoteRun, error) {
	var out []remoteRun
	req := SearchRuns{ExperimentIDs: []string{experimentID}, Filter: ChildrenFilter(parentID), RunViewType: "ACTIVE_ONLY", MaxResults: searchPageSize}
	for {
		var resp struct {
			Runs          []remoteRun `json:"runs"`
			NextPageToken string      `json:"next_page_token"`
		}
		if err := e.call(ctx, http.MethodPost, "runs/search", req, &resp); err != nil {
			return nil, err
		}
		out = append(out, resp.Runs...)
		if resp.NextPageToken == "" || len(resp.Runs) == 0 {
			return out, nil
		}
		req.PageToken = resp.NextPageToken
	}
}

// byTag indexes runs by the value of their tag key (runs without it are
// left out; of two with one value, the one finished wins, so a finished
// trial is not sent again).
func byTag(runs []remoteRun, key string) map[string]*remoteRun {
	m := map[string]*remoteRun{}
	for i := range runs {
		r := &runs[i]
		v := r.tag(key)
		if v == "" {
			continue
		}
		if old, ok := m[v]; ok && old.ended() {
			continue
		}
		m[v] = r
	}
	return m
}

// ModelTags are a model's run tags, nesting it under the tuning run's
// parentID.
func ModelTags(run *tracking.Run, m *tracking.TunedModel, parentID string) []KeyValue {
	tags := []KeyValue{
		{"mlflow.runName", m.Name},
		{"mlflow.parentRunId", parentID},
		{"mlflow.source.name", "mlops tune"},
		{"mlflow.source.type", "LOCAL"},
		{"mlops.run_id", run.ID},
		{"mlops.kind", "tune model"},
		{"mlops.model", m.Name},
		{"mlops.status", string(m.Status)},
	}
	if m.Error != "" {
		tags = append(tags, KeyValue{"mlops.error", truncate(m.Error, 5000)})
	}
	return tags
}

// ModelParams are a model's run params: the model and its algorithm, and
// the chosen values (what --apply writes) under their own keys.
func ModelParams(m *tracking.TunedModel) []KeyValue {
	params := map[string]any{"model": m.Name}
	if m.Algorithm != "" {
		params["algorithm"] = m.Algorithm
	}
	for k, v := range m.Chosen {
		params[k] = v
	}
	return keyValues(params)
}

// ModelMetrics are a model's run metrics, in a fixed order (a resumed
// export skips the ones sent by count): the estimates, the searches'
// counts, per outer fold the default's CV, the nested estimate and the
// inner best (step: the fold), and the final search's best inner score
// so far by trial number (step). A failed model has none.
func ModelMetrics(run *tracking.Run, m *tracking.TunedModel) []Metric {
	if m.Failed() {
		return nil
	}
	ts := endOf(run).UnixMilli()
	var out []Metric
	add := func(key string, v float64, step int) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return // MLflow's JSON has no NaN
		}
		out = append(out, Metric{Key: key, Value: v, Timestamp: ts, Step: int64(step)})
	}
	n := m.Trials()
	add("default_cv", m.DefaultCV.Mean, 0)
	add("default_cv_std", m.DefaultCV.Std, 0)
	add("nested", m.Nested.Mean, 0)
	add("nested_std", m.Nested.Std, 0)
	add("inner_best", m.InnerBest.Mean, 0)
	add("inner_best_std", m.InnerBest.Std, 0)
	add("chosen_inner", m.ChosenInner, 0)
	add("trials", float64(n[""]), 0)
	add("pruned", float64(n["pruned"]), 0)
	add("infeasible", float64(n["infeasible"]), 0)
	add("duration_seconds", m.DurationSeconds, 0)
	for f, v := range m.DefaultCV.Values {
		add("default_cv_fold", v, f)
	}
	for f, v := range m.Nested.Values {
		add("nested_fold", v, f)
	}
	for f, v := range m.InnerBest.Values {
		add("inner_best_fold", v, f)
	}
	for _, s := range m.Searches {
		if s.Fold >= 0 {
			continue
		}
		best := math.Inf(-1)
		for _, t := range s.Trials {
			if t.State == "complete" {
				best = max(best, mean(t.Scores))
			}
			add("best_so_far", best, t.Number)
		}
	}
	return out
}

// TrialKey identifies a trial among its model's searches: "<fold>/<number>",
// fold -1 for the final search.
func TrialKey(s *tracking.TuneSearch, t *tracking.TuneTrial) string {
	return strconv.Itoa(s.Fold) + "/" + strconv.Itoa(t.Number)
}

// TrialName is a trial run's name: "fold 3 trial 12", "final trial 12".
func TrialName(s *tracking.TuneSearch, t *tracking.TuneTrial) string {
	return foldName(s) + " trial " + strconv.Itoa(t.Number)
}

func foldName(s *tracking.TuneSearch) string {
	if s.Fold < 0 {
		return "final"
	}
	return "fold " + strconv.Itoa(s.Fold)
}

// TrialTags are a trial run's tags, nesting it under its model's run
// parentID: the search (mlops.fold: the outer fold, or "final"), the
// trial number, its state, and mlops.best on its search's best trial.
func TrialTags(run *tracking.Run, m *tracking.TunedModel, s *tracking.TuneSearch, t *tracking.TuneTrial, parentID string) []KeyValue {
	fold := "final"
	if s.Fold >= 0 {
		fold = strconv.Itoa(s.Fold)
	}
	tags := []KeyValue{
		{"mlflow.runName", TrialName(s, t)},
		{"mlflow.parentRunId", parentID},
		{"mlflow.source.name", "mlops tune"},
		{"mlflow.source.type", "LOCAL"},
		{"mlops.run_id", run.ID},
		{"mlops.kind", "tune trial"},
		{"mlops.model", m.Name},
		{"mlops.fold", fold},
		{"mlops.trial", strconv.Itoa(t.Number)},
		{"mlops.trial_key", TrialKey(s, t)},
		{"mlops.state", t.State},
	}
	if t.Number == s.Best {
		tags = append(tags, KeyValue{"mlops.best", "true"})
	}
	return tags
}

// TrialParams are the trial's point, one param per searched parameter.
func TrialParams(t *tracking.TuneTrial) []KeyValue { return keyValues(t.Params) }

// TrialMetrics are a trial's metrics: inner_accuracy and inner_log_loss
// per inner fold it reached (step: the fold) and their means, except for
// an infeasible trial, which has no score; duration_seconds; and on the best trial of an outer
// search, outer_test_accuracy, the fold's share of the nested estimate.
func TrialMetrics(run *tracking.Run, s *tracking.TuneSearch, t *tracking.TuneTrial) []Metric {
	ts := endOf(run).UnixMilli()
	var out []Metric
	add := func(key string, v float64, step int) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, Metric{Key: key, Value: v, Timestamp: ts, Step: int64(step)})
		}
	}
	if t.State != "infeasible" {
		for i, v := range t.Scores {
			add("inner_accuracy", v, i)
		}
		if len(t.Scores) > 0 {
			add("inner_accuracy_mean", mean(t.Scores), 0)
		}
		for i, v := range t.LogLosses {
			add("inner_log_loss", v, i)
		}
		if len(t.LogLosses) > 0 {
			add("inner_log_loss_mean", mean(t.LogLosses), 0)
		}
	}
	add("duration_seconds", t.DurationSeconds, 0)
	if t.Number == s.Best && s.Test != nil {
		add("outer_test_accuracy", *s.Test, 0)
	}
	return out
}

// TrialStatus is a trial run's final status: FINISHED for a complete
// trial, KILLED for one pruned (stopped early), FAILED for one the
// algorithm rejected (infeasible).
func TrialStatus(t *tracking.TuneTrial) string {
	switch t.State {
	case "pruned":
		return "KILLED"
	case "infeasible":
		return "FAILED"
	}
	return "FINISHED"
}

func endOf(run *tracking.Run) time.Time {
	if run.End != nil {
		return *run.End
	}
	return run.Start
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
