package wandb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"

	"github.com/mlopsgo/mlops/training/internal/metrics"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// A tuning run (kind "tune") becomes one W&B run per model, all in one
// group named after the tuning run's id (upsertBucket's groupName, W&B's
// grouping field), with job type "tune":
//
//   - config: params.yaml, the search settings ("search"), the model and
//     its chosen values ("chosen");
//   - history: one row per trial of the model's searches, outer folds
//     first and the final search last (_step: the row's position), with
//     trial/number, trial/fold (-1: the final search), trial/state,
//     trial/score (the mean inner accuracy; none for an infeasible
//     trial), trial/log_loss (the mean inner log loss, which breaks ties
//     of the score), trial/duration_seconds, search/best_so_far, and the
//     trial's point as param/<key>;
//   - summary: the nested estimate of tune-then-train beside the default's
//     CV and the optimistic inner best, with the counts and chosen values.
//
// Why a run per model rather than a run per trial, as a W&B sweep makes:
// a sweep's runs are each a training scored on held-out data, while most
// of a tuning's trials (5,000 of the 5,100 of an Iris tuning with 20
// trials) belong to the nested cross-validation's inner searches, scored
// on inner folds; a run each would flood the project with thousands of
// runs (two requests each) while the comparison that matters, each
// model's nested estimate against its default, lives at model level. The
// group keeps the models of one tuning together in the runs table and
// its grouped charts, and each run's history still plots every trial's
// score against its parameters.
//
// Runs are named <base>-<model>, base being SyncState.RemoteID (chosen and
// saved before the first request, as for a training run), so a resumed
// export upserts the same runs; history resumes from each run's
// historyLineCount, and SyncState.Sent counts the models done ("models")
// and their history lines ("history_lines").

// Progress key of a tuning run in SyncState.Sent.
const sentModels = "models"

// exportTune is Export for a tuning run: one W&B run per model, from the
// first not yet complete.
func (e *Exporter) exportTune(ctx context.Context, run *tracking.Run, st *tracking.SyncState, save func() error) error {
	if st.RemoteID == "" {
		st.RemoteID = newRunID()
		if err := save(); err != nil {
			return err
		}
	}
	if st.Sent == nil {
		st.Sent = map[string]int{}
	}
	project := e.cfg.Project
	if project == "" {
		project = projectName(run)
	}
	models := run.Tune.Models
	for i := st.Sent[sentModels]; i < len(models); i++ {
		m := &models[i]
		lines, err := e.exportModel(ctx, run, st, m, project)
		if err != nil {
			return fmt.Errorf("wandb: export %s's tuning: %w", m.Name, err)
		}
		st.Sent[sentModels] = i + 1
		st.Sent[sentHistory] += lines
		if err := save(); err != nil {
			return err
		}
	}
	st.Complete = true
	return save()
}

// exportModel upserts one model's run, streams the history lines the
// server lacks, then the summary with the exit code, and returns the
// number of history lines.
func (e *Exporter) exportModel(ctx context.Context, run *tracking.Run, st *tracking.SyncState, m *tracking.TunedModel, project string) (int, error) {
	config, err := TuneConfig(run, m)
	if err != nil {
		return 0, err
	}
	name := ModelRunName(st.RemoteID, m)
	vars := map[string]any{
		"name":        name,
		"project":     project,
		"groupName":   run.ID,
		"displayName": m.Name + " (" + run.ID + ")",
		"description": "mlops tune run " + run.ID + ": " + m.Name,
		"config":      config,
		"host":        run.Process.Host,
		"jobType":     "tune",
		"tags":        []string{"mlops", "tune"},
	}
	bucket, err := e.upsertBucket(ctx, run, vars)
	if err != nil {
		return 0, err
	}
	entity, project := bucket.Project.Entity.Name, bucket.Project.Name
	if entity == "" || project == "" {
		return 0, errors.New("wandb: upsertBucket returned no project or entity")
	}
	st.Experiment = entity + "/" + project
	path := fmt.Sprintf("%s/files/%s/%s/%s/file_stream", e.cfg.BaseURL, url.PathEscape(entity), url.PathEscape(project), url.PathEscape(name))
	lines, err := TrialLines(run, m)
	if err != nil {
		return 0, err
	}
	// The server's count wins, as for a training run.
	for offset := bucket.HistoryLineCount; offset < len(lines); {
		end := min(offset+maxLinesPerRequest, len(lines))
		req := FileStreamRequest{Files: map[string]FileData{HistoryFile: {Offset: offset, Content: lines[offset:end]}}}
		if err := e.post(ctx, path, req); err != nil {
			return 0, err
		}
		offset = end
	}
	summary, err := TuneSummary(run, m)
	if err != nil {
		return 0, err
	}
	complete, exit := true, int32(0)
	if run.Status == tracking.StatusFailed || m.Failed() {
		exit = 1
	}
	final := FileStreamRequest{
		Files:    map[string]FileData{SummaryFile: {Offset: 0, Content: []string{summary}}},
		Complete: &complete,
		ExitCode: &exit,
	}
	if err := e.post(ctx, path, final); err != nil {
		return 0, err
	}
	return len(lines), nil
}

