package dashboards

import (
	"strconv"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/heatmap"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/mlopsgo/mlops/app/telemetry"
)

// ModelTitle is the model dashboard's title.
const ModelTitle = "Model API / Model"

// Model is the dashboard of the served models: what they predict and how
// sure they are, how fast they compute, how far their inputs drifted from
// the training data, and which versions are loaded.
func Model() *dashboardBuilder {
	return newDashboard(ModelTitle, ModelUID,
		"The models model-api serves: predictions by class, confidence, inference latency, input drift against the training data (PSI, with the alert thresholds), out-of-range inputs, challengers scored in shadow (agreement with the served model), loaded versions and reloads.").
		Link(dashboardLink(ServiceTitle, ServiceUID)).
		WithVariable(datasourceVariable()).
		WithVariable(namespaceVariable()).
		WithVariable(podVariable()).
		WithVariable(modelVariable()).
		WithRow(dashboard.NewRowBuilder("Overview")).
		WithPanel(championStat()).
		WithPanel(modelsLoadedStat()).
		WithPanel(maxDriftStat()).
		WithPanel(predictionRateStat()).
		WithPanel(meanConfidenceStat()).
		WithPanel(sinceReloadStat()).
		WithRow(dashboard.NewRowBuilder("Predictions")).
		WithPanel(predictionsTimeseries()).
		WithPanel(confidenceHeatmap()).
		WithPanel(meanConfidenceTimeseries()).
		WithPanel(inferenceLatencyTimeseries()).
		WithRow(dashboard.NewRowBuilder("Input drift")).
		WithPanel(driftScoreTimeseries()).
		WithPanel(driftKSTimeseries()).
		WithPanel(outOfRangeTimeseries()).
		WithPanel(driftWindowTimeseries()).
		WithRow(dashboard.NewRowBuilder("Shadow models")).
		WithPanel(shadowAgreementTimeseries()).
		WithPanel(shadowConfidenceDifferenceTimeseries()).
		WithPanel(shadowRowsTimeseries()).
		WithPanel(shadowDurationTimeseries()).
		WithPanel(shadowQueueTimeseries()).
		WithRow(dashboard.NewRowBuilder("Versions and loads")).
		WithPanel(modelInfoTable()).
		WithPanel(reloadsTimeseries()).
		WithPanel(predictionErrorsTimeseries())
}

// driftThresholds colours PSI as the drift alert reads it.
func driftThresholds() *dashboard.ThresholdsConfigBuilder {
	return thresholds("green", threshold{DriftModerate, "orange"}, threshold{DriftMajor, "red"})
}

func championStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Champion").
		Description("The model that serves requests naming no model (" + telemetry.ModelInfo + ` with champion="true"). Not filtered by the model variable.`).
		Span(statWidth - 1).
		GraphMode(common.BigValueGraphModeNone).
		TextMode(common.BigValueTextModeName).
		ColorMode(common.BigValueColorModeNone).
		WithTarget(query(aggr("max", selector(telemetry.ModelInfo, podScope(), matcher(telemetry.LabelChampion, "=", strconv.FormatBool(true))), telemetry.LabelModel),
			"{{"+telemetry.LabelModel+"}}"))
}

func modelsLoadedStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Models loaded").
		Description("Fewest models loaded on any picked pod; a pod with fewer than the others missed a bundle or a reload.").
		Unit("short").
		Decimals(0).
		Thresholds(thresholds("red", threshold{1, "green"})).
		WithTarget(query(aggr("min", selector(telemetry.ModelsLoaded, podScope())), "loaded"))
}

func maxDriftStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Worst input drift (PSI)").
		Description("Largest population stability index of any feature of the picked models: orange from " +
			formatFloat(DriftModerate) + " (moderate shift), red from " + formatFloat(DriftMajor) + " (major shift).").
		Decimals(3).
		Thresholds(driftThresholds()).
		ColorMode(common.BigValueColorModeBackground).
		WithTarget(query(aggr("max", selector(telemetry.InputDriftScore, modelScope())), "PSI"))
}

func predictionRateStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Predictions / s").
		Description("Rows predicted per second by the picked models.").
		Unit("ops").
		Thresholds(thresholds("blue")).
		WithTarget(query(sumRate(selector(telemetry.PredictionsTotal, modelScope())), "predictions"))
}

func meanConfidenceStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Mean confidence").
		Description("Average probability of the predicted class over the picked models' predictions.").
		Unit("percentunit").
		Decimals(1).
		Thresholds(thresholds("blue")).
		WithTarget(query(sumRate(selector(telemetry.PredictionConfidence+"_sum", modelScope()))+" / "+
			sumRate(selector(telemetry.PredictionConfidence+"_count", modelScope())), "confidence"))
}

func sinceReloadStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Since last successful load").
		Description("Time since the most recent successful model set load (start, SIGHUP or /admin/reload) on any picked pod.").
		Unit("s").
		GraphMode(common.BigValueGraphModeNone).
		Thresholds(thresholds("text")).
		WithTarget(query("time() - "+aggr("max", selector(telemetry.LastReloadSuccessTimestampSeconds, podScope())), "since load"))
}

func predictionsTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Predictions by model and class").
		Description("Rows predicted per second by model and predicted class. A class's share moving with no change in traffic is a sign of drift.").
		Unit("ops").
		WithTarget(query(sumRate(selector(telemetry.PredictionsTotal, modelScope()), telemetry.LabelModel, telemetry.LabelClass),
			"{{"+telemetry.LabelModel+"}} / {{"+telemetry.LabelClass+"}}"))
}

func confidenceHeatmap() *heatmap.PanelBuilder {
	return defaultHeatmap().
		Title("Confidence distribution").
		Description("How many predictions fell in each confidence bucket (probability of the predicted class) over time, picked models together. Mass moving down means the model is less sure: new kinds of input.").
		YAxis(heatmap.NewYAxisConfigBuilder().Unit("percentunit").Decimals(0)).
		WithTarget(query(sumRate(selector(telemetry.PredictionConfidence+"_bucket", modelScope()), "le"), "{{le}}").
			Format(prometheus.PromQueryFormatHeatmap))
}

func meanConfidenceTimeseries() *timeseries.PanelBuilder {
	byModel := func(suffix string) string {
		return sumRate(selector(telemetry.PredictionConfidence+suffix, modelScope()), telemetry.LabelModel)
	}
	return defaultTimeseries().
		Title("Mean confidence by model").
		Description("Average probability of the predicted class, by model.").
		Unit("percentunit").
		Max(1).
		WithTarget(query(byModel("_sum")+" / "+byModel("_count"), "{{"+telemetry.LabelModel+"}}"))
}

func inferenceLatencyTimeseries() *timeseries.PanelBuilder {
	p := defaultTimeseries().
		Title("Inference latency by model (p50, p99)").
		Description("Model computation time per request, without decoding and encoding (" + telemetry.InferenceDurationSeconds + ").").
		Unit("s")
	for _, q := range []struct {
		q    float64
		name string
	}{{0.5, "p50"}, {0.99, "p99"}} {
		p = p.WithTarget(query(quantile(q.q, telemetry.InferenceDurationSeconds, modelScope(), telemetry.LabelModel),
			q.name+" {{"+telemetry.LabelModel+"}}"))
	}
	return p
}

func driftScoreTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Input drift by feature (PSI)").
		Description("Population stability index of each feature's recent inputs against the training histogram carried in the bundle, worst pod. The dashed lines are the thresholds: " +
			formatFloat(DriftModerate) + " moderate, " + formatFloat(DriftMajor) +
			" major, where the drift alert fires. Scores appear once a window holds enough inputs, and are noisy over a few dozen.").
		Unit("none").
		Decimals(3).
		Thresholds(driftThresholds()).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashedAndArea)).
		WithTarget(query(aggr("max", selector(telemetry.InputDriftScore, modelScope()), telemetry.LabelModel, telemetry.LabelFeature),
			"{{"+telemetry.LabelModel+"}} / {{"+telemetry.LabelFeature+"}}"))
}

func driftKSTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Input drift by feature (KS)").
		Description("Kolmogorov-Smirnov statistic (largest gap between the binned cumulative distributions, 0 to 1) of each feature's recent inputs against training, worst pod. Reads like PSI but bounded.").
		Unit("none").
		Decimals(3).
		Max(1).
		WithTarget(query(aggr("max", selector(telemetry.InputDriftKSStatistic, modelScope()), telemetry.LabelModel, telemetry.LabelFeature),
			"{{"+telemetry.LabelModel+"}} / {{"+telemetry.LabelFeature+"}}"))
}

func outOfRangeTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Out-of-range inputs by feature").
		Description(`Input values per second outside the training minimum and maximum (range="training": accepted, but the model extrapolates) or outside the declared valid range (range="declared": rejected with 422).`).
		Unit("cps").
		WithTarget(query(sumRate(selector(telemetry.InputOutOfRangeTotal, modelScope()), telemetry.LabelModel, telemetry.LabelFeature, telemetry.LabelRange),
			"{{"+telemetry.LabelRange+"}} {{"+telemetry.LabelModel+"}} / {{"+telemetry.LabelFeature+"}}"))
}

func driftWindowTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Drift window size by pod").
		Description("Recent inputs each pod's drift scores cover, by model. Scores are exported once it holds enough inputs (30 by default); a small window means noisy scores.").
		Unit("short").
		WithTarget(query(aggr("sum", selector(telemetry.InputDriftWindowObservations, modelScope()), LabelPod, telemetry.LabelModel),
			"{{"+LabelPod+"}} / {{"+telemetry.LabelModel+"}}"))
}

func modelInfoTable() *table.PanelBuilder {
	return defaultTable().
		Title("Loaded models").
		Span(fullWidth).
		Description("Each loaded model version (bundle sha256), its algorithm, training data md5 and champion flag, and on how many picked pods it is loaded: two versions of one model means a rollout or a reload in progress, or pods out of step.").
		WithTarget(instantTable(aggr("count", selector(telemetry.ModelInfo, modelScope()),
			telemetry.LabelModel, telemetry.LabelVersion, telemetry.LabelAlgorithm, telemetry.LabelDataMD5, telemetry.LabelChampion))).
		WithTransformation(dashboard.DataTransformerConfig{
			Id: "organize",
			Options: map[string]any{
				"excludeByName": map[string]bool{"Time": true},
				"indexByName": map[string]int{
					telemetry.LabelModel: 0, telemetry.LabelChampion: 1, telemetry.LabelAlgorithm: 2,
					telemetry.LabelVersion: 3, telemetry.LabelDataMD5: 4, "Value": 5,
				},
				"renameByName": map[string]string{"Value": "pods", telemetry.LabelVersion: "version (sha256)"},
			},
		})
}

func reloadsTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Model set loads by result").
		Description("Loads of the model set (at start, on SIGHUP, through /admin/reload) by result. A failure keeps the previous set serving.").
		Unit("short").
		DrawStyle(common.GraphDrawStyleBars).
		FillOpacity(80).
		WithTarget(query(aggr("sum", "increase("+selector(telemetry.ReloadsTotal, podScope())+"["+rateInterval+"])", telemetry.LabelResult),
			"{{"+telemetry.LabelResult+"}}"))
}

func predictionErrorsTimeseries() *timeseries.PanelBuilder {
	// Requests for an unknown model count with an empty model label, which
	// "$model" alone would never match.
	scope := append(podScope(), matcher(telemetry.LabelModel, "=~", "$"+VarModel+"|"))
	return defaultTimeseries().
		Title("Rejected prediction requests by reason").
		Description("Prediction requests answered with 4xx, by model (empty: unknown model) and reason.").
		Unit("reqps").
		WithTarget(query(sumRate(selector(telemetry.PredictionErrorsTotal, scope), telemetry.LabelModel, telemetry.LabelReason),
			"{{"+telemetry.LabelReason+"}} {{"+telemetry.LabelModel+"}}"))
}

// The shadow row: challengers that SHADOW_MODELS names, scored on a sample
// of live requests off the request path and compared with the model that
// served each one. The model variable picks challengers here.

