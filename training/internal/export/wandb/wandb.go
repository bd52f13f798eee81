// Package wandb exports runs to Weights & Biases through the HTTP protocol
// its own SDK speaks. W&B documents no public write API, so the shapes
// here are taken from the SDK's Go core (wandb/wandb, core/):
//
//   - the run is created or updated with the GraphQL mutation UpsertBucket,
//     POSTed to <base>/graphql (core/api/graphql/mutation_run.graphql;
//     client in core/internal/api/gql_client.go), its config as a JSON
//     string of {"key": {"value": ...}} (core/internal/runconfig/runconfig.go);
//   - history and summary go to the file_stream endpoint,
//     POST <base>/files/<entity>/<project>/<run>/file_stream, whose body is
//     {"files": {"wandb-history.jsonl": {"offset": N, "content": [...]},
//     "wandb-summary.json": {...}}, "complete": true, "exitcode": 0}
//     (core/internal/filestream/filestream.go, filestreamrequest.go,
//     collectorstate.go);
//   - authentication is HTTP Basic with user "api" and the API key as
//     password (core/internal/api/credentials.go).
//
// A training run becomes one W&B run; a tuning run one run per model, in a
// group named after it (see tune.go).
//
// Because the protocol is internal to W&B it may change; the exporter is
// tested against these shapes (wandb_contract_test.go), not a live server.
package wandb

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"

	"github.com/mlopsgo/mlops/training/internal/export/httpretry"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// File names in the file_stream protocol (core/internal/filestream/filestream.go).
const (
	HistoryFile = "wandb-history.jsonl"
	SummaryFile = "wandb-summary.json"
)

// maxLinesPerRequest keeps each file_stream request far below the
// server's ~10 MiB limit (defaultMaxRequestSizeBytes).
const maxLinesPerRequest = 500

// sentHistory is the SyncState.Sent key counting history lines the server
// has.
const sentHistory = "history_lines"

// UpsertBucketMutation is the SDK's mutation, trimmed to the variables
// this exporter sets.
const UpsertBucketMutation = `mutation UpsertBucket(
    $id: String,
    $name: String,
    $project: String,
    $entity: String,
    $groupName: String,
    $description: String,
    $displayName: String,
    $commit: String,
    $config: JSONString,
    $host: String,
    $jobType: String,
    $tags: [String!],
) {
    upsertBucket(input: {
        id: $id,
        name: $name,
        modelName: $project,
        entityName: $entity,
        groupName: $groupName,
        description: $description,
        displayName: $displayName,
        config: $config,
        commit: $commit,
        host: $host,
        jobType: $jobType,
        tags: $tags,
    }) {
        bucket {
            id
            name
            displayName
            project {
                id
                name
                entity {
                    id
                    name
                }
            }
            historyLineCount
        }
        inserted
    }
}`

// Exporter sends runs to one W&B server. It is safe for concurrent use.
type Exporter struct {
	cfg    Config
	client *httpretry.Client
	logger *slog.Logger
}

// New returns an exporter for cfg.
func New(logger *slog.Logger, cfg Config) *Exporter {
	h := http.Header{
		"User-Agent":    {"mlops-go"},
		"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("api:"+cfg.APIKey))},
	}
	logger = logger.With("component", "wandb")
	return &Exporter{cfg: cfg, logger: logger, client: &httpretry.Client{Header: h, Logger: logger}}
}

// Client returns the HTTP client, so tests can shorten its waits.
func (e *Exporter) Client() *httpretry.Client { return e.client }

// Name implements export.Exporter.
func (e *Exporter) Name() string { return Name }

