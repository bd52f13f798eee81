package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
)

var (
	setosa     = feats(modeltest.Setosa)
	versicolor = feats(modeltest.Versicolor)
	virginica  = feats(modeltest.Virginica)
)

// setosaByForest is /predict's answer for the setosa row by random_forest
// (the test set's forest is the petal tree of modeltest, whose leaves give
// these probabilities exactly).
const setosaByForest = `{"species":"Iris-setosa","species_code":0,"model_used":"random_forest","confidence":1,
	"probabilities":{"Iris-setosa":1,"Iris-versicolor":0,"Iris-virginica":0},"timestamp":"` + testTimestamp + `"}`

const allModels = `['logistic_regression', 'decision_tree', 'random_forest']`

// handlerCase is one request and what must come back. want is the whole
// JSON body; fields are values at dotted paths; contains are substrings.
type handlerCase struct {
	name     string
	req      call
	status   int
	want     string
	fields   map[string]any
	contains []string
	header   map[string]string
}

func runHandlerCases(t *testing.T, cases []handlerCase, opts Options) {
	t.Helper()
	s, _ := newTestServer(t, opts)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, s.App(), tc.req)
			if res.status != tc.status {
				t.Errorf("%s %s: status %d, want %d; body %s", tc.req.method, tc.req.path, res.status, tc.status, res.body)
			}
			if tc.want != "" && !jsonEqual(t, res.body, tc.want) {
				t.Errorf("%s %s: body\n%s\nwant\n%s", tc.req.method, tc.req.path, res.body, tc.want)
			}
			for path, want := range tc.fields {
				if got := field(t, res.body, path); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s %s: %s = %v, want %v; body %s", tc.req.method, tc.req.path, path, got, want, res.body)
				}
			}
			for _, sub := range tc.contains {
				if !strings.Contains(string(res.body), sub) {
					t.Errorf("%s %s: body lacks %q: %s", tc.req.method, tc.req.path, sub, res.body)
				}
			}
			for k, want := range tc.header {
				if got := res.header.Get(k); !strings.HasPrefix(got, want) {
					t.Errorf("%s %s: header %s = %q, want prefix %q", tc.req.method, tc.req.path, k, got, want)
				}
			}
		})
	}
}

func post(path, body string) call { return call{method: "POST", path: path, body: body} }

func get(path string) call { return call{method: "GET", path: path} }

