package dashboards

// The alert rules' thresholds, as the chart's PrometheusRule sets them by
// default (gitops/charts/model-api/values.yaml, prometheusRule.alerts), so
// the panels colour and draw the same lines the alerts fire on. A test reads
// the chart's values and fails when the two disagree.
const (
	// ErrorRatioAlert is ModelAPIHighErrorRate's threshold: the share of
	// 5xx answers over 5 minutes, user routes only.
	ErrorRatioAlert = 0.05
	// LatencySLOQuantile and LatencySLOSeconds are ModelAPIHighLatency's:
	// the quantile of request latency over 5 minutes, user routes only,
	// against the SLO.
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
// the error and latency alerts (and the panels that mirror them) leave out:
// probes are not users.
const OperationalRoutes = "/healthz|/readyz|/metrics"