// shadowPair is the series key of the shadow metrics: challenger and served
// model.
var shadowPair = []string{telemetry.LabelModel, telemetry.LabelServedModel}

const shadowLegend = "{{" + telemetry.LabelModel + "}} vs {{" + telemetry.LabelServedModel + "}}"

func shadowAgreementTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Shadow agreement by challenger").
		Description("Share of the rows scored in shadow on which the challenger predicted the class the served model answered (" +
			telemetry.ShadowAgreementsTotal + " / " + telemetry.ShadowPredictionsTotal + "), per challenger and served model. " +
			"No data: no challenger is shadowed (SHADOW_MODELS), or no traffic. mlops runs shadow prints the same over a window, for a promotion.").
		Unit("percentunit").
		Max(1).
		WithTarget(query(sumRate(selector(telemetry.ShadowAgreementsTotal, modelScope()), shadowPair...)+" / "+
			sumRate(selector(telemetry.ShadowPredictionsTotal, modelScope()), shadowPair...), shadowLegend))
}

func shadowConfidenceDifferenceTimeseries() *timeseries.PanelBuilder {
	side := func(v string) string {
		return sumRate(selector(telemetry.ShadowConfidenceTotal, modelScope(), matcher(telemetry.LabelSide, "=", v)), shadowPair...)
	}
	return signedTimeseries().
		Title("Shadow confidence difference by challenger").
		Description("Mean of the challenger's top class probability minus the served model's, per row scored in shadow (the two sides of " +
			telemetry.ShadowConfidenceTotal + " over " + telemetry.ShadowPredictionsTotal + "): above 0 the challenger is surer of its answers than the served model of its own. " +
			"Read it with the agreement: sure and agreeing is a safe promotion, sure and disagreeing needs labels.").
		Unit("percentunit").
		AxisSoftMin(-0.1).
		AxisSoftMax(0.1).
		WithTarget(query("("+side(telemetry.SideChallenger)+" - "+side(telemetry.SideServed)+") / "+
			sumRate(selector(telemetry.ShadowPredictionsTotal, modelScope()), shadowPair...), shadowLegend))
}

func shadowRowsTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Shadow rows scored and dropped").
		Span(thirdWidth).
		Description("Rows per second each challenger scored in shadow, and rows it did not score: reason queue_full when the shadow queue was full (raise SHADOW_QUEUE or SHADOW_WORKERS, or lower SHADOW_SAMPLE), shutdown when a pod stopped first. Dropping costs coverage, never requests.").
		Unit("ops").
		WithTarget(query(sumRate(selector(telemetry.ShadowPredictionsTotal, modelScope()), telemetry.LabelModel),
			"scored {{"+telemetry.LabelModel+"}}")).
		WithTarget(query(sumRate(selector(telemetry.ShadowDroppedTotal, modelScope()), telemetry.LabelModel, telemetry.LabelReason),
			"dropped {{"+telemetry.LabelReason+"}} {{"+telemetry.LabelModel+"}}"))
}

func shadowDurationTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Shadow scoring time by challenger (p99)").
		Span(thirdWidth).
		Description("0.99 quantile of a challenger's computation time per shadow job, one request's rows (" + telemetry.ShadowDurationSeconds + "). It runs on the shadow workers, not in requests.").
		Unit("s").
		WithTarget(query(quantile(0.99, telemetry.ShadowDurationSeconds, modelScope(), telemetry.LabelModel), "p99 {{"+telemetry.LabelModel+"}}"))
}

func shadowQueueTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Shadow queue by pod").
		Span(thirdWidth).
		Description("Requests waiting for a shadow worker, against the queue's capacity (SHADOW_QUEUE): a queue that reaches it drops.").
		Unit("short").
		WithTarget(query(aggr("max", selector(telemetry.ShadowQueueLength, podScope()), LabelPod), "queued {{"+LabelPod+"}}")).
		WithTarget(query(aggr("max", selector(telemetry.ShadowQueueCapacity, podScope()), LabelPod), "capacity {{"+LabelPod+"}}"))
}
