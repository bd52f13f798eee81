package server

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/training/model"
)

// imputeMedians are the impute values of imputeDir's bundles, one per Iris
// feature: about the medians of Iris's columns.
var imputeMedians = []float64{5.8, 3.0, 4.35, 1.3}

// imputeDir writes the default model set as trained with data.missing:
// impute: every feature of every bundle has an impute value.
func imputeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var bundles []*model.Bundle
	for _, name := range modeltest.Default {
		b := modeltest.Bundle(t, name, name)
		for j := range b.Features {
			b.Features[j].Impute = &imputeMedians[j]
		}
		if err := b.Seal(); err != nil {
			t.Fatal(err)
		}
		if err := b.Save(filepath.Join(dir, name+".json")); err != nil {
			t.Fatal(err)
		}
		bundles = append(bundles, b)
	}
	idx, err := model.NewIndex("logistic_regression", bundles)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Save(filepath.Join(dir, model.IndexFile)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestImputeOverHTTP serves a model set trained with data.missing: impute
// on 127.0.0.1 and sends null features to every prediction endpoint: each
// is filled with the feature's impute value and counted per model and
// feature. An absent feature is still an error, as in the original API.
func TestImputeOverHTTP(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s, reg := newTestServer(t, testOptions(imputeDir(t)))
	r := start(ctx, t, s)
	tests := []struct {
		name, path, body string
		status           int
		want             string // a substring of the response
	}{
		{name: "predict, default model", path: "/predict",
			body:   `{"features":{"sepal_length":5.1,"sepal_width":null,"petal_length":1.4,"petal_width":null}}`,
			status: http.StatusOK, want: `"species":"Iris-setosa"`},
		{name: "batch", path: "/predict/batch",
			body:   `{"model_name":"logistic_regression","features_list":[{"sepal_length":6.7,"sepal_width":3.0,"petal_length":null,"petal_width":2.2},{"sepal_length":5.1,"sepal_width":3.5,"petal_length":null,"petal_width":0.2}]}`,
			status: http.StatusOK, want: `"total_predictions":2`},
		{name: "all models", path: "/predict/all-models",
			body:   `{"sepal_length":null,"sepal_width":3.0,"petal_length":5.8,"petal_width":2.2}`,
			status: http.StatusOK, want: `"decision_tree":{"species":"Iris-virginica"`},
		{name: "open inference protocol", path: "/v2/models/decision_tree/infer",
			body:   `{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","data":[[null,3.5,1.4,0.2]]}]}`,
			status: http.StatusOK, want: `"name":"label","shape":[1],"datatype":"INT64","data":[0]`},
		{name: "an absent feature is still required", path: "/predict",
			body:   `{"features":{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4}}`,
			status: http.StatusUnprocessableEntity, want: `{"loc":["body","features","petal_width"],"msg":"field required","type":"value_error.missing"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := postJSON(http.DefaultClient, r.url+tt.path, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("status %d body %s, want %d and %s", status, body, tt.status, tt.want)
			}
		})
	}
	// The OpenAPI document lets such features be null and says with what
	// they are filled.
	resp, err := http.Get(r.url + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"number",`, `"null"`, "null (a missing value) is filled with 5.8, the training median."} {
		if !strings.Contains(string(doc), w) {
			t.Errorf("/openapi.json lacks %q", w)
		}
	}
	// Every feature with an impute value has a series from the start.
	const want = `
# HELP model_api_input_imputed_total Missing input values (null) filled with the feature's impute value (its training median), by model and feature.
# TYPE model_api_input_imputed_total counter
model_api_input_imputed_total{feature="petal_length",model="decision_tree"} 0
model_api_input_imputed_total{feature="petal_length",model="logistic_regression"} 2
model_api_input_imputed_total{feature="petal_length",model="random_forest"} 0
model_api_input_imputed_total{feature="petal_width",model="decision_tree"} 0
model_api_input_imputed_total{feature="petal_width",model="logistic_regression"} 0
model_api_input_imputed_total{feature="petal_width",model="random_forest"} 1
model_api_input_imputed_total{feature="sepal_length",model="decision_tree"} 2
model_api_input_imputed_total{feature="sepal_length",model="logistic_regression"} 1
model_api_input_imputed_total{feature="sepal_length",model="random_forest"} 1
model_api_input_imputed_total{feature="sepal_width",model="decision_tree"} 0
model_api_input_imputed_total{feature="sepal_width",model="logistic_regression"} 0
model_api_input_imputed_total{feature="sepal_width",model="random_forest"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), telemetry.InputImputedTotal); err != nil {
		t.Error(err)
	}
	problems, err := testutil.GatherAndLint(reg, telemetry.InputImputedTotal)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

// TestNullWithoutImpute checks a model set trained with data.missing:
// error: a null feature is rejected (422 on the original API, 400 on the
// Open Inference Protocol, as their other validation errors) with a message
// that names it and says why, and no imputed series exists.
func TestNullWithoutImpute(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s, reg := newTestServer(t, testOptions(modeltest.Dir(t)))
	r := start(ctx, t, s)
	tests := []struct {
		name, path, body string
		status           int
		want             string
	}{
		{name: "predict", path: "/predict", status: http.StatusUnprocessableEntity, body: `{"features":{"sepal_length":5.1,"sepal_width":null,"petal_length":1.4,"petal_width":0.2}}`,
			want: `{"loc":["body","features","sepal_width"],"msg":"none is not an allowed value: the model was trained with data.missing: error, so it has no value to impute for a missing feature","type":"type_error.none.not_allowed"}`},
		{name: "open inference protocol", path: "/v2/models/decision_tree/infer", status: http.StatusBadRequest,
			body: `{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","data":[5.1,null,1.4,0.2]}]}`,
			want: `element 1 (row 0, feature sepal_width) is null: the model was trained with data.missing: error, so it has no value to impute`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := postJSON(http.DefaultClient, r.url+tt.path, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("status %d body %s, want %d and %s", status, body, tt.status, tt.want)
			}
		})
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(""), telemetry.InputImputedTotal); err != nil {
		t.Errorf("a model set without impute values exports imputed series: %v", err)
	}
}
