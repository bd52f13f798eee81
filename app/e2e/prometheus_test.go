package e2e

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/testsupport/modelapi"
	"github.com/mlopsgo/mlops/testsupport/promserver"
)

// TestE2EPrometheus starts a real Prometheus that scrapes a running
// model-api every second, drives some traffic, and finds the expected series
// and labels through Prometheus's HTTP API.
func TestE2EPrometheus(t *testing.T) {
	requireE2E(t)
	api := modelapi.Start(t, modelapi.Options{})
	ctx := t.Context()

	// Traffic: enough rows for the drift window's minimum, an invalid
	// request, an unknown model, and an Open Inference Protocol call.
	feats := exampleFeatures(t, api)
	_, modelsBody := api.Get(ctx, "/models")
	var models struct {
		Default  string   `json:"default_model"`
		Champion string   `json:"champion"`
		Loaded   []string `json:"models_loaded"`
	}
	if err := json.Unmarshal(modelsBody, &models); err != nil {
		t.Fatal(err)
	}
	for range 40 {
		if code, body := api.Post(ctx, "/predict", `{"features":`+feats+`}`); code != 200 {
			t.Fatalf("/predict: %d %s", code, body)
		}
	}
	api.Post(ctx, "/predict", `{"features":{}}`)
	api.Post(ctx, "/predict", `{"features":`+feats+`,"model_name":"nope"}`)
	if code, body := api.Post(ctx, "/predict/all-models", feats); code != 200 {
		t.Fatalf("/predict/all-models: %d %s", code, body)
	}
	api.Get(ctx, "/v2/models/"+models.Champion+"/ready")

	prom := promserver.Start(t, promserver.Options{Config: promserver.Config{
		Jobs: []promserver.Job{{Name: "model-api", Targets: []promserver.Target{{Addr: api.Addr()}}}},
	}})

	// Each check is a PromQL query that must return at least one series
	// with a number, and the labels every returned series must carry.
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
	for _, c := range checks {
		series, err := prom.WaitForData(ctx, promserver.Query{Expr: c.query}, time.Until(deadline))
		if err != nil {
			t.Error(err)
			continue
		}
		for _, s := range series {
			for l := range c.labels {
				if s.Metric[l] == "" {
					t.Errorf("%s: series %v lacks label %q", c.query, s.Metric, l)
				}
			}
			if s.Metric["job"] != "model-api" {
				t.Errorf("%s: series %v not from the model-api job", c.query, s.Metric)
			}
		}
	}
	// The drift gauges cover every feature of the default model.
	series, err := prom.Query(ctx, telemetry.InputDriftScore+`{model="`+models.Default+`"}`)
	if err != nil || len(series) < 2 {
		t.Errorf("drift score for %d features (%v), want one per feature", len(series), err)
	}
}
