// Package openapi builds model-api's OpenAPI document. Paths come from the
// server's route table; feature and class names, valid ranges and examples
// come from the serving model set, so the document describes exactly what
// the server accepts. [apidoc] holds the document's types and renders the
// docs page.
package openapi

import (
	"fmt"
	"math"
	"strings"

	"github.com/mlopsgo/mlops/app/internal/apidoc"
	"github.com/mlopsgo/mlops/app/internal/registry"
	"github.com/mlopsgo/mlops/app/internal/request"
	"github.com/mlopsgo/mlops/training/model"
)

const (
	tagOriginal   = "original"
	tagInference  = "inference"
	tagOperations = "operations"
	bearerScheme  = "bearerAuth"
	jsonType      = "application/json"
)

// Inputs is what the operations' descriptions need from the model set and
// the server's limits.
type Inputs struct {
	models       []string
	defaultModel string
	champion     string
	features     []model.Feature
	classes      []string
	example      map[string]float64 // a row of training means
	exampleRow   []float64
	maxBatch     int
	bodyLimit    int
}

func newInputs(snap *registry.Snapshot, maxBatch, bodyLimit int) *Inputs {
	in := &Inputs{maxBatch: maxBatch, bodyLimit: bodyLimit, example: map[string]float64{}}
	if snap == nil {
		// No set loaded yet: describe the shapes generically.
		in.defaultModel, in.champion = registry.PreferredDefault, registry.PreferredDefault
		in.models = []string{registry.PreferredDefault}
		return in
	}
	in.models, in.defaultModel, in.champion = snap.Names(), snap.Default.Name, snap.Champion.Name
	in.features, in.classes = snap.Default.Features, snap.Default.Classes
	for _, f := range in.features {
		v := math.Round(f.Stats.Mean*10) / 10
		in.example[f.Name] = v
		in.exampleRow = append(in.exampleRow, v)
	}
	return in
}

// Document builds the document of routes for the given snapshot (nil before
// the first load) and the server's limits.
func Document(snap *registry.Snapshot, maxBatch, bodyLimit int, routes []Route) *apidoc.Document {
	in := newInputs(snap, maxBatch, bodyLimit)
	dataset := ""
	if snap != nil {
		dataset = snap.Dataset
	}
	doc := &apidoc.Document{
		OpenAPI: "3.1.0",
		Info: apidoc.Info{
			Title:   Title(dataset),
			Version: APIVersion,
			Description: "Serves the classifiers trained by `mlops train`. The original service's endpoints keep its paths and shapes; " +
				"the Open Inference Protocol v2 endpoints serve KServe, Triton and MLServer clients. Models: " + strings.Join(in.models, ", ") +
				"; default for the original endpoints: " + in.defaultModel + "; champion (default of /v2): " + in.champion + ".",
			License: &apidoc.License{Name: "Apache-2.0", Identifier: "Apache-2.0"},
		},
		Servers:  []apidoc.Server{{URL: "/", Description: "this server"}},
		Security: []apidoc.SecurityRequirement{{}},
		Tags: []apidoc.Tag{
			{Name: tagOriginal, Description: "The original FastAPI service's endpoints, unchanged for its clients."},
			{Name: tagInference, Description: "Open Inference Protocol (KServe V2) REST endpoints."},
			{Name: tagOperations, Description: "Probes, metrics, reload and this description."},
		},
		Paths: map[string]*apidoc.PathItem{},
		Components: apidoc.Components{
			Schemas: schemas(in),
			SecuritySchemes: map[string]*apidoc.SecurityScheme{
				bearerScheme: {Type: "http", Scheme: "bearer", Description: "The ADMIN_TOKEN the server was started with."},
			},
		},
	}
	for _, r := range routes {
		p := Path(r.Path)
		item, ok := doc.Paths[p]
		if !ok {
			item = &apidoc.PathItem{}
			doc.Paths[p] = item
		}
		op := r.Op(in)
		switch r.Method {
		case "GET":
			item.Get = op
		case "POST":
			item.Post = op
		default:
			panic("openapi: route method " + r.Method + " is not documented")
		}
	}
	return doc
}

// Route is one served endpoint and the function describing it.
type Route struct {
	Method string // GET or POST
	Path   string // Fiber syntax: /v2/models/:name
	Op     func(*Inputs) *apidoc.Operation
}