// Export implements export.Exporter: upsert the run (same name on every
// retry, so the mutation is idempotent), stream the history lines the
// server does not have (it reports historyLineCount, as it does to the SDK
// when a run resumes), then the summary with the final exit code.
func (e *Exporter) Export(ctx context.Context, run *tracking.Run, st *tracking.SyncState, save func() error) error {
	if st.URL != "" && st.URL != e.cfg.BaseURL {
		*st = tracking.SyncState{}
	}
	st.URL = e.cfg.BaseURL
	if run.Tune != nil {
		return e.exportTune(ctx, run, st, save)
	}
	if st.RemoteID == "" {
		// Chosen and saved before the first request, so a retry after a
		// lost response upserts the same run instead of a second one.
		st.RemoteID = newRunID()
		if err := save(); err != nil {
			return err
		}
	}
	project := e.cfg.Project
	if project == "" {
		project = projectName(run)
	}
	bucket, err := e.upsert(ctx, run, st.RemoteID, project)
	if err != nil {
		return err
	}
	entity, project := bucket.Project.Entity.Name, bucket.Project.Name
	if entity == "" || project == "" {
		return errors.New("wandb: upsertBucket returned no project or entity")
	}
	st.Experiment = entity + "/" + project
	if st.Sent == nil {
		st.Sent = map[string]int{}
	}
	// The server's count wins: lines it has are not sent again, lines it
	// lost (or a count we never saved) are.
	offset := bucket.HistoryLineCount
	st.Sent[sentHistory] = offset
	if err := save(); err != nil {
		return err
	}
	path := fmt.Sprintf("%s/files/%s/%s/%s/file_stream", e.cfg.BaseURL, url.PathEscape(entity), url.PathEscape(project), url.PathEscape(st.RemoteID))
	lines, err := HistoryLines(run)
	if err != nil {
		return err
	}
	for offset < len(lines) {
		end := min(offset+maxLinesPerRequest, len(lines))
		req := FileStreamRequest{Files: map[string]FileData{HistoryFile: {Offset: offset, Content: lines[offset:end]}}}
		if err := e.post(ctx, path, req); err != nil {
			return err
		}
		offset = end
		st.Sent[sentHistory] = offset
		if err := save(); err != nil {
			return err
		}
	}
	summary, err := Summary(run)
	if err != nil {
		return err
	}
	complete, exit := true, int32(0)
	if run.Status == tracking.StatusFailed {
		exit = 1
	}
	final := FileStreamRequest{
		Files:    map[string]FileData{SummaryFile: {Offset: 0, Content: []string{summary}}},
		Complete: &complete,
		ExitCode: &exit,
	}
	if err := e.post(ctx, path, final); err != nil {
		return err
	}
	st.Complete = true
	return save()
}

type bucket struct {
	Name    string `json:"name"`
	Project struct {
		Name   string `json:"name"`
		Entity struct {
			Name string `json:"name"`
		} `json:"entity"`
	} `json:"project"`
	HistoryLineCount int `json:"historyLineCount"`
}

// GraphQLRequest is the body of POST /graphql.
type GraphQLRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

func (e *Exporter) upsert(ctx context.Context, run *tracking.Run, name, project string) (*bucket, error) {
	config, err := RunConfig(run)
	if err != nil {
		return nil, err
	}
	vars := map[string]any{
		"name":        name,
		"project":     project,
		"displayName": run.ID,
		"description": "mlops train run " + run.ID,
		"config":      config,
		"host":        run.Process.Host,
		"jobType":     "train",
		"tags":        []string{"mlops"},
	}
	return e.upsertBucket(ctx, run, vars)
}

