// Package telemetry names every metric and label that model-api exports. The
// app registers its metrics with these constants, and the dashboards and the
// alert rules' tests import them, so renaming a metric breaks the build
// instead of silently emptying a dashboard.
//
// The package has no dependencies so importing it costs nothing.
package telemetry

// Namespace prefixes every metric of the current set.
const Namespace = "model_api"

// HTTP metrics (RED: rate, errors, duration), one series per route template,
// never per raw path, so cardinality stays bounded.
const (
	// HTTPRequestsTotal counts finished requests by route, method and code.
	HTTPRequestsTotal = Namespace + "_http_requests_total"
	// HTTPRequestDurationSeconds is a histogram of request latency by route,
	// method and code.
	HTTPRequestDurationSeconds = Namespace + "_http_request_duration_seconds"
	// HTTPRequestsInFlight is a gauge of requests being served.
	HTTPRequestsInFlight = Namespace + "_http_requests_in_flight"
	// HTTPRequestSizeBytes is a histogram of request body sizes by route.
	HTTPRequestSizeBytes = Namespace + "_http_request_size_bytes"
)

// Model metrics.
const (
	// PredictionsTotal counts predictions by model and predicted class.
	PredictionsTotal = Namespace + "_predictions_total"
	// PredictionErrorsTotal counts rejected prediction requests by model and reason.
	PredictionErrorsTotal = Namespace + "_prediction_errors_total"
	// PredictionConfidence is a histogram of the top class probability by model.
	PredictionConfidence = Namespace + "_prediction_confidence"
	// InferenceDurationSeconds is a histogram of model computation time per
	// request (excluding decoding and encoding) by model.
	InferenceDurationSeconds = Namespace + "_inference_duration_seconds"
	// InputOutOfRangeTotal counts input values outside a range, by model,
	// feature and LabelRange: RangeTraining for accepted values outside the
	// training minimum and maximum, RangeDeclared for values rejected
	// outside the declared valid range.
	InputOutOfRangeTotal = Namespace + "_input_out_of_range_total"
	// InputImputedTotal counts missing input values (a JSON null) filled
	// with the feature's impute value, the training median a model trained
	// with data.missing: impute records, by model and feature. Only such
	// models' features have series.
	InputImputedTotal = Namespace + "_input_imputed_total"
	// InputDriftScore is a gauge of the population stability index of recent
	// inputs against the training histogram, by model and feature.
	InputDriftScore = Namespace + "_input_drift_score"
	// InputDriftKSStatistic is a gauge of the Kolmogorov-Smirnov statistic
	// (the largest gap between the cumulative distributions, 0..1) of recent
	// inputs against the training histogram, by model and feature.
	InputDriftKSStatistic = Namespace + "_input_drift_ks_statistic"
	// InputDriftWindowObservations is a gauge of how many recent inputs the
	// drift score is computed over, by model.
	InputDriftWindowObservations = Namespace + "_input_drift_window_observations"
	// ModelInfo is 1 per loaded model with its version (the bundle
	// checksum), algorithm, data md5 and whether it is the champion as labels.
	ModelInfo = Namespace + "_model_info"
	// ModelsLoaded is a gauge of loaded models.
	ModelsLoaded = Namespace + "_models_loaded"
	// Ready is 1 when the default model is loaded and the server takes traffic.
	Ready = Namespace + "_ready"
	// ReloadsTotal counts model reloads by result.
	ReloadsTotal = Namespace + "_reloads_total"
	// LastReloadSuccessTimestampSeconds is the Unix time of the last
	// successful (re)load.
	LastReloadSuccessTimestampSeconds = Namespace + "_last_reload_success_timestamp_seconds"
	// BuildInfo is 1 with the version, revision and Go version as labels.
	BuildInfo = Namespace + "_build_info"
	// PanicsTotal counts handler panics that were recovered and answered
	// with a 500.
	PanicsTotal = Namespace + "_panics_total"
)