// Path turns a Fiber route path into an OpenAPI path template:
// "/v2/models/:name" becomes "/v2/models/{name}".
func Path(p string) string {
	if !strings.Contains(p, ":") {
		return p
	}
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if name, ok := strings.CutPrefix(part, ":"); ok {
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

// InputTensorName is the name the Open Inference Protocol model metadata
// gives a model's one [N, F] input, as the examples here use it.
const InputTensorName = "features"

// APIVersion is the version the original service's root endpoint reported.
const APIVersion = "1.0.0"

// Title is the API's title, derived from the data set's name: "iris" gives
// the original service's "IRIS Classification API".
func Title(dataset string) string {
	if dataset == "" {
		return "Model Classification API"
	}
	return strings.ToUpper(dataset) + " Classification API"
}

// Schema helpers.

func ptr[T any](v T) *T { return &v }

func object(props map[string]*apidoc.Schema, required ...string) *apidoc.Schema {
	return &apidoc.Schema{Type: "object", Properties: props, Required: required, AdditionalProperties: false}
}

func str(desc string) *apidoc.Schema { return &apidoc.Schema{Type: "string", Description: desc} }

func number(desc string) *apidoc.Schema { return &apidoc.Schema{Type: "number", Description: desc} }

func integer(desc string) *apidoc.Schema { return &apidoc.Schema{Type: "integer", Description: desc} }

func boolean(desc string) *apidoc.Schema { return &apidoc.Schema{Type: "boolean", Description: desc} }

func array(items *apidoc.Schema, desc string) *apidoc.Schema {
	return &apidoc.Schema{Type: "array", Items: items, Description: desc}
}

func mapOf(values *apidoc.Schema, desc string) *apidoc.Schema {
	return &apidoc.Schema{Type: "object", AdditionalProperties: values, Description: desc}
}

func schemas(in *Inputs) map[string]*apidoc.Schema {
	// Features: one property per feature, with its declared valid range.
	feats := &apidoc.Schema{Type: "object", Description: "One observation: every feature of the model, by name.", AdditionalProperties: false}
	if len(in.features) == 0 {
		feats.AdditionalProperties = number("")
	} else {
		feats.Properties = map[string]*apidoc.Schema{}
		for _, f := range in.features {
			p := &apidoc.Schema{
				Type:        "number",
				Description: fmt.Sprintf("Valid range [%s, %s]; the training data spanned [%s, %s].", fnum(f.Valid.Min), fnum(f.Valid.Max), fnum(f.Stats.Min), fnum(f.Stats.Max)),
				Minimum:     ptr(f.Valid.Min), Maximum: ptr(f.Valid.Max),
			}
			if f.Impute != nil {
				// Trained with data.missing: impute: null is a missing
				// value, filled with the training median.
				p.Type = []string{"number", "null"}
				p.Description += fmt.Sprintf(" null (a missing value) is filled with %s, the training median.", fnum(*f.Impute))
			}
			feats.Properties[f.Name] = p
			feats.Required = append(feats.Required, f.Name)
		}
		feats.Examples = []any{in.example}
	}
	probs := &apidoc.Schema{Type: "object", Description: "The probability of each class.", AdditionalProperties: number("")}
	species := str("The predicted class's name.")
	if len(in.classes) > 0 {
		probs = &apidoc.Schema{Type: "object", Description: "The probability of each class.", Properties: map[string]*apidoc.Schema{}, AdditionalProperties: false}
		for _, c := range in.classes {
			probs.Properties[c] = &apidoc.Schema{Type: "number", Minimum: ptr(0.0), Maximum: ptr(1.0)}
			probs.Required = append(probs.Required, c)
			species.Enum = append(species.Enum, c)
		}
	}
	modelName := &apidoc.Schema{Type: []string{"string", "null"}, Description: "A model name (" + strings.Join(in.models, ", ") + "). Default: " + in.defaultModel + ".", Default: in.defaultModel}
	prediction := object(map[string]*apidoc.Schema{
		"species":       species,
		"species_code":  integer("The predicted class's index."),
		"model_used":    str("The model that predicted."),
		"confidence":    {Type: "number", Description: "The predicted class's probability.", Minimum: ptr(0.0), Maximum: ptr(1.0)},
		"probabilities": apidoc.Ref("Probabilities"),
		"timestamp":     {Type: "string", Format: "date-time", Description: "When the prediction was made (UTC)."},
	}, "species", "species_code", "model_used", "confidence", "probabilities", "timestamp")
	shortPrediction := object(map[string]*apidoc.Schema{
		"species":       species,
		"species_code":  integer("The predicted class's index."),
		"confidence":    {Type: "number", Minimum: ptr(0.0), Maximum: ptr(1.0)},
		"probabilities": apidoc.Ref("Probabilities"),
	}, "species", "species_code", "confidence", "probabilities")
	tensorData := &apidoc.Schema{Type: "array", Description: "Row-major values: flat, or nested as the shape says.", Items: &apidoc.Schema{OneOf: []*apidoc.Schema{{Type: "number"}, {Type: "array", Items: &apidoc.Schema{Type: "number"}}}}}
	tensorMetaSchema := object(map[string]*apidoc.Schema{
		"name":     str(""),
		"datatype": str(""),
		"shape":    array(integer(""), "-1 marks a variable dimension."),
	}, "name", "datatype", "shape")
	params := &apidoc.Schema{Type: "object", Description: "Free-form parameters (ignored).", AdditionalProperties: &apidoc.Schema{Type: []string{"string", "number", "boolean"}}}

	return map[string]*apidoc.Schema{
		"Features":      feats,
		"Probabilities": probs,
		"PredictRequest": object(map[string]*apidoc.Schema{
			"features":   apidoc.Ref("Features"),
			"model_name": modelName,
		}, "features"),
		"PredictResponse": prediction,
		"BatchRequest": object(map[string]*apidoc.Schema{
			"features_list": {Type: "array", Items: apidoc.Ref("Features"), MinItems: ptr(1), MaxItems: ptr(in.maxBatch)},
			"model_name":    modelName,
		}, "features_list"),
		"BatchResponse": object(map[string]*apidoc.Schema{
			"predictions":       array(apidoc.Ref("PredictResponse"), ""),
			"total_predictions": integer(""),
			"model_used":        str(""),
		}, "predictions", "total_predictions", "model_used"),
		"ModelPrediction": shortPrediction,
		"AllModelsResponse": object(map[string]*apidoc.Schema{
			"predictions":             mapOf(apidoc.Ref("ModelPrediction"), "One prediction per model, by model name."),
			"timestamp":               {Type: "string", Format: "date-time"},
			"processing_time_seconds": number(""),
		}, "predictions", "timestamp", "processing_time_seconds"),
		"Root": object(map[string]*apidoc.Schema{
			"message":          str("The API's title."),
			"version":          str(""),
			"available_models": array(str(""), ""),
			"endpoints":        mapOf(str(""), "The original endpoints, by purpose."),
		}, "message", "version", "available_models", "endpoints"),
		"Health": object(map[string]*apidoc.Schema{
			"status":         {Type: "string", Enum: []any{"healthy"}},
			"timestamp":      {Type: "string", Format: "date-time"},
			"models_loaded":  integer(""),
			"uptime_seconds": number(""),
		}, "status", "timestamp", "models_loaded", "uptime_seconds"),
		"Models": object(map[string]*apidoc.Schema{
			"available_models": array(str(""), ""),
			"models_loaded":    array(str(""), ""),
			"default_model":    str("The default of the original endpoints."),
			"champion":         str("The best model by validation, the default of /v2."),
			"species_mapping":  mapOf(str(""), "Class name by class index."),
			"models":           array(apidoc.Ref("ModelRole"), "Each loaded model's role in index.json, in index order, and whether it is scored in shadow (SHADOW_MODELS)."),
		}, "available_models", "models_loaded", "default_model", "champion", "species_mapping", "models"),
		"ModelRole": object(map[string]*apidoc.Schema{
			"name":     str(""),
			"role":     {Type: "string", Enum: []any{"champion", "challenger"}, Description: "champion: served by default; challenger: served when named, and a candidate for shadow scoring."},
			"shadowed": boolean("Whether this challenger is scored in shadow against the models that serve requests."),
		}, "name", "role", "shadowed"),
		"MetricsSummary": object(map[string]*apidoc.Schema{
			"total_predictions":                   integer(""),
			"predictions_by_model":                mapOf(integer(""), ""),
			"predictions_by_species":              mapOf(integer(""), ""),
			"total_errors":                        integer(""),
			"average_prediction_duration_seconds": number(""),
			"uptime_seconds":                      number(""),
			"models_loaded":                       integer(""),
			"timestamp":                           {Type: "string", Format: "date-time"},
		}, "total_predictions", "predictions_by_model", "predictions_by_species", "total_errors", "average_prediction_duration_seconds", "uptime_seconds", "models_loaded", "timestamp"),
		"ErrorDetail": object(map[string]*apidoc.Schema{"detail": str("What was wrong.")}, "detail"),
		"HTTPValidationError": object(map[string]*apidoc.Schema{
			"detail": array(apidoc.Ref("ValidationItem"), "Every problem found."),
		}, "detail"),
		"ValidationItem": object(map[string]*apidoc.Schema{
			"loc":  array(&apidoc.Schema{Type: []string{"string", "integer"}}, "Path to the offending value."),
			"msg":  str(""),
			"type": str("pydantic's error type, e.g. value_error.missing."),
			"ctx":  {Type: "object", Description: "The limit a range error refers to."},
		}, "loc", "msg", "type"),
		"Status": object(map[string]*apidoc.Schema{"status": str("")}, "status"),
		"Ready": object(map[string]*apidoc.Schema{
			"status":        str(""),
			"default_model": str(""),
			"champion":      str(""),
		}, "status", "default_model", "champion"),
		"ReloadResponse": object(map[string]*apidoc.Schema{
			"status":        str(""),
			"models":        array(str(""), ""),
			"champion":      str(""),
			"default_model": str(""),
		}, "status", "models", "champion", "default_model"),
		"OIPError": object(map[string]*apidoc.Schema{"error": str("What was wrong.")}, "error"),
		"ServerMetadata": object(map[string]*apidoc.Schema{
			"name":       str(""),
			"version":    str(""),
			"extensions": array(str(""), ""),
		}, "name", "version", "extensions"),
		"ServerLive":     object(map[string]*apidoc.Schema{"live": boolean("")}, "live"),
		"ServerReady":    object(map[string]*apidoc.Schema{"ready": boolean("")}, "ready"),
		"ModelReady":     object(map[string]*apidoc.Schema{"name": str(""), "ready": boolean("")}, "name", "ready"),
		"TensorMetadata": tensorMetaSchema,
		"ModelMetadata": object(map[string]*apidoc.Schema{
			"name":     str(""),
			"versions": array(str(""), "The bundle's sha256."),
			"platform": str(""),
			"inputs":   array(apidoc.Ref("TensorMetadata"), ""),
			"outputs":  array(apidoc.Ref("TensorMetadata"), ""),
		}, "name", "versions", "platform", "inputs", "outputs"),
		"InferenceRequest": object(map[string]*apidoc.Schema{
			"id":         str("Echoed in the response."),
			"parameters": params,
			"inputs":     {Type: "array", Items: apidoc.Ref("RequestInput"), MinItems: ptr(1), Description: "One FP32/FP64 tensor of shape [N, features], or one [N] tensor per feature named after it."},
			"outputs":    array(apidoc.Ref("RequestOutput"), "Outputs to return: label, probabilities. Default: both."),
		}, "inputs"),
		"RequestInput": object(map[string]*apidoc.Schema{
			"name":       str(""),
			"shape":      array(&apidoc.Schema{Type: "integer", Minimum: ptr(0.0)}, ""),
			"datatype":   {Type: "string", Enum: []any{"FP32", "FP64"}},
			"parameters": params,
			"data":       tensorData,
		}, "name", "shape", "datatype", "data"),
		"RequestOutput": object(map[string]*apidoc.Schema{
			"name":       {Type: "string", Enum: []any{request.OutputLabel, request.OutputProbabilities}},
			"parameters": params,
		}, "name"),
		"InferenceResponse": object(map[string]*apidoc.Schema{
			"model_name":    str(""),
			"model_version": str(""),
			"id":            str("The request's id, or the X-Request-ID when it had none."),
			"outputs":       array(apidoc.Ref("ResponseOutput"), ""),
		}, "model_name", "model_version", "id", "outputs"),
		"ResponseOutput": object(map[string]*apidoc.Schema{
			"name":     str("label (INT64 class index, shape [N]) or probabilities (FP64, shape [N, classes])."),
			"shape":    array(integer(""), ""),
			"datatype": str(""),
			"data":     array(number(""), "Row-major, flat."),
		}, "name", "shape", "datatype", "data"),
	}
}

func fnum(v float64) string { return fmt.Sprintf("%g", v) }

// Operation helpers.

func jsonContent(schema string, example any) map[string]apidoc.MediaType {
	return map[string]apidoc.MediaType{jsonType: {Schema: apidoc.Ref(schema), Example: example}}
}

func resp(desc, schema string) *apidoc.Response {
	return &apidoc.Response{Description: desc, Content: jsonContent(schema, nil)}
}

func requestIDHeader() map[string]*apidoc.Header {
	return map[string]*apidoc.Header{"X-Request-ID": {Description: "The request's id (the client's, when it sent a plain one).", Schema: str("")}}
}

func ok(desc, schema string) *apidoc.Response {
	r := resp(desc, schema)
	r.Headers = requestIDHeader()
	return r
}

// Responses shared by the original prediction endpoints.
func predictErrors(r map[string]*apidoc.Response, in *Inputs) map[string]*apidoc.Response {
	r["400"] = resp("Unknown model: `Model 'x' not found. Available models: [...]`.", "ErrorDetail")
	r["413"] = resp(fmt.Sprintf("Body over %d bytes, or a batch over %d rows.", in.bodyLimit, in.maxBatch), "ErrorDetail")
	r["415"] = resp("Content-Type is not JSON.", "ErrorDetail")
	r["422"] = resp("Malformed JSON, wrong types, missing or unknown features, non-finite or out-of-range values.", "HTTPValidationError")
	r["503"] = resp("No model set is loaded, or the server is shutting down.", "ErrorDetail")
	return r
}

// Root describes GET /.
func Root(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "root", Summary: "API title, version, models and endpoints", Tags: []string{tagOriginal},
		Responses: map[string]*apidoc.Response{"200": ok("The API's description.", "Root"), "405": resp("Method not allowed.", "ErrorDetail")}}
}

// Health describes GET /health.
func Health(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "health", Summary: "Health, uptime and models loaded (always healthy while the process runs)", Tags: []string{tagOriginal},
		Responses: map[string]*apidoc.Response{"200": ok("Healthy.", "Health"), "405": resp("Method not allowed.", "ErrorDetail")}}
}