// ModelRunName is the W&B run name (its id in the project) of a model of
// the tuning exported as base.
func ModelRunName(base string, m *tracking.TunedModel) string { return base + "-" + m.Name }

// TuneConfig returns a model run's config as upsertBucket takes it: the
// training run's config (RunConfig: params.yaml and the run's identity),
// plus "search" (the search settings), "model" and "chosen" (the chosen
// values, what --apply writes).
func TuneConfig(run *tracking.Run, m *tracking.TunedModel) (string, error) {
	c := map[string]any{}
	for k, v := range run.Params {
		c[k] = map[string]any{"value": v}
	}
	meta := map[string]any{"run_id": run.ID, "params_file": run.ParamsFile, "kind": "tune"}
	if run.Data != nil {
		meta["data_md5"] = run.Data.MD5
		meta["data_path"] = run.Data.Path
	}
	if run.Git != nil {
		meta["git_dirty"] = run.Git.Dirty
	}
	c["mlops"] = map[string]any{"value": meta}
	c["search"] = map[string]any{"value": run.Tune.Settings()["search"]}
	c["model"] = map[string]any{"value": m.Name}
	c["chosen"] = map[string]any{"value": m.Chosen}
	data, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("wandb: encode config: %w", err)
	}
	return string(data), nil
}

// TrialLines returns a model's history: one wandb-history.jsonl line per
// trial of its searches, in order (see the comment at the top of the
// file).
func TrialLines(run *tracking.Run, m *tracking.TunedModel) ([]string, error) {
	runtime, ts := runTimes(run)
	var lines []string
	for _, s := range m.Searches {
		best := math.Inf(-1)
		for _, t := range s.Trials {
			row := map[string]any{
				"_step": len(lines), "_runtime": runtime, "_timestamp": ts,
				"trial/number": t.Number, "trial/fold": s.Fold, "trial/state": t.State,
				"trial/duration_seconds": finite(t.DurationSeconds),
			}
			if t.State != "infeasible" && len(t.Scores) > 0 {
				score := metrics.Summarize(t.Scores).Mean
				row["trial/score"] = finite(score)
				if t.State == "complete" {
					best = max(best, score)
				}
				if len(t.LogLosses) > 0 {
					row["trial/log_loss"] = finite(metrics.Summarize(t.LogLosses).Mean)
				}
			}
			if !math.IsInf(best, -1) {
				row["search/best_so_far"] = best
			}
			for k, v := range t.Params {
				row["param/"+k] = v
			}
			data, err := json.Marshal(row)
			if err != nil {
				return nil, fmt.Errorf("wandb: encode history: %w", err)
			}
			lines = append(lines, string(data))
		}
	}
	return lines, nil
}

// TuneSummary returns a model run's wandb-summary.json line: the nested
// estimate beside the default's CV and the optimistic inner best, the
// trial counts, and the chosen values as chosen/<key>; the error of a
// failed model.
func TuneSummary(run *tracking.Run, m *tracking.TunedModel) (string, error) {
	runtime, ts := runTimes(run)
	s := map[string]any{"_runtime": runtime, "_timestamp": ts, "model": m.Name, "status": string(m.Status)}
	if m.Failed() {
		s["error"] = m.Error
	} else {
		n := m.Trials()
		for k, v := range map[string]float64{
			"nested": m.Nested.Mean, "nested_std": m.Nested.Std,
			"default_cv": m.DefaultCV.Mean, "default_cv_std": m.DefaultCV.Std,
			"inner_best": m.InnerBest.Mean, "inner_best_std": m.InnerBest.Std,
			"chosen_inner": m.ChosenInner, "duration_seconds": m.DurationSeconds,
			"trials": float64(n[""]), "pruned": float64(n["pruned"]), "infeasible": float64(n["infeasible"]),
		} {
			s[k] = finite(v)
		}
		for k, v := range m.Chosen {
			s["chosen/"+k] = v
		}
	}
	data, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("wandb: encode summary: %w", err)
	}
	return string(data), nil
}
