package server

import (
	"runtime"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/mlopsgo/mlops/app/internal/registry"
	"github.com/mlopsgo/mlops/app/telemetry"
)

// Histogram buckets, in base units. Serving a row takes microseconds, so the
// latency buckets start far below Prometheus's defaults.
var (
	httpDurationBuckets      = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}
	inferenceDurationBuckets = []float64{1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.1}
	confidenceBuckets        = []float64{0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1}
	sizeBuckets              = prometheus.ExponentialBuckets(64, 4, 8) // 64 B .. 1 MiB
)

// metrics holds every metric model-api registers, on the registerer it was
// given (never the global one).
type metrics struct {
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	size        *prometheus.HistogramVec
	predictions *prometheus.CounterVec
	errors      *prometheus.CounterVec
	confidence  *prometheus.HistogramVec
	inference   *prometheus.HistogramVec
	outOfRange  *prometheus.CounterVec
	imputed     *prometheus.CounterVec
	modelInfo   *prometheus.GaugeVec
	loaded      prometheus.Gauge
	ready       prometheus.Gauge
	reloads     *prometheus.CounterVec
	lastReload  prometheus.Gauge
	panics      prometheus.Counter

	// routes caches the HTTP series per route, method and code, so a
	// request costs a map lookup instead of hashing label values.
	routesMu sync.RWMutex
	routes   map[routeKey]*routeSeries
}

type routeKey struct {
	route, method string
	code          int
}

type routeSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
	size     prometheus.Observer
}

func newMetrics(reg prometheus.Registerer, opts Options) *metrics {
	f := promauto.With(reg)
	m := &metrics{
		requests: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.HTTPRequestsTotal,
			Help: "HTTP requests served, by route template, method and status code.",
		}, []string{telemetry.LabelRoute, telemetry.LabelMethod, telemetry.LabelCode}),
		duration: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    telemetry.HTTPRequestDurationSeconds,
			Help:    "HTTP request latency in seconds, by route template, method and status code.",
			Buckets: httpDurationBuckets,
		}, []string{telemetry.LabelRoute, telemetry.LabelMethod, telemetry.LabelCode}),
		inFlight: f.NewGauge(prometheus.GaugeOpts{
			Name: telemetry.HTTPRequestsInFlight,
			Help: "HTTP requests being served.",
		}),
		size: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    telemetry.HTTPRequestSizeBytes,
			Help:    "HTTP request body size in bytes, by route template.",
			Buckets: sizeBuckets,
		}, []string{telemetry.LabelRoute}),
		predictions: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.PredictionsTotal,
			Help: "Predictions made (rows), by model and predicted class.",
		}, []string{telemetry.LabelModel, telemetry.LabelClass}),
		errors: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.PredictionErrorsTotal,
			Help: "Rejected prediction requests, by model (empty when unknown) and reason.",
		}, []string{telemetry.LabelModel, telemetry.LabelReason}),
		confidence: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    telemetry.PredictionConfidence,
			Help:    "Probability of the predicted class, by model.",
			Buckets: confidenceBuckets,
		}, []string{telemetry.LabelModel}),
		inference: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    telemetry.InferenceDurationSeconds,
			Help:    "Model computation time per request in seconds (no decoding or encoding), by model.",
			Buckets: inferenceDurationBuckets,
		}, []string{telemetry.LabelModel}),
		outOfRange: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.InputOutOfRangeTotal,
			Help: "Input values outside the training range (accepted) or the declared valid range (rejected), by model, feature and range.",
		}, []string{telemetry.LabelModel, telemetry.LabelFeature, telemetry.LabelRange}),
		imputed: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.InputImputedTotal,
			Help: "Missing input values (null) filled with the feature's impute value (its training median), by model and feature.",
		}, []string{telemetry.LabelModel, telemetry.LabelFeature}),
		modelInfo: f.NewGaugeVec(prometheus.GaugeOpts{
			Name: telemetry.ModelInfo,
			Help: "1 for each loaded model, with its version (bundle sha256), algorithm, data md5 and champion flag.",
		}, []string{telemetry.LabelModel, telemetry.LabelVersion, telemetry.LabelAlgorithm, telemetry.LabelDataMD5, telemetry.LabelChampion}),
		loaded: f.NewGauge(prometheus.GaugeOpts{
			Name: telemetry.ModelsLoaded,
			Help: "Models loaded.",
		}),
		ready: f.NewGauge(prometheus.GaugeOpts{
			Name: telemetry.Ready,
			Help: "1 when the default model is loaded and the server takes traffic.",
		}),
		reloads: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.ReloadsTotal,
			Help: "Model set loads (at start, on SIGHUP and through /admin/reload), by result.",
		}, []string{telemetry.LabelResult}),
		lastReload: f.NewGauge(prometheus.GaugeOpts{
			Name: telemetry.LastReloadSuccessTimestampSeconds,
			Help: "Unix time of the last successful model set load.",
		}),
		panics: f.NewCounter(prometheus.CounterOpts{
			Name: telemetry.PanicsTotal,
			Help: "Handler panics recovered and answered with a 500.",
		}),
		routes: make(map[routeKey]*routeSeries),
	}
	f.NewGaugeVec(prometheus.GaugeOpts{
		Name: telemetry.BuildInfo,
		Help: "1, with the build's version, revision and Go version.",
	}, []string{telemetry.LabelVersion, telemetry.LabelRevision, telemetry.LabelGoVersion}).
		WithLabelValues(opts.Version, opts.Revision, runtime.Version()).Set(1)
	for _, r := range []string{telemetry.ResultSuccess, telemetry.ResultFailure} {
		m.reloads.WithLabelValues(r)
	}
	m.errors.WithLabelValues("", telemetry.ReasonUnknownModel)
	return m
}

// observe records one finished request. route is the route template in its
// OpenAPI form ("/v2/models/{name}/infer").
func (m *metrics) observe(route, method string, code int, seconds float64, size int) {
	k := routeKey{route: route, method: method, code: code}
	m.routesMu.RLock()
	s, ok := m.routes[k]
	m.routesMu.RUnlock()
	if !ok {
		s = &routeSeries{
			requests: m.requests.WithLabelValues(route, method, strconv.Itoa(code)),
			duration: m.duration.WithLabelValues(route, method, strconv.Itoa(code)),
			size:     m.size.WithLabelValues(route),
		}
		m.routesMu.Lock()
		m.routes[k] = s
		m.routesMu.Unlock()
	}
	s.requests.Inc()
	s.duration.Observe(seconds)
	s.size.Observe(float64(size))
}

// installed updates the per-set gauges after a snapshot went live.
func (m *metrics) installed(snap *registry.Snapshot) {
	m.modelInfo.Reset()
	for _, mod := range snap.Models {
		m.modelInfo.WithLabelValues(mod.Name, mod.Version, mod.Algorithm, mod.Dataset.MD5, strconv.FormatBool(mod.Champion)).Set(1)
		for _, reason := range []string{telemetry.ReasonInvalidInput, telemetry.ReasonOutOfRange, telemetry.ReasonTooLarge} {
			m.errors.WithLabelValues(mod.Name, reason)
		}
	}
	m.loaded.Set(float64(len(snap.Models)))
}