// Models describes GET /models.
func Models(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "listModels", Summary: "Models, their roles, default model, champion and class names", Tags: []string{tagOriginal},
		Responses: map[string]*apidoc.Response{"200": ok("The loaded models.", "Models"), "405": resp("Method not allowed.", "ErrorDetail"), "503": resp("No model set is loaded.", "ErrorDetail")}}
}

// Predict describes POST /predict.
func Predict(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "predict", Summary: "Predict one observation", Tags: []string{tagOriginal},
		Description: "Uses `model_name`, or " + in.defaultModel + " when it is omitted or null.",
		RequestBody: &apidoc.RequestBody{Required: true, Content: jsonContent("PredictRequest", map[string]any{"features": in.example, "model_name": in.defaultModel})},
		Responses:   predictErrors(map[string]*apidoc.Response{"200": ok("The prediction.", "PredictResponse")}, in)}
}

// PredictBatch describes POST /predict/batch.
func PredictBatch(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "predictBatch", Summary: "Predict a batch of observations with one model", Tags: []string{tagOriginal},
		Description: fmt.Sprintf("At most %d rows.", in.maxBatch),
		RequestBody: &apidoc.RequestBody{Required: true, Content: jsonContent("BatchRequest", map[string]any{"features_list": []any{in.example, in.example}, "model_name": in.defaultModel})},
		Responses:   predictErrors(map[string]*apidoc.Response{"200": ok("One prediction per row, in order.", "BatchResponse")}, in)}
}

