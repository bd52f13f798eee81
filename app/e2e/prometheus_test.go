package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/app/telemetry"
)

// TestE2EPrometheus starts a real Prometheus that scrapes a running
// model-api every second, drives some traffic, and finds the expected series
// and labels through Prometheus's HTTP API.
func TestE2EPrometheus(t *testing.T) {
	requireE2E(t)
	bin := env("PROMETHEUS", "/usr/bin/prometheus")
	requireFile(t, bin, "install the Debian package prometheus (make e2e-deps)")
	api := startModelAPI(t)
	target := strings.TrimPrefix(api.url, "http://")

	// Traffic: enough rows for the drift window's minimum, an invalid
	// request, an unknown model, and an Open Inference Protocol call.
	feats := exampleFeatures(t, api.url)
	_, modelsBody := get(t, api.url+"/models")
	var models struct {
		Default  string   `json:"default_model"`
		Champion string   `json:"champion"`
		Loaded   []string `json:"models_loaded"`
	}
	if err := json.Unmarshal(modelsBody, &models); err != nil {
		t.Fatal(err)
	}
	for range 40 {
		if code, body := post(t, api.url+"/predict", `{"features":`+feats+`}`); code != 200 {
			t.Fatalf("/predict: %d %s", code, body)
		}
	}
	post(t, api.url+"/predict", `{"features":{}}`)
	post(t, api.url+"/predict", `{"features":`+feats+`,"model_name":"nope"}`)
	if code, body := post(t, api.url+"/predict/all-models", feats); code != 200 {
		t.Fatalf("/predict/all-models: %d %s", code, body)
	}
	get(t, api.url+"/v2/models/"+models.Champion+"/ready")

	dir := t.TempDir()
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: model-api
    metrics_path: /metrics
    static_configs:
      - targets: [%q]
`, target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	promAddr := freePort(t)
	cmd := exec.Command(bin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+promAddr,
		"--log.level=warn",
	)
	out, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "prometheus.log"))
			t.Logf("prometheus log:\n%s", log)
		}
	})
	prom := "http://" + promAddr

	// Each check is a PromQL query that must return at least one series,
	// and the labels every returned series must carry.
	checks := []struct {
		query  string
		labels map[string]string
	}{
		{`up{job="model-api"} == 1`, nil},
		{telemetry.HTTPRequestsTotal + `{route="/predict",method="POST",code="200"}`, nil},
		{telemetry.HTTPRequestsTotal + `{route="/predict",code="422"}`, nil},
		{telemetry.HTTPRequestsTotal + `{route="/v2/models/{name}/ready",code="200"}`, nil},
		{telemetry.HTTPRequestDurationSeconds + `_bucket{route="/predict"}`, nil},
		{telemetry.PredictionsTotal + `{model="` + models.Default + `"} > 0`, nil},
		{telemetry.PredictionErrorsTotal + `{reason="unknown_model"} == 1`, nil},
		{telemetry.PredictionErrorsTotal + `{model="` + models.Default + `",reason="invalid_input"} == 1`, nil},
		{telemetry.PredictionConfidence + `_count{model="` + models.Default + `"} > 0`, nil},
		{telemetry.InferenceDurationSeconds + `_count{model="` + models.Default + `"} > 0`, nil},
		{telemetry.InputDriftScore + `{model="` + models.Default + `"}`, map[string]string{"feature": ""}},
		{telemetry.InputDriftKSStatistic + `{model="` + models.Default + `"}`, map[string]string{"feature": ""}},
		{telemetry.InputDriftWindowObservations + `{model="` + models.Default + `"} >= 40`, nil},
		{telemetry.InputOutOfRangeTotal + `{range="training"}`, map[string]string{"feature": "", "model": ""}},
		{telemetry.ModelInfo + `{model="` + models.Champion + `",champion="true"}`, map[string]string{"version": "", "algorithm": "", "data_md5": ""}},
		{telemetry.ModelsLoaded + fmt.Sprintf(` == %d`, len(models.Loaded)), nil},
		{telemetry.Ready + ` == 1`, nil},
		{telemetry.ReloadsTotal + `{result="success"} == 1`, nil},
		{telemetry.LastReloadSuccessTimestampSeconds + ` > 0`, nil},
		{telemetry.BuildInfo, map[string]string{"version": "", "revision": "", "goversion": ""}},
		{telemetry.IrisPredictionsTotal + ` >= 40`, nil},
		{telemetry.IrisPredictionsByModelTotal + `{model="` + models.Default + `"} >= 41`, nil},
		{telemetry.IrisPredictionsBySpeciesTotal, map[string]string{"species": ""}},
		{telemetry.IrisPredictionErrorsTotal + ` == 2`, nil},
		{telemetry.IrisPredictionDurationSeconds + ` > 0`, nil},
		{telemetry.IrisAPIUptimeSeconds + ` > 0`, nil},
		{telemetry.IrisModelsLoaded, nil},
		{`go_goroutines`, nil},
		{`process_resident_memory_bytes`, nil},
	}
	deadline := time.Now().Add(60 * time.Second)
	pending := checks
	for len(pending) > 0 && time.Now().Before(deadline) {
		var still []struct {
			query  string
			labels map[string]string
		}
		for _, c := range pending {
			series, err := query(prom, c.query)
			if err != nil || len(series) == 0 {
				still = append(still, c)
				continue
			}
			for _, s := range series {
				for l := range c.labels {
					if s[l] == "" {
						t.Errorf("%s: series %v lacks label %q", c.query, s, l)
					}
				}
				if s["job"] != "model-api" {
					t.Errorf("%s: series %v not from the model-api job", c.query, s)
				}
			}
		}
		pending = still
		if len(pending) > 0 {
			time.Sleep(time.Second)
		}
	}
	for _, c := range pending {
		series, err := query(prom, c.query)
		t.Errorf("no series for %s (last answer %v, %v)", c.query, series, err)
	}
	// The drift gauges cover every feature of the default model.
	series, _ := query(prom, telemetry.InputDriftScore+`{model="`+models.Default+`"}`)
	if len(series) < 2 {
		t.Errorf("drift score for %d features, want one per feature", len(series))
	}
}

// query runs an instant PromQL query and returns each series' labels.
func query(prom, q string) ([]map[string]string, error) {
	resp, err := httpGetJSON(prom + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, err
	}
	var out struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp, &out); err != nil {
		return nil, err
	}
	if out.Status != "success" {
		return nil, fmt.Errorf("query %s: %s", q, out.Error)
	}
	var series []map[string]string
	for _, r := range out.Data.Result {
		series = append(series, r.Metric)
	}
	return series, nil
}
