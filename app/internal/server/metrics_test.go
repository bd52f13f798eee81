package server

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/app/telemetry"
)

type fiberCtx = fiber.Ctx

func newRegistry() *prometheus.Registry { return prometheus.NewRegistry() }

func compareMetrics(t *testing.T, g prometheus.Gatherer, expected string, names ...string) {
	t.Helper()
	if err := testutil.GatherAndCompare(g, strings.NewReader(expected), names...); err != nil {
		t.Error(err)
	}
}

// TestMetrics drives a few requests and checks the series they leave, by
// route template, model, class, feature and reason.
func TestMetrics(t *testing.T) {
	s, reg := newTestServer(t, testOptions(modeltest.Dir(t)))
	app := s.App()
	for _, c := range []call{
		post("/predict", `{"features":`+setosa+`}`),
		post("/predict", `{"features":`+virginica+`,"model_name":"decision_tree"}`),
		post("/predict/batch", `{"features_list":[`+setosa+`,`+versicolor+`]}`),
		// Accepted, but sepal_width 4.5 is above the training maximum 3.6.
		post("/predict", `{"features":{"sepal_length":5.1,"sepal_width":4.5,"petal_length":1.4,"petal_width":0.2}}`),
		// Rejected: petal_width outside the declared range.
		post("/predict", `{"features":{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":12}}`),
		post("/predict", `{"features":`+setosa+`,"model_name":"svm"}`),
		post("/predict", `{"features":{}}`),
		post("/v2/models/random_forest/infer", `{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","data":[6.0,2.8,4.5,1.3]}]}`),
		get("/v2/models/decision_tree/ready"),
		get("/v2/models/svm/ready"),
		get("/no/such/path"),
	} {
		do(t, app, c)
	}

	compareMetrics(t, reg, `
# HELP model_api_predictions_total Predictions made (rows), by model and predicted class.
# TYPE model_api_predictions_total counter
model_api_predictions_total{class="Iris-setosa",model="decision_tree"} 0
model_api_predictions_total{class="Iris-setosa",model="logistic_regression"} 0
model_api_predictions_total{class="Iris-setosa",model="random_forest"} 3
model_api_predictions_total{class="Iris-versicolor",model="decision_tree"} 0
model_api_predictions_total{class="Iris-versicolor",model="logistic_regression"} 0
model_api_predictions_total{class="Iris-versicolor",model="random_forest"} 2
model_api_predictions_total{class="Iris-virginica",model="decision_tree"} 1
model_api_predictions_total{class="Iris-virginica",model="logistic_regression"} 0
model_api_predictions_total{class="Iris-virginica",model="random_forest"} 0
# HELP model_api_prediction_errors_total Rejected prediction requests, by model (empty when unknown) and reason.
# TYPE model_api_prediction_errors_total counter
model_api_prediction_errors_total{model="",reason="unknown_model"} 1
model_api_prediction_errors_total{model="decision_tree",reason="invalid_input"} 0
model_api_prediction_errors_total{model="decision_tree",reason="out_of_range"} 0
model_api_prediction_errors_total{model="decision_tree",reason="too_large"} 0
model_api_prediction_errors_total{model="logistic_regression",reason="invalid_input"} 0
model_api_prediction_errors_total{model="logistic_regression",reason="out_of_range"} 0
model_api_prediction_errors_total{model="logistic_regression",reason="too_large"} 0
model_api_prediction_errors_total{model="random_forest",reason="invalid_input"} 1
model_api_prediction_errors_total{model="random_forest",reason="out_of_range"} 1
model_api_prediction_errors_total{model="random_forest",reason="too_large"} 0
# HELP iris_predictions_total Total predictions (original service's name).
# TYPE iris_predictions_total counter
iris_predictions_total 6
# HELP iris_prediction_errors_total Rejected prediction requests (original service's name).
# TYPE iris_prediction_errors_total counter
iris_prediction_errors_total 3
# HELP iris_predictions_by_model_total Predictions by model (original service's name).
# TYPE iris_predictions_by_model_total counter
iris_predictions_by_model_total{model="decision_tree"} 1
iris_predictions_by_model_total{model="logistic_regression"} 0
iris_predictions_by_model_total{model="random_forest"} 5
# HELP iris_predictions_by_species_total Predictions by predicted class (original service's name).
# TYPE iris_predictions_by_species_total counter
iris_predictions_by_species_total{species="Iris-setosa"} 3
iris_predictions_by_species_total{species="Iris-versicolor"} 2
iris_predictions_by_species_total{species="Iris-virginica"} 1
# HELP iris_models_loaded Models loaded (original service's name).
# TYPE iris_models_loaded gauge
iris_models_loaded 3
# HELP model_api_models_loaded Models loaded.
# TYPE model_api_models_loaded gauge
model_api_models_loaded 3
# HELP model_api_ready 1 when the default model is loaded and the server takes traffic.
# TYPE model_api_ready gauge
model_api_ready 1
# HELP model_api_reloads_total Model set loads (at start, on SIGHUP and through /admin/reload), by result.
# TYPE model_api_reloads_total counter
model_api_reloads_total{result="failure"} 0
model_api_reloads_total{result="success"} 1
`, telemetry.PredictionsTotal, telemetry.PredictionErrorsTotal, telemetry.IrisPredictionsTotal, telemetry.IrisPredictionErrorsTotal,
		telemetry.IrisPredictionsByModelTotal, telemetry.IrisPredictionsBySpeciesTotal, telemetry.IrisModelsLoaded,
		telemetry.ModelsLoaded, telemetry.Ready, telemetry.ReloadsTotal)

	// Out-of-range inputs, by feature and range kind (only the non-zero
	// series are shown here).
	got := gatherText(t, reg, telemetry.InputOutOfRangeTotal)
	for _, want := range []string{
		`model_api_input_out_of_range_total{feature="sepal_width",model="random_forest",range="training"} 1`,
		`model_api_input_out_of_range_total{feature="petal_width",model="random_forest",range="declared"} 1`,
		`model_api_input_out_of_range_total{feature="petal_width",model="random_forest",range="training"} 0`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}

	// HTTP series are by route template, never by raw path.
	got = gatherText(t, reg, telemetry.HTTPRequestsTotal)
	for _, want := range []string{
		`model_api_http_requests_total{code="200",method="POST",route="/predict"} 3`,
		`model_api_http_requests_total{code="200",method="POST",route="/predict/batch"} 1`,
		`model_api_http_requests_total{code="400",method="POST",route="/predict"} 1`,
		`model_api_http_requests_total{code="422",method="POST",route="/predict"} 2`,
		`model_api_http_requests_total{code="200",method="POST",route="/v2/models/{name}/infer"} 1`,
		`model_api_http_requests_total{code="200",method="GET",route="/v2/models/{name}/ready"} 1`,
		`model_api_http_requests_total{code="404",method="GET",route="/v2/models/{name}/ready"} 1`,
		`model_api_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "svm") || strings.Contains(got, "/no/such/path") {
		t.Errorf("a raw path leaked into the route label:\n%s", got)
	}

	// model_info carries the bundle's identity.
	got = gatherText(t, reg, telemetry.ModelInfo)
	b := modeltest.Bundle(t, "random_forest", "random_forest")
	want := `model_api_model_info{algorithm="random_forest",champion="false",data_md5="` + b.Dataset.MD5 + `",model="random_forest",version="` + b.SHA256 + `"} 1`
	if !strings.Contains(got, want) {
		t.Errorf("missing %s in\n%s", want, got)
	}
}

// TestDriftMetrics streams only setosa rows: their petal features sit in
// the training histogram's lowest bins, so PSI and KS must show a shift.
func TestDriftMetrics(t *testing.T) {
	s, reg := newTestServer(t, testOptions(modeltest.Dir(t)))
	app := s.App()
	for i := range 4 {
		do(t, app, post("/predict", `{"features":`+setosa+`}`))
		if i == 2 {
			if got := gatherText(t, reg, telemetry.InputDriftScore); got != "" {
				t.Errorf("drift exported over 3 observations (the minimum is 5):\n%s", got)
			}
		}
	}
	do(t, app, post("/predict/batch", `{"features_list":[`+setosa+`,`+setosa+`]}`))
	compareMetrics(t, reg, `
# HELP model_api_input_drift_window_observations Recent inputs the drift scores are computed over, by model.
# TYPE model_api_input_drift_window_observations gauge
model_api_input_drift_window_observations{model="decision_tree"} 0
model_api_input_drift_window_observations{model="logistic_regression"} 0
model_api_input_drift_window_observations{model="random_forest"} 6
`, telemetry.InputDriftWindowObservations)

	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	scores := map[string]float64{}
	for _, f := range families {
		if f.GetName() != telemetry.InputDriftScore && f.GetName() != telemetry.InputDriftKSStatistic {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels[telemetry.LabelModel] != "random_forest" {
				t.Errorf("%s exported for %s, whose window is below the minimum", f.GetName(), labels[telemetry.LabelModel])
			}
			scores[f.GetName()+"/"+labels[telemetry.LabelFeature]] = m.GetGauge().GetValue()
		}
	}
	if len(scores) != 8 {
		t.Fatalf("got %d drift series %v, want PSI and KS for 4 features", len(scores), scores)
	}
	// Training holds 4 setosa rows in 12: all-setosa input is a major shift.
	if psi := scores[telemetry.InputDriftScore+"/petal_length"]; psi < 0.25 {
		t.Errorf("petal_length PSI %v, want above 0.25 (major shift)", psi)
	}
	if ks := scores[telemetry.InputDriftKSStatistic+"/petal_length"]; ks < 0.5 {
		t.Errorf("petal_length KS %v, want at least 0.5", ks)
	}
}

// TestMetricsLint runs client_golang's linter over everything /metrics
// exports, the runtime collectors included.
func TestMetricsLint(t *testing.T) {
	opts := testOptions(modeltest.Dir(t))
	opts.ShadowModels = []string{"decision_tree"} // so the shadow series exist
	s, reg := newTestServer(t, opts)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for range 6 {
		do(t, s.App(), post("/predict", `{"features":`+setosa+`}`))
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	// Every current-set name is registered (the drift ones after enough
	// inputs, the rest at start), except the imputed counter: its series
	// exist only for models with impute values (TestImputeOverHTTP).
	got := gatherText(t, reg)
	for _, name := range telemetry.Metrics {
		if name == telemetry.InputImputedTotal {
			continue
		}
		if !strings.Contains(got, "# TYPE "+name+" ") {
			t.Errorf("metric %s is not exported", name)
		}
	}
}

// gatherText returns the exposition text of the named metrics (all when
// none are named).
func gatherText(t *testing.T, g prometheus.Gatherer, names ...string) string {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var sb strings.Builder
	for _, f := range families {
		if len(names) > 0 && !want[f.GetName()] {
			continue
		}
		sb.WriteString("# TYPE " + f.GetName() + " " + strings.ToLower(f.GetType().String()) + "\n")
		for _, m := range f.GetMetric() {
			sb.WriteString(f.GetName() + "{")
			for i, l := range m.GetLabel() {
				if i > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(l.GetName() + `="` + l.GetValue() + `"`)
			}
			sb.WriteString("} ")
			switch {
			case m.Counter != nil:
				sb.WriteString(trimFloat(m.GetCounter().GetValue()))
			case m.Gauge != nil:
				sb.WriteString(trimFloat(m.GetGauge().GetValue()))
			}
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

func trimFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