// PredictAllModels describes POST /predict/all-models.
func PredictAllModels(in *Inputs) *apidoc.Operation {
	r := predictErrors(map[string]*apidoc.Response{"200": ok("One prediction per model.", "AllModelsResponse")}, in)
	delete(r, "400") // no model is named
	return &apidoc.Operation{OperationID: "predictAllModels", Summary: "Predict one observation with every model", Tags: []string{tagOriginal},
		Description: "The body is the bare features object, as in the original service.",
		RequestBody: &apidoc.RequestBody{Required: true, Content: jsonContent("Features", in.example)},
		Responses:   r}
}

// Metrics describes GET /metrics.
func Metrics(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "metrics", Summary: "Prometheus metrics", Tags: []string{tagOriginal, tagOperations},
		Description: "The current metric set (model_api_*), the original service's series (iris_* for Iris), and the Go runtime and process collectors.",
		Responses: map[string]*apidoc.Response{
			"200": {Description: "Prometheus text exposition format.", Content: map[string]apidoc.MediaType{"text/plain": {Schema: str("")}}},
			"405": resp("Method not allowed.", "ErrorDetail"),
		}}
}

// MetricsSummary describes GET /metrics/summary.
func MetricsSummary(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "metricsSummary", Summary: "Prediction counts and timings as JSON", Tags: []string{tagOriginal},
		Responses: map[string]*apidoc.Response{"200": ok("The summary.", "MetricsSummary"), "405": resp("Method not allowed.", "ErrorDetail")}}
}