// upsertBucket sends the UpsertBucket mutation with vars, plus the entity
// (when configured) and the run's commit.
func (e *Exporter) upsertBucket(ctx context.Context, run *tracking.Run, vars map[string]any) (*bucket, error) {
	name := vars["name"]
	project := vars["project"]
	if e.cfg.Entity != "" {
		vars["entity"] = e.cfg.Entity
	}
	if run.Git != nil {
		vars["commit"] = run.Git.Commit
	}
	body, err := json.Marshal(GraphQLRequest{Query: UpsertBucketMutation, Variables: vars, OperationName: "UpsertBucket"})
	if err != nil {
		return nil, fmt.Errorf("wandb: encode upsertBucket: %w", err)
	}
	data, err := e.client.Do(ctx, http.MethodPost, e.cfg.BaseURL+"/graphql", body)
	if err != nil {
		return nil, fmt.Errorf("wandb: upsertBucket: %w", err)
	}
	var resp struct {
		Data *struct {
			UpsertBucket *struct {
				Bucket   *bucket `json:"bucket"`
				Inserted bool    `json:"inserted"`
			} `json:"upsertBucket"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return nil, fmt.Errorf("wandb: decode upsertBucket response: %w", err)
	}
	if len(resp.Errors) > 0 {
		return nil, fmt.Errorf("wandb: upsertBucket: %s", resp.Errors[0].Message)
	}
	if resp.Data == nil || resp.Data.UpsertBucket == nil || resp.Data.UpsertBucket.Bucket == nil {
		return nil, errors.New("wandb: upsertBucket returned no bucket")
	}
	if resp.Data.UpsertBucket.Inserted {
		e.logger.Info("created run", "run", run.ID, "remote_id", name, "project", project)
	}
	return resp.Data.UpsertBucket.Bucket, nil
}

func (e *Exporter) post(ctx context.Context, url string, req FileStreamRequest) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("wandb: encode file_stream request: %w", err)
	}
	if _, err := e.client.Do(ctx, http.MethodPost, url, body); err != nil {
		return fmt.Errorf("wandb: file_stream: %w", err)
	}
	return nil
}

// FileStreamRequest is the file_stream body (FileStreamRequestJSON in
// core/internal/filestream/filestreamrequest.go).
type FileStreamRequest struct {
	Files    map[string]FileData `json:"files,omitempty"`
	Complete *bool               `json:"complete,omitempty"`
	ExitCode *int32              `json:"exitcode,omitempty"`
}

// FileData is a run of lines written at a line offset of a file.
type FileData struct {
	Offset  int      `json:"offset"`
	Content []string `json:"content"`
}

// RunConfig returns the run's config as the JSON string upsertBucket takes:
// each top-level params.yaml key as {"value": ...}, plus the run's
// identity under "mlops".
func RunConfig(run *tracking.Run) (string, error) {
	c := map[string]any{}
	for k, v := range run.Params {
		c[k] = map[string]any{"value": v}
	}
	meta := map[string]any{"run_id": run.ID, "params_file": run.ParamsFile}
	if run.Data != nil {
		meta["data_md5"] = run.Data.MD5
		meta["data_path"] = run.Data.Path
	}
	if run.Git != nil {
		meta["git_dirty"] = run.Git.Dirty
	}
	c["mlops"] = map[string]any{"value": meta}
	data, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("wandb: encode config: %w", err)
	}
	return string(data), nil
}

// HistoryLines returns the run's history as wandb-history.jsonl lines, one
// per step: each model's training loss at that iteration and CV accuracy
// at that fold, with the SDK's _step, _runtime and _timestamp keys.
func HistoryLines(run *tracking.Run) ([]string, error) {
	steps := 0
	for _, m := range run.Models {
		steps = max(steps, len(m.History), len(m.CV.Values))
	}
	runtime, ts := runTimes(run)
	lines := make([]string, 0, steps)
	for s := range steps {
		row := map[string]any{"_step": s, "_runtime": runtime, "_timestamp": ts}
		for _, m := range run.Models {
			if s < len(m.History) {
				row[m.Name+"/train_loss"] = finite(m.History[s])
			}
			if s < len(m.CV.Values) {
				row[m.Name+"/cv_accuracy_fold"] = finite(m.CV.Values[s])
			}
		}
		data, err := json.Marshal(row)
		if err != nil {
			return nil, fmt.Errorf("wandb: encode history: %w", err)
		}
		lines = append(lines, string(data))
	}
	return lines, nil
}

// Summary returns wandb-summary.json's one line: each model's final
// metrics and the champion.
func Summary(run *tracking.Run) (string, error) {
	runtime, ts := runTimes(run)
	s := map[string]any{"_runtime": runtime, "_timestamp": ts, "champion": run.Champion}
	for _, m := range run.Models {
		p, t := m.Name+"/", m.Test
		for k, v := range map[string]float64{
			"test_accuracy": t.Accuracy, "test_precision_weighted": t.PrecisionWeighted,
			"test_recall_weighted": t.RecallWeighted, "test_f1_weighted": t.F1Weighted,
			"test_f1_macro": t.F1Macro, "test_log_loss": t.LogLoss,
			"cv_accuracy_mean": m.CV.Mean, "cv_accuracy_std": m.CV.Std, "duration_seconds": m.DurationSeconds,
		} {
			s[p+k] = finite(v)
		}
	}
	// encoding/json sorts map keys, so the line is the same every time.
	data, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("wandb: encode summary: %w", err)
	}
	return string(data), nil
}

func runTimes(run *tracking.Run) (runtime float64, timestamp float64) {
	end := run.Start
	if run.End != nil {
		end = *run.End
	}
	return end.Sub(run.Start).Seconds(), float64(end.UnixMilli()) / 1000
}

// finite keeps JSON encodable: W&B's JSON has no NaN, so a NaN or
// infinite value is sent as null.
func finite(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func projectName(run *tracking.Run) string {
	if data, ok := run.Params["data"].(map[string]any); ok {
		if name, ok := data["name"].(string); ok && name != "" {
			return name
		}
	}
	return "mlops"
}

// newRunID returns 8 random lowercase letters and digits, the shape of the
// SDK's generated run ids.
func newRunID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [8]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}
