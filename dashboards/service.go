package dashboards

import (
	"strconv"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/mlopsgo/mlops/app/telemetry"
)

// ServiceTitle is the service dashboard's title.
const ServiceTitle = "Model API / Service"

// Service is the dashboard of model-api as an HTTP service: its requests
// (rate, errors, duration), its readiness, and its pods' resources from
// kube-prometheus-stack.
func Service() *dashboardBuilder {
	return newDashboard(ServiceTitle, ServiceUID,
		"model-api as an HTTP service: request rate, error ratio and latency by route, in-flight requests, and its pods' CPU, memory and restarts.").
		Link(dashboardLink(ModelTitle, ModelUID)).
		WithVariable(datasourceVariable()).
		WithVariable(namespaceVariable()).
		WithVariable(podVariable()).
		WithRow(dashboard.NewRowBuilder("Overview")).
		WithPanel(scrapedPodsStat()).
		WithPanel(readyPodsStat()).
		WithPanel(requestRateStat()).
		WithPanel(serverErrorRatioStat()).
		WithPanel(latencySLOStat()).
		WithPanel(panicsStat()).
		WithRow(dashboard.NewRowBuilder("Requests")).
		WithPanel(requestRateTimeseries()).
		WithPanel(errorRatioTimeseries()).
		WithPanel(latencyTimeseries()).
		WithPanel(inFlightTimeseries()).
		WithRow(dashboard.NewRowBuilder("Pods (kube-prometheus-stack)")).
		WithPanel(cpuTimeseries()).
		WithPanel(memoryTimeseries()).
		WithPanel(restartsTimeseries())
}

// Server errors are 5xx; model-api answers bad input with 4xx, never 500.
const (
	serverErrorCodes = "5.."
	clientErrorCodes = "4.."
)

func requests(extra ...string) string {
	return selector(telemetry.HTTPRequestsTotal, podScope(), extra...)
}

// userRoutes leaves out the routes probes and scrapes call, as the alerts
// do.
func userRoutes() string {
	return matcher(telemetry.LabelRoute, "!~", OperationalRoutes)
}

func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// alertLine draws a threshold as a dashed red line on a graph.
func alertLine(p *timeseries.PanelBuilder, value float64) *timeseries.PanelBuilder {
	return p.Thresholds(thresholds("green", threshold{value, "red"})).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed))
}

func scrapedPodsStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Scraped pods").
		Description("Pods whose last scrape succeeded (" + Up + ") out of those picked. A pod Prometheus cannot scrape counts as unavailable for the alert.").
		Unit("short").
		Decimals(0).
		Thresholds(thresholds("red", threshold{1, "green"})).
		WithTarget(query(aggr("sum", selector(Up, podScope())), "up"))
}

func readyPodsStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Ready pods").
		Description("Pods whose default model is loaded and that take traffic (" + telemetry.Ready + "). Zero means the Service has no endpoint.").
		Unit("short").
		Decimals(0).
		Thresholds(thresholds("red", threshold{1, "green"})).
		WithTarget(query(aggr("sum", selector(telemetry.Ready, podScope())), "ready"))
}

func requestRateStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Requests / s").
		Description("Requests served per second, every route and status.").
		Unit("reqps").
		Thresholds(thresholds("blue")).
		WithTarget(query(sumRate(requests()), "requests"))
}

func serverErrorRatioStat() *stat.PanelBuilder {
	return defaultStat().
		Title("5xx ratio").
		Description("Share of requests to user routes (not " + OperationalRoutes + ") answered with a 5xx status: the availability SLO's bad events, red from " +
			formatFloat(ErrorRatioAlert) + ", where ModelAPIAvailabilityBudgetBurn pages when it lasts an hour (14.4 times the budget of the " + formatFloat(AvailabilityObjective) + " objective).").
		Unit("percentunit").
		Decimals(2).
		Thresholds(thresholds("green", threshold{ErrorRatioAlert / 5, "orange"}, threshold{ErrorRatioAlert, "red"})).
		WithTarget(query(ratioOrZero(
			sumRate(requests(userRoutes(), matcher(telemetry.LabelCode, "=~", serverErrorCodes))),
			sumRate(requests(userRoutes())),
		), "5xx ratio"))
}

func latencySLOStat() *stat.PanelBuilder {
	return defaultStat().
		Title("p" + formatFloat(LatencySLOQuantile*100) + " latency").
		Description("The " + formatFloat(LatencySLOQuantile) + " quantile of request duration on user routes (not " + OperationalRoutes +
			"), red from the latency SLO's " + formatFloat(LatencySLOSeconds) + "s (ModelAPILatencyBudgetBurn counts /predict and the v2 infer routes under it).").
		Unit("s").
		Thresholds(thresholds("green", threshold{LatencySLOSeconds / 2, "orange"}, threshold{LatencySLOSeconds, "red"})).
		WithTarget(query(quantile(LatencySLOQuantile, telemetry.HTTPRequestDurationSeconds, append(podScope(), userRoutes())),
			"p"+formatFloat(LatencySLOQuantile*100)))
}