func nameParam(in *Inputs) apidoc.Parameter {
	return apidoc.Parameter{Name: "name", In: "path", Required: true, Description: "The model's name: " + strings.Join(in.models, ", ") + ".", Schema: str(""), Example: in.champion}
}

func versionParam() apidoc.Parameter {
	return apidoc.Parameter{Name: "version", In: "path", Required: true, Description: "The model's version: its bundle's sha256 (see the model metadata).", Schema: str("")}
}

func modelParams(in *Inputs, versioned bool) []apidoc.Parameter {
	p := []apidoc.Parameter{nameParam(in)}
	if versioned {
		p = append(p, versionParam())
	}
	return p
}

func versionSuffix(versioned bool) (id, summary string) {
	if versioned {
		return "Version", " (a given version)"
	}
	return "", ""
}

// V2Server describes GET /v2.
func V2Server(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "v2ServerMetadata", Summary: "Server metadata", Tags: []string{tagInference},
		Responses: map[string]*apidoc.Response{"200": ok("Name, version, extensions.", "ServerMetadata"), "405": resp("Method not allowed.", "OIPError")}}
}

// V2Live describes GET /v2/health/live.
func V2Live(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "v2ServerLive", Summary: "Server liveness", Tags: []string{tagInference},
		Responses: map[string]*apidoc.Response{"200": ok("Live.", "ServerLive"), "405": resp("Method not allowed.", "OIPError")}}
}

