package telemetry

// The original FastAPI service exported these series, and its tests and
// dashboards look for them. model-api keeps them beside the current set. Their
// prefix is the data set's name ("iris" by default), so each constant below is
// a suffix joined to the prefix by [CompatName]; the Iris names are also given
// in full.
const (
	// DefaultCompatPrefix is the compatibility prefix for the Iris data set.
	DefaultCompatPrefix = "iris"

	// CompatPredictions is a counter of all predictions.
	CompatPredictions = "predictions_total"
	// CompatPredictionsByModel is a counter by LabelModel.
	CompatPredictionsByModel = "predictions_by_model_total"
	// CompatPredictionsBySpecies is a counter by LabelSpecies.
	CompatPredictionsBySpecies = "predictions_by_species_total"
	// CompatPredictionErrors is a counter of failed predictions.
	CompatPredictionErrors = "prediction_errors_total"
	// CompatPredictionDuration is a gauge of the average prediction duration,
	// as the original exported it (the current set has a histogram).
	CompatPredictionDuration = "prediction_duration_seconds"
	// CompatUptime is a gauge of seconds since start.
	CompatUptime = "api_uptime_seconds"
	// CompatModelsLoaded is a gauge of loaded models.
	CompatModelsLoaded = "models_loaded"
)

// The compatibility names for the default prefix, in full.
const (
	IrisPredictionsTotal          = DefaultCompatPrefix + "_" + CompatPredictions
	IrisPredictionsByModelTotal   = DefaultCompatPrefix + "_" + CompatPredictionsByModel
	IrisPredictionsBySpeciesTotal = DefaultCompatPrefix + "_" + CompatPredictionsBySpecies
	IrisPredictionErrorsTotal     = DefaultCompatPrefix + "_" + CompatPredictionErrors
	IrisPredictionDurationSeconds = DefaultCompatPrefix + "_" + CompatPredictionDuration
	IrisAPIUptimeSeconds          = DefaultCompatPrefix + "_" + CompatUptime
	IrisModelsLoaded              = DefaultCompatPrefix + "_" + CompatModelsLoaded
)

// CompatSuffixes lists every compatibility suffix.
var CompatSuffixes = []string{
	CompatPredictions, CompatPredictionsByModel, CompatPredictionsBySpecies, CompatPredictionErrors,
	CompatPredictionDuration, CompatUptime, CompatModelsLoaded,
}

// CompatName joins a data set prefix and a compatibility suffix into a metric
// name. Characters a metric name cannot hold become underscores, so a data
// set called "wine-quality" gives "wine_quality_predictions_total".
func CompatName(prefix, suffix string) string {
	b := []byte(prefix)
	for i, c := range b {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		b = []byte(DefaultCompatPrefix)
	}
	return string(b) + "_" + suffix
}

// Metrics lists every current-set metric name, for checks that walk them all.
var Metrics = []string{
	HTTPRequestsTotal, HTTPRequestDurationSeconds, HTTPRequestsInFlight, HTTPRequestSizeBytes,
	PredictionsTotal, PredictionErrorsTotal, PredictionConfidence, InferenceDurationSeconds,
	InputOutOfRangeTotal, InputImputedTotal, InputDriftScore, InputDriftKSStatistic, InputDriftWindowObservations, ModelInfo,
	ModelsLoaded, Ready, ReloadsTotal, LastReloadSuccessTimestampSeconds, BuildInfo, PanicsTotal,
	ShadowPredictionsTotal, ShadowAgreementsTotal, ShadowConfidenceTotal, ShadowConfidenceDifference, ShadowDroppedTotal,
	ShadowDurationSeconds, ShadowQueueLength, ShadowQueueCapacity,
}