func TestOriginalAPI(t *testing.T) {
	cases := []handlerCase{
		{name: "root", req: get("/"), status: 200, want: `{"message":"IRIS Classification API","version":"1.0.0",
			"available_models":["logistic_regression","decision_tree","random_forest"],
			"endpoints":{"predict":"/predict","batch_predict":"/predict/batch","predict_all_models":"/predict/all-models",
			"health":"/health","models":"/models","metrics":"/metrics"}}`},
		{name: "health", req: get("/health"), status: 200, want: `{"status":"healthy","timestamp":"` + testTimestamp + `","models_loaded":3,"uptime_seconds":0}`},
		{name: "models", req: get("/models"), status: 200, want: `{"available_models":["logistic_regression","decision_tree","random_forest"],
			"models_loaded":["logistic_regression","decision_tree","random_forest"],"default_model":"random_forest","champion":"logistic_regression",
			"species_mapping":{"0":"Iris-setosa","1":"Iris-versicolor","2":"Iris-virginica"},
			"models":[{"name":"logistic_regression","role":"champion","shadowed":false},{"name":"decision_tree","role":"challenger","shadowed":false},
			{"name":"random_forest","role":"challenger","shadowed":false}]}`},

		// /predict
		{name: "predict default model", req: post("/predict", `{"features":`+setosa+`}`), status: 200, want: setosaByForest,
			header: map[string]string{"Content-Type": "application/json"}},
		{name: "predict null model", req: post("/predict", `{"features":`+setosa+`,"model_name":null}`), status: 200, want: setosaByForest},
		{name: "predict named model", req: post("/predict", `{"features":`+virginica+`,"model_name":"logistic_regression"}`), status: 200,
			fields: map[string]any{"species": "Iris-virginica", "species_code": 2, "model_used": "logistic_regression"}},
		{name: "predict versicolor", req: post("/predict", `{"model_name":"decision_tree","features":`+versicolor+`}`), status: 200,
			fields: map[string]any{"species": "Iris-versicolor", "confidence": 0.9, "probabilities.Iris-virginica": 0.1}},
		{name: "predict json charset", req: call{method: "POST", path: "/predict", body: `{"features":` + setosa + `}`, header: map[string]string{"Content-Type": "application/json; charset=utf-8"}}, status: 200},
		{name: "predict no content type", req: call{method: "POST", path: "/predict", body: `{"features":` + setosa + `}`, header: map[string]string{"Content-Type": ""}}, status: 200},
		{name: "predict unknown model", req: post("/predict", `{"features":`+setosa+`,"model_name":"svm"}`), status: 400,
			want: `{"detail":"Model 'svm' not found. Available models: ` + allModels + `"}`},
		{name: "predict empty model name", req: post("/predict", `{"features":`+setosa+`,"model_name":""}`), status: 400,
			want: `{"detail":"Model '' not found. Available models: ` + allModels + `"}`},
		{name: "predict path trick model", req: post("/predict", `{"features":`+setosa+`,"model_name":"../../etc/passwd"}`), status: 400,
			want: `{"detail":"Model '../../etc/passwd' not found. Available models: ` + allModels + `"}`},
		{name: "predict missing feature", req: post("/predict", `{"features":{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4}}`), status: 422,
			want: `{"detail":[{"loc":["body","features","petal_width"],"msg":"field required","type":"value_error.missing"}]}`},
		{name: "predict unknown feature", req: post("/predict", `{"features":{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2,"color":1}}`), status: 422,
			want: `{"detail":[{"loc":["body","features","color"],"msg":"extra fields not permitted","type":"value_error.extra"}]}`},
		{name: "predict duplicate feature", req: post("/predict", `{"features":{"sepal_length":5.1,"sepal_length":5.2,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}}`), status: 422,
			fields: map[string]any{"detail.0.type": "value_error.duplicate", "detail.0.loc.2": "sepal_length"}},
		{name: "predict string value", req: post("/predict", `{"features":{"sepal_length":"5.1","sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}}`), status: 422,
			want: `{"detail":[{"loc":["body","features","sepal_length"],"msg":"value is not a valid float","type":"type_error.float"}]}`},
		{name: "predict null value", req: post("/predict", `{"features":{"sepal_length":null,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}}`), status: 422,
			want: `{"detail":[{"loc":["body","features","sepal_length"],"msg":"none is not an allowed value: the model was trained with data.missing: error, so it has no value to impute for a missing feature","type":"type_error.none.not_allowed"}]}`},
		{name: "predict bool and array values", req: post("/predict", `{"features":{"sepal_length":true,"sepal_width":[3.5],"petal_length":1.4,"petal_width":0.2}}`), status: 422,
			fields: map[string]any{"detail.0.type": "type_error.float", "detail.1.type": "type_error.float", "detail.1.loc.2": "sepal_width"}},
		{name: "predict infinite value", req: post("/predict", `{"features":{"sepal_length":1e999,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}}`), status: 422,
			want: `{"detail":[{"loc":["body","features","sepal_length"],"msg":"value is not a finite number","type":"value_error.number.not_finite"}]}`},
		{name: "predict NaN literal", req: post("/predict", `{"features":{"sepal_length":NaN,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}}`), status: 422,
			fields: map[string]any{"detail.0.type": "value_error.jsondecode", "detail.0.loc.1": 28}},
		{name: "predict out of range", req: post("/predict", `{"features":{"sepal_length":-1,"sepal_width":3.5,"petal_length":1.4,"petal_width":11}}`), status: 422,
			want: `{"detail":[
				{"loc":["body","features","sepal_length"],"msg":"ensure this value is greater than or equal to 0","type":"value_error.number.not_ge","ctx":{"limit_value":0}},
				{"loc":["body","features","petal_width"],"msg":"ensure this value is less than or equal to 10","type":"value_error.number.not_le","ctx":{"limit_value":10}}]}`},
		{name: "predict every problem at once", req: post("/predict", `{"features":{"sepal_length":"x","petal_length":-3,"extra":1}}`), status: 422,
			fields: map[string]any{"detail.0.loc.2": "sepal_length", "detail.1.loc.2": "petal_length", "detail.2.loc.2": "extra", "detail.3.loc.2": "sepal_width", "detail.4.loc.2": "petal_width"}},
		{name: "predict malformed JSON", req: post("/predict", `{"features": {`), status: 422,
			fields: map[string]any{"detail.0.type": "value_error.jsondecode", "detail.0.loc.0": "body"}},
		{name: "predict trailing garbage", req: post("/predict", `{"features":`+setosa+`} x`), status: 422,
			fields: map[string]any{"detail.0.type": "value_error.jsondecode"}},
		{name: "predict empty body", req: call{method: "POST", path: "/predict", header: map[string]string{"Content-Type": "application/json"}}, status: 422,
			fields: map[string]any{"detail.0.msg": "invalid JSON: empty body, expected a JSON value"}},
		{name: "predict body is an array", req: post("/predict", `[1,2]`), status: 422,
			want: `{"detail":[{"loc":["body"],"msg":"value is not a valid dict","type":"type_error.dict"}]}`},
		{name: "predict features not an object", req: post("/predict", `{"features":[5.1,3.5,1.4,0.2]}`), status: 422,
			want: `{"detail":[{"loc":["body","features"],"msg":"value is not a valid dict","type":"type_error.dict"}]}`},
		{name: "predict no features", req: post("/predict", `{"model_name":"svm"}`), status: 422,
			want: `{"detail":[{"loc":["body","features"],"msg":"field required","type":"value_error.missing"}]}`},
		{name: "predict model name not a string", req: post("/predict", `{"features":`+setosa+`,"model_name":3}`), status: 422,
			want: `{"detail":[{"loc":["body","model_name"],"msg":"str type expected","type":"type_error.str"}]}`},
		{name: "predict unknown top-level field", req: post("/predict", `{"features":`+setosa+`,"model":"svm"}`), status: 422,
			want: `{"detail":[{"loc":["body","model"],"msg":"extra fields not permitted","type":"value_error.extra"}]}`},
		{name: "predict nesting under the limit", req: post("/predict", strings.Repeat("[", 1000)), status: 422,
			fields: map[string]any{"detail.0.type": "value_error.jsondecode"}},
		{name: "predict wrong content type", req: call{method: "POST", path: "/predict", body: `{"features":` + setosa + `}`, header: map[string]string{"Content-Type": "text/plain"}}, status: 415,
			want: `{"detail":"Content-Type must be application/json"}`},
		{name: "predict form content type", req: call{method: "POST", path: "/predict", body: `features=1`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, status: 415},
		{name: "predict wrong method", req: get("/predict"), status: 405, want: `{"detail":"Method Not Allowed"}`},

		// /predict/batch
		{name: "batch", req: post("/predict/batch", `{"features_list":[`+setosa+`,`+virginica+`]}`), status: 200,
			want: `{"predictions":[` + setosaByForest + `,{"species":"Iris-virginica","species_code":2,"model_used":"random_forest","confidence":0.98,
				"probabilities":{"Iris-setosa":0,"Iris-versicolor":0.02,"Iris-virginica":0.98},"timestamp":"` + testTimestamp + `"}],
				"total_predictions":2,"model_used":"random_forest"}`},
		{name: "batch named model", req: post("/predict/batch", `{"features_list":[`+versicolor+`],"model_name":"decision_tree"}`), status: 200,
			fields: map[string]any{"model_used": "decision_tree", "total_predictions": 1, "predictions.0.species": "Iris-versicolor"}},
		{name: "batch at the limit", req: post("/predict/batch", `{"features_list":[`+strings.Repeat(setosa+",", 4)+setosa+`]}`), status: 200,
			fields: map[string]any{"total_predictions": 5}},
		{name: "batch over the limit", req: post("/predict/batch", `{"features_list":[`+strings.Repeat(setosa+",", 5)+setosa+`]}`), status: 413,
			want: `{"detail":"batch too large: 6 rows, the limit is 5"}`},
		{name: "batch empty", req: post("/predict/batch", `{"features_list":[]}`), status: 422,
			want: `{"detail":[{"loc":["body","features_list"],"msg":"ensure this value has at least 1 items","type":"value_error.list.min_items","ctx":{"limit_value":1}}]}`},
		{name: "batch not a list", req: post("/predict/batch", `{"features_list":`+setosa+`}`), status: 422,
			want: `{"detail":[{"loc":["body","features_list"],"msg":"value is not a valid list","type":"type_error.list"}]}`},
		{name: "batch bad row", req: post("/predict/batch", `{"features_list":[`+setosa+`,{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":10.5}]}`), status: 422,
			want: `{"detail":[{"loc":["body","features_list",1,"petal_width"],"msg":"ensure this value is less than or equal to 10","type":"value_error.number.not_le","ctx":{"limit_value":10}}]}`},
		{name: "batch row not an object", req: post("/predict/batch", `{"features_list":[`+setosa+`,7]}`), status: 422,
			want: `{"detail":[{"loc":["body","features_list",1],"msg":"value is not a valid dict","type":"type_error.dict"}]}`},
		{name: "batch unknown model", req: post("/predict/batch", `{"features_list":[`+setosa+`],"model_name":"xgboost"}`), status: 400,
			want: `{"detail":"Model 'xgboost' not found. Available models: ` + allModels + `"}`},
		{name: "batch uses predict's field name", req: post("/predict/batch", `{"features":`+setosa+`}`), status: 422,
			fields: map[string]any{"detail.0.loc.1": "features", "detail.0.type": "value_error.extra", "detail.1.loc.1": "features_list"}},

		// /predict/all-models
		{name: "all models", req: post("/predict/all-models", setosa), status: 200,
			fields: map[string]any{
				"predictions.random_forest.species": "Iris-setosa", "predictions.random_forest.confidence": 1,
				"predictions.decision_tree.species_code": 0, "predictions.logistic_regression.species": "Iris-setosa",
				"timestamp": testTimestamp,
			},
			contains: []string{`"processing_time_seconds":`}},
		{name: "all models wrapped body", req: post("/predict/all-models", `{"features":`+setosa+`}`), status: 422,
			fields: map[string]any{"detail.0.loc.1": "features", "detail.0.type": "value_error.extra", "detail.1.loc.1": "sepal_length"}},
		{name: "all models not an object", req: post("/predict/all-models", `"setosa"`), status: 422,
			want: `{"detail":[{"loc":["body"],"msg":"value is not a valid dict","type":"type_error.dict"}]}`},

		{name: "metrics summary", req: get("/metrics/summary"), status: 200,
			fields: map[string]any{"models_loaded": 3, "timestamp": testTimestamp, "uptime_seconds": 0}},
		{name: "metrics", req: get("/metrics"), status: 200, contains: []string{"iris_models_loaded 3", "model_api_models_loaded 3"}},
		{name: "unknown path", req: get("/predictions"), status: 404, want: `{"detail":"Not Found"}`},
		{name: "head root", req: call{method: "HEAD", path: "/"}, status: 200},
	}
	runHandlerCases(t, cases, testOptions(modeltest.Dir(t)))
}

func TestOpenInferenceProtocol(t *testing.T) {
	dir := t.TempDir()
	bundles := modeltest.WriteSet(t, dir, "random_forest", "random_forest", "decision_tree")
	version := bundles[0].SHA256
	nested := func(rows ...[]float64) string {
		var parts []string
		for _, r := range rows {
			parts = append(parts, fmt.Sprintf("[%v,%v,%v,%v]", r[0], r[1], r[2], r[3]))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	infer := func(extra string) string {
		return `{"id":"req-1","inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":` +
			nested(modeltest.Setosa, modeltest.Virginica) + `}]` + extra + `}`
	}
	const wantInfer = `{"model_name":"random_forest","model_version":"%s","id":"req-1","outputs":[
		{"name":"label","shape":[2],"datatype":"INT64","data":[0,2]},
		{"name":"probabilities","shape":[2,3],"datatype":"FP64","data":[1,0,0,0,0.02,0.98]}]}`
	tensor := func(shape, datatype, data string) string {
		return `{"inputs":[{"name":"x","shape":` + shape + `,"datatype":"` + datatype + `","data":` + data + `}]}`
	}
	cases := []handlerCase{
		{name: "server metadata", req: get("/v2"), status: 200, want: `{"name":"model-api","version":"dev","extensions":[]}`},
		{name: "live", req: get("/v2/health/live"), status: 200, want: `{"live":true}`},
		{name: "ready", req: get("/v2/health/ready"), status: 200, want: `{"ready":true}`},
		{name: "model metadata", req: get("/v2/models/random_forest"), status: 200, want: fmt.Sprintf(`{"name":"random_forest","versions":["%s"],"platform":"mlops_random_forest",
			"inputs":[{"name":"features","datatype":"FP64","shape":[-1,4]}],
			"outputs":[{"name":"label","datatype":"INT64","shape":[-1]},{"name":"probabilities","datatype":"FP64","shape":[-1,3]}]}`, version)},
		{name: "model metadata by version", req: get("/v2/models/random_forest/versions/" + version), status: 200, fields: map[string]any{"name": "random_forest"}},
		{name: "model metadata wrong version", req: get("/v2/models/random_forest/versions/abc"), status: 404,
			want: fmt.Sprintf(`{"error":"model \"random_forest\" has no version \"abc\"; it serves version \"%s\""}`, version)},
		{name: "model metadata unknown model", req: get("/v2/models/svm"), status: 404,
			want: `{"error":"model \"svm\" not found; available models: random_forest, decision_tree"}`},
		{name: "model ready", req: get("/v2/models/decision_tree/ready"), status: 200, want: `{"name":"decision_tree","ready":true}`},
		{name: "model ready by version", req: get("/v2/models/random_forest/versions/" + version + "/ready"), status: 200},
		{name: "model ready unknown", req: get("/v2/models/svm/ready"), status: 404},
		{name: "path trick encoded", req: get("/v2/models/..%2F..%2Fetc%2Fpasswd"), status: 404, contains: []string{`"error":"model \"..%2F..%2Fetc%2Fpasswd\" not found`}},
		{name: "path trick dots", req: get("/v2/models/../../etc/passwd"), status: 404, want: `{"error":"Not Found"}`},
		{name: "path trick infer", req: post("/v2/models/..%2Fmodels%2Frandom_forest/infer", infer("")), status: 404},

		{name: "infer nested FP32", req: post("/v2/models/random_forest/infer", infer("")), status: 200, want: fmt.Sprintf(wantInfer, version)},
		{name: "infer by version", req: post("/v2/models/random_forest/versions/"+version+"/infer", infer("")), status: 200, want: fmt.Sprintf(wantInfer, version)},
		{name: "infer wrong version", req: post("/v2/models/random_forest/versions/0000/infer", infer("")), status: 404},
		{name: "infer flat FP64", req: post("/v2/models/decision_tree/infer", tensor("[2,4]", "FP64", `[5.1,3.5,1.4,0.2,6.0,2.8,4.5,1.3]`)), status: 200,
			fields: map[string]any{"outputs.0.data.0": 0, "outputs.0.data.1": 1, "outputs.1.shape.1": 3}},
		{name: "infer one tensor per feature", req: post("/v2/models/random_forest/infer", `{"inputs":[
			{"name":"petal_width","shape":[1],"datatype":"FP64","data":[2.2]},
			{"name":"sepal_length","shape":[1,1],"datatype":"FP64","data":[[6.7]]},
			{"name":"petal_length","shape":[1],"datatype":"FP64","data":[5.8]},
			{"name":"sepal_width","shape":[1],"datatype":"FP32","data":[3.0]}]}`), status: 200,
			fields: map[string]any{"outputs.0.data.0": 2}},
		{name: "infer without id echoes the request id", req: call{method: "POST", path: "/v2/models/random_forest/infer", body: tensor("[1,4]", "FP64", nested(modeltest.Setosa)), header: map[string]string{"X-Request-ID": "trace-42"}}, status: 200,
			fields: map[string]any{"id": "trace-42"}, header: map[string]string{"X-Request-ID": "trace-42"}},
		{name: "infer only label", req: post("/v2/models/random_forest/infer", infer(`,"outputs":[{"name":"label"}]`)), status: 200,
			fields: map[string]any{"outputs.0.name": "label", "outputs.1": nil}},
		{name: "infer with parameters", req: post("/v2/models/random_forest/infer", `{"parameters":{"a":1},"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","parameters":{"b":"c"},"data":[5.1,3.5,1.4,0.2]}]}`), status: 200},
		{name: "infer unknown output", req: post("/v2/models/random_forest/infer", infer(`,"outputs":[{"name":"logits"}]`)), status: 400,
			want: `{"error":"body.outputs[0].name: unknown output \"logits\"; this model has \"label\" and \"probabilities\""}`},
		{name: "infer unknown model", req: post("/v2/models/svm/infer", infer("")), status: 404},
		{name: "infer bad datatype", req: post("/v2/models/random_forest/infer", tensor("[1,4]", "INT64", "[1,2,3,4]")), status: 400,
			want: `{"error":"body.inputs[0].datatype: datatype \"INT64\" is not supported; use FP32 or FP64"}`},
		{name: "infer wrong width", req: post("/v2/models/random_forest/infer", tensor("[1,3]", "FP64", "[1,2,3]")), status: 400,
			want: `{"error":"body.inputs[0].shape: shape [1 3] does not fit this model: want [N, 4] (N rows of 4 features)"}`},
		{name: "infer rank 3", req: post("/v2/models/random_forest/infer", tensor("[1,4,1]", "FP64", "[1,2,3,4]")), status: 400},
		{name: "infer negative shape", req: post("/v2/models/random_forest/infer", tensor("[-1,4]", "FP64", "[1,2,3,4]")), status: 400,
			contains: []string{"shape must be an array of 1 to 8 non-negative integers"}},
		{name: "infer fractional shape", req: post("/v2/models/random_forest/infer", tensor("[1.5,4]", "FP64", "[1,2,3,4]")), status: 400},
		{name: "infer absurd shape", req: post("/v2/models/random_forest/infer", tensor("[1e300,4]", "FP64", "[1,2,3,4]")), status: 400},
		{name: "infer batch over the limit", req: post("/v2/models/random_forest/infer", tensor("[100000,4]", "FP64", "[1,2,3,4]")), status: 413,
			want: `{"error":"batch too large: 100000 rows, the limit is 5"}`},
		{name: "infer empty batch", req: post("/v2/models/random_forest/infer", tensor("[0,4]", "FP64", "[]")), status: 400,
			contains: []string{"the batch is empty"}},
		{name: "infer too few values", req: post("/v2/models/random_forest/infer", tensor("[2,4]", "FP64", "[1,2,3,4]")), status: 400,
			want: `{"error":"body.inputs[0].data: data holds 4 numbers, the shape [2 4] needs 8"}`},
		{name: "infer too many values", req: post("/v2/models/random_forest/infer", tensor("[1,4]", "FP64", "[1,2,3,4,5]")), status: 400},
		{name: "infer ragged nesting", req: post("/v2/models/random_forest/infer", tensor("[2,4]", "FP64", "[[1,2,3,4],[1,2,3]]")), status: 400},
		{name: "infer string value", req: post("/v2/models/random_forest/infer", tensor("[1,4]", "FP64", `[1,"2",3,4]`)), status: 400,
			want: `{"error":"body.inputs[0].data: element 1 is a string, want a number"}`},
		{name: "infer out of range", req: post("/v2/models/random_forest/infer", tensor("[1,4]", "FP64", "[1,2,3,40]")), status: 400,
			contains: []string{"row 0, feature petal_width: 40 is outside the valid range [0, 10]"}},
		{name: "infer FP32 overflow", req: post("/v2/models/random_forest/infer", tensor("[1,4]", "FP32", "[1e300,2,3,4]")), status: 400,
			contains: []string{"not a finite FP32 number"}},
		{name: "infer no inputs", req: post("/v2/models/random_forest/infer", `{"id":"a"}`), status: 400,
			want: `{"error":"body.inputs: field required"}`},
		{name: "infer empty inputs", req: post("/v2/models/random_forest/infer", `{"inputs":[]}`), status: 400},
		{name: "infer tensor missing fields", req: post("/v2/models/random_forest/infer", `{"inputs":[{"name":"x"}]}`), status: 400,
			want: `{"error":"body.inputs[0].shape: field required; body.inputs[0].datatype: field required; body.inputs[0].data: field required"}`},
		{name: "infer unknown field", req: post("/v2/models/random_forest/infer", `{"inputs":[],"model":"x"}`), status: 400},
		{name: "infer id not a string", req: post("/v2/models/random_forest/infer", `{"id":7,"inputs":[]}`), status: 400},
		{name: "infer per-feature tensors misnamed", req: post("/v2/models/random_forest/infer", `{"inputs":[
			{"name":"a","shape":[1],"datatype":"FP64","data":[1]},{"name":"b","shape":[1],"datatype":"FP64","data":[1]},
			{"name":"c","shape":[1],"datatype":"FP64","data":[1]},{"name":"d","shape":[1],"datatype":"FP64","data":[1]}]}`), status: 400},
		{name: "infer two tensors", req: post("/v2/models/random_forest/infer", `{"inputs":[
			{"name":"a","shape":[1,4],"datatype":"FP64","data":[1,2,3,4]},{"name":"b","shape":[1,4],"datatype":"FP64","data":[1,2,3,4]}]}`), status: 400},
		{name: "infer malformed JSON", req: post("/v2/models/random_forest/infer", `{"inputs": [`), status: 400,
			contains: []string{`"error":"body[12]: invalid JSON`}},
		{name: "infer not an object", req: post("/v2/models/random_forest/infer", `[]`), status: 400},
		{name: "infer wrong content type", req: call{method: "POST", path: "/v2/models/random_forest/infer", body: infer(""), header: map[string]string{"Content-Type": "text/csv"}}, status: 415,
			want: `{"error":"Content-Type must be application/json"}`},
		{name: "infer wrong method", req: get("/v2/models/random_forest/infer"), status: 405, want: `{"error":"Method Not Allowed"}`},
		{name: "unknown v2 path", req: get("/v2/repository/index"), status: 404, want: `{"error":"Not Found"}`},
	}
	runHandlerCases(t, cases, testOptions(dir))
}

func TestOperations(t *testing.T) {
	cases := []handlerCase{
		{name: "healthz", req: get("/healthz"), status: 200, want: `{"status":"ok"}`},
		{name: "readyz", req: get("/readyz"), status: 200, want: `{"status":"ready","default_model":"random_forest","champion":"logistic_regression"}`},
		{name: "openapi", req: get("/openapi.json"), status: 200, fields: map[string]any{"openapi": "3.1.0", "info.title": "IRIS Classification API"},
			header: map[string]string{"Content-Type": "application/json"}},
		{name: "docs", req: get("/docs"), status: 200, contains: []string{"<title>IRIS Classification API 1.0.0</title>", `data-path="/predict"`},
			header: map[string]string{"Content-Type": "text/html", "Content-Security-Policy": "default-src 'none'; script-src 'sha256-"}},
		{name: "reload without token", req: call{method: "POST", path: "/admin/reload"}, status: 401,
			want: `{"detail":"a valid bearer token is required"}`, header: map[string]string{"WWW-Authenticate": "Bearer"}},
		{name: "reload with wrong token", req: call{method: "POST", path: "/admin/reload", header: map[string]string{"Authorization": "Bearer guess"}}, status: 401},
		{name: "reload with basic auth", req: call{method: "POST", path: "/admin/reload", header: map[string]string{"Authorization": "Basic czNjcmV0"}}, status: 401},
		{name: "reload", req: call{method: "POST", path: "/admin/reload", header: map[string]string{"Authorization": "Bearer s3cret"}}, status: 200,
			want: `{"status":"reloaded","models":["logistic_regression","decision_tree","random_forest"],"champion":"logistic_regression","default_model":"random_forest"}`},
		{name: "reload wrong method", req: get("/admin/reload"), status: 405},
		{name: "request id kept", req: call{method: "GET", path: "/healthz", header: map[string]string{"X-Request-ID": "abc-123"}}, status: 200,
			header: map[string]string{"X-Request-ID": "abc-123"}},
	}
	runHandlerCases(t, cases, testOptions(modeltest.Dir(t)))

	t.Run("request id replaced when unsafe", func(t *testing.T) {
		s, _ := newTestServer(t, testOptions(modeltest.Dir(t)))
		res := do(t, s.App(), call{method: "GET", path: "/healthz", header: map[string]string{"X-Request-ID": "<script>"}})
		if got := res.header.Get("X-Request-ID"); got == "" || got == "<script>" {
			t.Errorf("X-Request-ID = %q, want a generated id", got)
		}
	})
	t.Run("admin disabled without a token", func(t *testing.T) {
		opts := testOptions(modeltest.Dir(t))
		opts.AdminToken = ""
		s, _ := newTestServer(t, opts)
		res := do(t, s.App(), call{method: "POST", path: "/admin/reload", header: map[string]string{"Authorization": "Bearer "}})
		if res.status != 403 || !jsonEqual(t, res.body, `{"detail":"the admin endpoint is disabled: set ADMIN_TOKEN to enable it"}`) {
			t.Errorf("status %d body %s, want 403 and the disabled message", res.status, res.body)
		}
	})
}

// TestNotReady covers a server whose model directory failed to load: it
// stays up, says why, and serves its description.
func TestNotReady(t *testing.T) {
	const notReady = `{"detail":"not ready: no model set is loaded or the server is shutting down"}`
	cases := []handlerCase{
		{name: "healthz", req: get("/healthz"), status: 200},
		{name: "readyz", req: get("/readyz"), status: 503, want: notReady},
		{name: "v2 ready", req: get("/v2/health/ready"), status: 503, want: `{"error":"not ready: no model set is loaded or the server is shutting down"}`},
		{name: "v2 live", req: get("/v2/health/live"), status: 200},
		{name: "predict", req: post("/predict", `{"features":`+setosa+`}`), status: 503, want: notReady},
		{name: "batch", req: post("/predict/batch", `{"features_list":[`+setosa+`]}`), status: 503},
		{name: "all models", req: post("/predict/all-models", setosa), status: 503},
		{name: "infer", req: post("/v2/models/random_forest/infer", `{}`), status: 503},
		{name: "models", req: get("/models"), status: 503},
		{name: "root", req: get("/"), status: 200, fields: map[string]any{"message": "Model Classification API"}},
		{name: "health", req: get("/health"), status: 200, fields: map[string]any{"models_loaded": 0}},
		{name: "openapi", req: get("/openapi.json"), status: 200},
		{name: "docs", req: get("/docs"), status: 200},
		{name: "metrics", req: get("/metrics"), status: 200, contains: []string{`model_api_reloads_total{result="failure"} 1`, "model_api_ready 0"}},
	}
	runHandlerCases(t, cases, testOptions(t.TempDir()))
}

func TestPanicBecomes500(t *testing.T) {
	s, reg := newTestServer(t, testOptions(modeltest.Dir(t)))
	s.App().Get("/test/panic", func(*fiberCtx) error { panic("boom") })
	res := do(t, s.App(), get("/test/panic"))
	if res.status != 500 || !jsonEqual(t, res.body, `{"detail":"Internal Server Error"}`) {
		t.Fatalf("status %d body %s, want 500 Internal Server Error", res.status, res.body)
	}
	res = do(t, s.App(), get("/healthz"))
	if res.status != 200 {
		t.Fatalf("after a panic /healthz is %d, want 200", res.status)
	}
	compareMetrics(t, reg, `
# HELP model_api_panics_total Handler panics recovered and answered with a 500.
# TYPE model_api_panics_total counter
model_api_panics_total 1
`, "model_api_panics_total")
}

func TestCORS(t *testing.T) {
	opts := testOptions(modeltest.Dir(t))
	opts.CORSOrigins = []string{"https://app.example"}
	s, _ := newTestServer(t, opts)
	res := do(t, s.App(), call{method: "OPTIONS", path: "/predict", header: map[string]string{
		"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
	}})
	if res.status != 204 || res.header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("preflight: status %d, allow-origin %q; want 204 and the origin", res.status, res.header.Get("Access-Control-Allow-Origin"))
	}
	if got := res.header.Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("Access-Control-Allow-Credentials = %q, want unset", got)
	}
	res = do(t, s.App(), call{method: "GET", path: "/healthz", header: map[string]string{"Origin": "https://evil.example"}})
	if got := res.header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("other origin got Access-Control-Allow-Origin %q, want none", got)
	}
}