// V2Ready describes GET /v2/health/ready.
func V2Ready(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "v2ServerReady", Summary: "Server readiness", Tags: []string{tagInference},
		Responses: map[string]*apidoc.Response{"200": ok("Ready.", "ServerReady"), "405": resp("Method not allowed.", "OIPError"), "503": resp("Not ready.", "OIPError")}}
}

func modelNotFound() *apidoc.Response {
	return resp("Unknown model or version.", "OIPError")
}

// V2Model describes GET /v2/models/{name}[/versions/{version}].
func V2Model(versioned bool) func(*Inputs) *apidoc.Operation {
	id, sum := versionSuffix(versioned)
	return func(in *Inputs) *apidoc.Operation {
		return &apidoc.Operation{OperationID: "v2ModelMetadata" + id, Summary: "Model metadata" + sum, Tags: []string{tagInference},
			Parameters: modelParams(in, versioned),
			Responses: map[string]*apidoc.Response{
				"200": ok("Inputs and outputs.", "ModelMetadata"), "404": modelNotFound(), "503": resp("Not ready.", "OIPError"),
			}}
	}
}

// V2ModelReady describes GET /v2/models/{name}[/versions/{version}]/ready.
func V2ModelReady(versioned bool) func(*Inputs) *apidoc.Operation {
	id, sum := versionSuffix(versioned)
	return func(in *Inputs) *apidoc.Operation {
		return &apidoc.Operation{OperationID: "v2ModelReady" + id, Summary: "Model readiness" + sum, Tags: []string{tagInference},
			Parameters: modelParams(in, versioned),
			Responses: map[string]*apidoc.Response{
				"200": ok("Ready.", "ModelReady"), "404": modelNotFound(), "503": resp("Not ready.", "OIPError"),
			}}
	}
}