func panicsStat() *stat.PanelBuilder {
	return defaultStat().
		Title("Recovered panics").
		Description("Handler panics recovered and answered with a 500 over the time range: each one is a bug.").
		Unit("short").
		Decimals(0).
		Thresholds(thresholds("green", threshold{1, "red"})).
		WithTarget(query(aggr("sum", "increase("+selector(telemetry.PanicsTotal, podScope())+"["+rangeMacro+"])"), "panics"))
}

func requestRateTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Request rate by route").
		Description("Requests per second by route template (never the raw path), probes and scrapes included.").
		Unit("reqps").
		WithTarget(query(sumRate(requests(), telemetry.LabelRoute), "{{"+telemetry.LabelRoute+"}}"))
}

func errorRatioTimeseries() *timeseries.PanelBuilder {
	byRoute := func(codes string) string {
		return ratioOrZero(
			sumRate(requests(matcher(telemetry.LabelCode, "=~", codes)), telemetry.LabelRoute),
			sumRate(requests(), telemetry.LabelRoute),
		)
	}
	return alertLine(defaultTimeseries(), ErrorRatioAlert).
		Title("Error ratio by route").
		Description("Share of each route's requests answered with 5xx (the server's fault: what the error alert counts, over all user routes together; the dashed line is its threshold) and 4xx (rejected input: a client or data problem).").
		Unit("percentunit").
		WithTarget(query(byRoute(serverErrorCodes), "5xx {{"+telemetry.LabelRoute+"}}")).
		WithTarget(query(byRoute(clientErrorCodes), "4xx {{"+telemetry.LabelRoute+"}}"))
}

func latencyTimeseries() *timeseries.PanelBuilder {
	p := alertLine(defaultTimeseries(), LatencySLOSeconds).
		Title("Latency by route (p50, p95, p99)").
		Description("Request duration percentiles by route, from the " + telemetry.HTTPRequestDurationSeconds + " histogram (buckets from 100 µs). The dashed line is the latency SLO.").
		Unit("s")
	for _, q := range []float64{0.5, 0.95, 0.99} {
		p = p.WithTarget(query(quantile(q, telemetry.HTTPRequestDurationSeconds, podScope(), telemetry.LabelRoute),
			"p"+formatFloat(q*100)+" {{"+telemetry.LabelRoute+"}}"))
	}
	return p
}

func inFlightTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("In-flight requests by pod").
		Description("Requests being served at scrape time (the scrape itself counts as one).").
		Unit("short").
		WithTarget(query(aggr("sum", selector(telemetry.HTTPRequestsInFlight, podScope()), LabelPod), "{{"+LabelPod+"}}"))
}

// containers excludes the pod-level cgroup and the pause container, which
// cAdvisor reports beside the real containers.
func containers() []string {
	return []string{matcher(LabelContainer, "!=", ""), matcher(LabelContainer, "!=", "POD")}
}

func request(resource string) string {
	return aggr("sum", selector(KubePodContainerResourceRequests, podScope(), matcher(LabelResource, "=", resource)), LabelPod)
}

func limit(resource string) string {
	return aggr("sum", selector(KubePodContainerResourceLimits, podScope(), matcher(LabelResource, "=", resource)), LabelPod)
}

func cpuTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("CPU by pod").
		Description("CPU used (cores, cAdvisor) and the pod's CPU request (kube-state-metrics). The chart sets no CPU limit (no throttling); the HPA scales on use over the request.").
		Span(thirdWidth).
		Unit("short").
		AxisLabel("cores").
		WithTarget(query(sumRate(selector(ContainerCPUUsageSecondsTotal, podScope(), containers()...), LabelPod), "{{"+LabelPod+"}}")).
		WithTarget(query(request("cpu"), "request {{"+LabelPod+"}}"))
}

func memoryTimeseries() *timeseries.PanelBuilder {
	return defaultTimeseries().
		Title("Memory by pod").
		Description("Working set (cAdvisor) and the pod's memory limit (kube-state-metrics): at the limit the container is OOM-killed.").
		Span(thirdWidth).
		Unit("bytes").
		WithTarget(query(aggr("sum", selector(ContainerMemoryWorkingSetBytes, podScope(), containers()...), LabelPod), "{{"+LabelPod+"}}")).
		WithTarget(query(limit("memory"), "limit {{"+LabelPod+"}}"))
}

func restartsTimeseries() *timeseries.PanelBuilder {
	return alertLine(defaultTimeseries(), RestartsAlert).
		Title("Container restarts by pod (" + RestartsWindow + ")").
		Description("Container restarts over the last " + RestartsWindow + " (kube-state-metrics): a crash, a failed liveness probe or an OOM kill. The dashed line is the restart alert's threshold.").
		Span(thirdWidth).
		Unit("short").
		Decimals(0).
		WithTarget(query(aggr("sum", "increase("+selector(KubePodContainerStatusRestartsTotal, podScope())+"["+RestartsWindow+"])", LabelPod),
			"{{"+LabelPod+"}}"))
}
