package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestMain points the run store at a temporary directory: every test that
// trains records a run, and the default store, runs/ under the working
// directory, would be this package's source tree.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mlops-cli-runs-")
	if err != nil {
		panic(err)
	}
	os.Setenv("MLOPS_RUNS_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Training records a finished run, a failed training records a failed
// one, and the runs commands read them back.
func TestTrainRecordsRuns(t *testing.T) {
	dir := trained(t)
	runsDir := filepath.Join(t.TempDir(), "runs")
	params := filepath.Join(dir, "params.yaml")
	for range 2 {
		code, _, stderr := run(t, "", "train", "--params", params, "--models-dir", filepath.Join(dir, "models"),
			"--metrics", filepath.Join(dir, "metrics.json"), "--runs-dir", runsDir)
		if code != 0 {
			t.Fatalf("train exited %d: %s", code, stderr)
		}
		if !strings.Contains(stderr, "run recorded") {
			t.Fatalf("train did not say it recorded the run:\n%s", stderr)
		}
	}
	bad := filepath.Join(t.TempDir(), "params.yaml")
	os.WriteFile(bad, []byte("data: {name: iris}\n"), 0o644)
	if code, _, _ := run(t, "", "train", "--params", bad, "--runs-dir", runsDir); code != 1 {
		t.Fatalf("training with bad params exited %d, want 1", code)
	}

	code, stdout, stderr := run(t, "", "runs", "list", "--runs-dir", runsDir, "--json")
	if code != 0 {
		t.Fatalf("runs list exited %d: %s", code, stderr)
	}
	var runs []struct {
		ID       string
		Status   string
		Champion string
		Params   map[string]any
		Data     *struct{ MD5 string }
		Models   []struct {
			Name    string
			History []float64
			CV      struct{ Values []float64 }
			Test    struct{ Confusion [][]int }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &runs); err != nil {
		t.Fatalf("runs list --json: %v\n%s", err, stdout)
	}
	if len(runs) != 3 {
		t.Fatalf("%d runs recorded, want 3", len(runs))
	}
	for i, r := range runs[:2] {
		if r.Status != "finished" || r.Data == nil || r.Data.MD5 != "9f44d5c52de2354fb45e9dcfc0e90b16" || len(r.Models) != 2 || r.Params["seed"] == nil {
			t.Fatalf("run %d: %+v; want finished with data md5, params and 2 models", i, r)
		}
		for _, m := range r.Models {
			if len(m.CV.Values) != 3 || len(m.Test.Confusion) != 3 {
				t.Errorf("run %d model %s: %d CV values, %d confusion rows; want 3 and 3", i, m.Name, len(m.CV.Values), len(m.Test.Confusion))
			}
			if m.Name == "logistic_regression" && len(m.History) == 0 {
				t.Errorf("run %d: logistic regression has no loss history", i)
			}
		}
	}
	if runs[2].Status != "failed" || runs[2].Params == nil {
		t.Fatalf("bad-params run: %+v; want failed with the params it was given", runs[2])
	}

	for _, args := range [][]string{
		{"runs", "list"},
		{"runs", "show", runs[0].ID},
		{"runs", "compare"},
		{"runs", "compare", runs[0].ID, runs[1].ID[:20]},
	} {
		code, stdout, stderr := run(t, "", append(args, "--runs-dir", runsDir)...)
		if code != 0 || !strings.Contains(stdout, "logistic_regression") {
			t.Fatalf("%v exited %d:\n%s\n%s", args, code, stdout, stderr)
		}
	}
	code, stdout, _ = run(t, "", "runs", "delete", "--failed", "--runs-dir", runsDir)
	if code != 0 || !strings.Contains(stdout, "deleted "+runs[2].ID) {
		t.Fatalf("runs delete --failed exited %d:\n%s", code, stdout)
	}
	if code, _, stderr := run(t, "", "runs", "show", runs[2].ID, "--runs-dir", runsDir); code != 1 || !strings.Contains(stderr, "no such run") {
		t.Fatalf("show of a deleted run exited %d: %s", code, stderr)
	}
}

// `mlops train --tracker mlflow` records the run and exports it; when the
// tracker is down the training still succeeds and `runs sync` sends the
// run later. (The request shapes are checked by the exporter's contract
// tests; this checks the wiring.)
func TestTrainExportsAndSyncRetries(t *testing.T) {
	var mu sync.Mutex
	up, calls := false, []string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, r.Method+" "+strings.TrimPrefix(r.URL.Path, "/api/2.0/mlflow/"))
		if !up {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error_code":"BAD_REQUEST","message":"maintenance"}`)
			return
		}
		switch r.URL.Path {
		case "/api/2.0/mlflow/experiments/get-by-name":
			io.WriteString(w, `{"experiment":{"experiment_id":"1"}}`)
		case "/api/2.0/mlflow/runs/create":
			io.WriteString(w, `{"run":{"info":{"run_id":"abc"}}}`)
		default:
			io.WriteString(w, `{}`)
		}
	}))
	defer srv.Close()
	t.Setenv("MLFLOW_TRACKING_URI", srv.URL)

	dir := trained(t)
	runsDir := filepath.Join(t.TempDir(), "runs")
	code, _, stderr := run(t, "", "train", "--params", filepath.Join(dir, "params.yaml"), "--models-dir", filepath.Join(dir, "models"),
		"--metrics", "", "--runs-dir", runsDir, "--tracker", "mlflow")
	if code != 0 || !strings.Contains(stderr, "run not exported") {
		t.Fatalf("train with the tracker down exited %d; want 0 and a warning:\n%s", code, stderr)
	}
	code, stdout, _ := run(t, "", "runs", "list", "--runs-dir", runsDir)
	if code != 0 || !strings.Contains(stdout, "finished") || strings.Contains(stdout, "mlflow") {
		t.Fatalf("runs list: %d\n%s", code, stdout)
	}
	mu.Lock()
	up = true
	mu.Unlock()
	code, stdout, stderr = run(t, "", "runs", "sync", "--to", "mlflow", "--runs-dir", runsDir)
	if code != 0 || !strings.Contains(stdout, "sent") || !strings.Contains(stdout, "abc") {
		t.Fatalf("runs sync exited %d:\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "", "runs", "list", "--runs-dir", runsDir)
	if code != 0 || !strings.Contains(stdout, "mlflow") {
		t.Fatalf("runs list after sync does not show it synced:\n%s", stdout)
	}
	code, stdout, _ = run(t, "", "runs", "sync", "--to", "mlflow", "--runs-dir", runsDir)
	if code != 0 || !strings.Contains(stdout, "nothing to sync") {
		t.Fatalf("second sync: %d\n%s", code, stdout)
	}
	mu.Lock()
	defer mu.Unlock()
	if last := calls[len(calls)-1]; last != "POST runs/update" {
		t.Fatalf("last request %s, want POST runs/update; all: %v", last, calls)
	}
}