// Shadow scoring: model-api scores the challengers SHADOW_MODELS names on a
// sample of the rows it serves, after answering, and compares each with the
// model that served the row. Every series has LabelModel (the challenger)
// and LabelServedModel (the model that answered), so that agreement
// against the champion and against a model a request named stay apart.
const (
	// ShadowPredictionsTotal counts rows a challenger scored in shadow, by
	// challenger and served model.
	ShadowPredictionsTotal = Namespace + "_shadow_predictions_total"
	// ShadowAgreementsTotal counts the rows of ShadowPredictionsTotal for
	// which the challenger predicted the served model's class: divided by
	// it, the agreement ratio.
	ShadowAgreementsTotal = Namespace + "_shadow_agreements_total"
	// ShadowConfidenceTotal sums, over the rows of ShadowPredictionsTotal,
	// the top class probability of one side of the comparison, by
	// challenger, served model and LabelSide (SideChallenger, SideServed).
	// Divided by ShadowPredictionsTotal, each side's mean confidence; their
	// difference is the mean confidence difference. (A counter, unlike the
	// _sum of ShadowConfidenceDifference, which falls with every negative
	// difference, so rate() and increase() misread it.)
	ShadowConfidenceTotal = Namespace + "_shadow_confidence_total"
	// ShadowConfidenceDifference is a histogram, per row scored, of the
	// challenger's top class probability minus the served model's (-1..1):
	// above 0 the challenger is surer of its answer than the served model
	// of its own. Its buckets and count are counters; its _sum is not (see
	// ShadowConfidenceTotal for the mean).
	ShadowConfidenceDifference = Namespace + "_shadow_confidence_difference"
	// ShadowDroppedTotal counts rows a challenger did not score, by
	// challenger, served model and LabelReason: ReasonQueueFull when the
	// queue was full, ReasonShutdown when the server stopped first.
	ShadowDroppedTotal = Namespace + "_shadow_dropped_total"
	// ShadowDurationSeconds is a histogram of a challenger's computation
	// time per shadow job (one request's rows), by challenger.
	ShadowDurationSeconds = Namespace + "_shadow_duration_seconds"
	// ShadowQueueLength is a gauge of the shadow jobs waiting for a worker.
	ShadowQueueLength = Namespace + "_shadow_queue_length"
	// ShadowQueueCapacity is a gauge of how many jobs the queue holds
	// before it drops: 0 when no challenger is shadowed.
	ShadowQueueCapacity = Namespace + "_shadow_queue_capacity"
)

// Label names.
const (
	LabelRoute     = "route"
	LabelMethod    = "method"
	LabelCode      = "code"
	LabelModel     = "model"
	LabelClass     = "class"
	LabelFeature   = "feature"
	LabelReason    = "reason"
	LabelResult    = "result"
	LabelAlgorithm = "algorithm"
	LabelSHA256    = "sha256"
	LabelChampion  = "champion"
	LabelVersion   = "version"
	LabelRevision  = "revision"
	LabelGoVersion = "goversion"
	LabelDataMD5   = "data_md5"
	LabelRange     = "range"
	// LabelServedModel is the model that answered the request a shadow
	// series compares its challenger (LabelModel) with.
	LabelServedModel = "served_model"
	// LabelSide says which side of a shadow comparison a series measures.
	LabelSide = "side"
	// LabelSpecies is the compatibility set's class label (the original's name).
	LabelSpecies = "species"
)

// Values of LabelResult for ReloadsTotal.
const (
	ResultSuccess = "success"
	ResultFailure = "failure"
)

// Values of LabelRange for InputOutOfRangeTotal.
const (
	// RangeTraining marks an accepted value outside the training minimum
	// and maximum recorded in the bundle.
	RangeTraining = "training"
	// RangeDeclared marks a value rejected outside the declared valid range.
	RangeDeclared = "declared"
)

// Values of LabelReason for PredictionErrorsTotal.
const (
	ReasonInvalidInput = "invalid_input"
	ReasonOutOfRange   = "out_of_range"
	ReasonUnknownModel = "unknown_model"
	ReasonTooLarge     = "too_large"
)

// Values of LabelSide for ShadowConfidenceTotal.
const (
	// SideChallenger marks the challenger's side.
	SideChallenger = "challenger"
	// SideServed marks the served model's side.
	SideServed = "served"
)

// Values of LabelReason for ShadowDroppedTotal.
const (
	// ReasonQueueFull marks rows dropped because the shadow queue was full.
	ReasonQueueFull = "queue_full"
	// ReasonShutdown marks rows dropped because the server stopped before
	// a worker reached them.
	ReasonShutdown = "shutdown"
)
