package dashboards

// The alert rules' thresholds, as the chart's PrometheusRule sets them by
// default (gitops/charts/model-api/values.yaml, prometheusRule.slo and
// prometheusRule.alerts), so the panels colour and draw the same lines the
// alerts fire on. A test reads the chart's values and fails when the two
// disagree.
const (
	// AvailabilityObjective is the availability SLO: the share of requests
	// to user routes answered without a 5xx, over 30 days.
	AvailabilityObjective = 0.999
	// ErrorRatioAlert is the 5xx ratio at which ModelAPIAvailabilityBudgetBurn
	// pages over 1h and 5m: 14.4 times the budget of 1 - AvailabilityObjective.
	ErrorRatioAlert = 0.0144
	// LatencySLOQuantile and LatencySLOSeconds are the latency SLO
	// (ModelAPILatencyBudgetBurn): that share of requests to /predict and
	// the v2 infer routes answered within LatencySLOSeconds, over 30 days.
	LatencySLOQuantile = 0.99
	LatencySLOSeconds  = 0.25
	// DriftModerate and DriftMajor read the population stability index:
	// below 0.1 no shift, 0.1 to 0.25 moderate, above 0.25 major.
	// ModelAPIInputDrift fires above DriftMajor.
	DriftModerate = 0.1
	DriftMajor    = 0.25
	// RestartsAlert is ModelAPIRestarting's threshold: more container
	// restarts than this over RestartsWindow.
	RestartsAlert  = 2
	RestartsWindow = "15m"
)

// OperationalRoutes matches the routes that probes and scrapes call, which
// the availability SLO (and the panels that mirror it) leaves out:
// probes are not users.
const OperationalRoutes = "/healthz|/readyz|/metrics"