// V2Infer describes POST /v2/models/{name}[/versions/{version}]/infer.
func V2Infer(versioned bool) func(*Inputs) *apidoc.Operation {
	id, sum := versionSuffix(versioned)
	return func(in *Inputs) *apidoc.Operation {
		shape := []int{1, len(in.exampleRow)}
		example := map[string]any{"id": "example-1", "inputs": []any{map[string]any{"name": InputTensorName, "shape": shape, "datatype": "FP64", "data": [][]float64{in.exampleRow}}}}
		return &apidoc.Operation{OperationID: "v2ModelInfer" + id, Summary: "Inference" + sum, Tags: []string{tagInference},
			Description: fmt.Sprintf("FP32 or FP64 input of shape [N, %d] (at most %d rows); outputs label (INT64 [N]) and probabilities (FP64 [N, %d]).", len(in.features), in.maxBatch, len(in.classes)),
			Parameters:  modelParams(in, versioned),
			RequestBody: &apidoc.RequestBody{Required: true, Content: jsonContent("InferenceRequest", example)},
			Responses: map[string]*apidoc.Response{
				"200": ok("The outputs.", "InferenceResponse"),
				"400": resp("Malformed request, wrong shape or datatype, non-finite or out-of-range values.", "OIPError"),
				"404": modelNotFound(),
				"413": resp("Body or batch over the limit.", "OIPError"),
				"415": resp("Content-Type is not JSON.", "OIPError"),
				"503": resp("Not ready.", "OIPError"),
			}}
	}
}

// Healthz describes GET /healthz.
func Healthz(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "healthz", Summary: "Liveness probe", Tags: []string{tagOperations},
		Responses: map[string]*apidoc.Response{"200": ok("The process serves requests.", "Status"), "405": resp("Method not allowed.", "ErrorDetail")}}
}

// Readyz describes GET /readyz.
func Readyz(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "readyz", Summary: "Readiness probe: 200 only when the default model is loaded", Tags: []string{tagOperations},
		Responses: map[string]*apidoc.Response{"200": ok("Ready.", "Ready"), "405": resp("Method not allowed.", "ErrorDetail"), "503": resp("No model set is loaded, or the server is shutting down.", "ErrorDetail")}}
}

// AdminReload describes POST /admin/reload.
func AdminReload(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "adminReload", Summary: "Reload the models from the model directory", Tags: []string{tagOperations},
		Description: "Loads index.json and every bundle again and swaps the new set in atomically. If anything fails to load, the current set keeps serving and the answer is 500 with the cause. Disabled (403) when the server has no ADMIN_TOKEN. SIGHUP does the same.",
		Security:    []apidoc.SecurityRequirement{{bearerScheme: {}}},
		Responses: map[string]*apidoc.Response{
			"200": ok("The new set serves.", "ReloadResponse"),
			"401": resp("Missing or wrong bearer token.", "ErrorDetail"),
			"403": resp("No ADMIN_TOKEN is configured.", "ErrorDetail"),
			"500": resp("The new set failed to load; the previous one keeps serving.", "ErrorDetail"),
		}}
}

// OpenAPI describes GET /openapi.json.
func OpenAPI(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "openapi", Summary: "This OpenAPI document", Tags: []string{tagOperations},
		Responses: map[string]*apidoc.Response{
			"200": {Description: "The document.", Content: map[string]apidoc.MediaType{jsonType: {Schema: &apidoc.Schema{Type: "object"}}}},
			"405": resp("Method not allowed.", "ErrorDetail"),
		}}
}

// Docs describes GET /docs.
func Docs(in *Inputs) *apidoc.Operation {
	return &apidoc.Operation{OperationID: "docs", Summary: "Browsable documentation with a try-it form (works offline)", Tags: []string{tagOperations},
		Responses: map[string]*apidoc.Response{
			"200": {Description: "An HTML page.", Content: map[string]apidoc.MediaType{"text/html": {Schema: str("")}}},
			"405": resp("Method not allowed.", "ErrorDetail"),
		}}
}
