package server

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlopsgo/mlops/app/telemetry"
)

// summary counts what the original service counted, for /metrics/summary
// and for the compatibility series. Counters by model and class are created
// when a model is installed and kept across reloads, so a request touches
// only atomics.
type summary struct {
	start    time.Time
	total    atomic.Int64
	errors   atomic.Int64
	durNanos atomic.Int64 // inference time summed over requests
	requests atomic.Int64 // inference calls, the average's denominator

	mu        sync.Mutex
	byModel   map[string]*atomic.Int64
	bySpecies map[string]*atomic.Int64
}

func newSummary(start time.Time) *summary {
	return &summary{start: start, byModel: make(map[string]*atomic.Int64), bySpecies: make(map[string]*atomic.Int64)}
}

// counters returns the counters of a model and of its classes, creating them
// on first use.
func (s *summary) counters(model string, classes []string) (*atomic.Int64, []*atomic.Int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	get := func(m map[string]*atomic.Int64, k string) *atomic.Int64 {
		c, ok := m[k]
		if !ok {
			c = new(atomic.Int64)
			m[k] = c
		}
		return c
	}
	species := make([]*atomic.Int64, len(classes))
	for i, c := range classes {
		species[i] = get(s.bySpecies, c)
	}
	return get(s.byModel, model), species
}

// summaryJSON is the body of GET /metrics/summary, as the original wrote it.
type summaryJSON struct {
	TotalPredictions     int64            `json:"total_predictions"`
	PredictionsByModel   map[string]int64 `json:"predictions_by_model"`
	PredictionsBySpecies map[string]int64 `json:"predictions_by_species"`
	TotalErrors          int64            `json:"total_errors"`
	AverageDuration      float64          `json:"average_prediction_duration_seconds"`
	UptimeSeconds        float64          `json:"uptime_seconds"`
	ModelsLoaded         int              `json:"models_loaded"`
	Timestamp            string           `json:"timestamp"`
}

func (s *summary) snapshot(now time.Time, loaded int) summaryJSON {
	out := summaryJSON{
		TotalPredictions:     s.total.Load(),
		PredictionsByModel:   make(map[string]int64),
		PredictionsBySpecies: make(map[string]int64),
		TotalErrors:          s.errors.Load(),
		AverageDuration:      s.average(),
		UptimeSeconds:        now.Sub(s.start).Seconds(),
		ModelsLoaded:         loaded,
		Timestamp:            timestamp(now),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.byModel {
		out.PredictionsByModel[k] = v.Load()
	}
	for k, v := range s.bySpecies {
		out.PredictionsBySpecies[k] = v.Load()
	}
	return out
}

func (s *summary) average() float64 {
	n := s.requests.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(s.durNanos.Load()).Seconds() / float64(n)
}

// compatCollector exports the original service's series from the summary.
// Their prefix is the serving data set's name, which a reload can change,
// so the collector is unchecked (it describes nothing up front) and builds
// its descriptors at each scrape.
type compatCollector struct {
	sum    *summary
	prefix func() string
	loaded func() int
	now    func() time.Time
}

func (c *compatCollector) Describe(chan<- *prometheus.Desc) {}

func (c *compatCollector) Collect(ch chan<- prometheus.Metric) {
	p := c.prefix()
	name := func(suffix string) string { return telemetry.CompatName(p, suffix) }
	emit := func(suffix, help string, typ prometheus.ValueType, v float64) {
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name(suffix), help, nil, nil), typ, v)
	}
	s := c.sum
	emit(telemetry.CompatPredictions, "Total predictions (original service's name).", prometheus.CounterValue, float64(s.total.Load()))
	emit(telemetry.CompatPredictionErrors, "Rejected prediction requests (original service's name).", prometheus.CounterValue, float64(s.errors.Load()))
	emit(telemetry.CompatPredictionDuration, "Average model computation time per request in seconds (original service's name; see "+telemetry.InferenceDurationSeconds+").", prometheus.GaugeValue, s.average())
	emit(telemetry.CompatUptime, "Seconds since the server started (original service's name).", prometheus.GaugeValue, c.now().Sub(s.start).Seconds())
	emit(telemetry.CompatModelsLoaded, "Models loaded (original service's name).", prometheus.GaugeValue, float64(c.loaded()))

	s.mu.Lock()
	defer s.mu.Unlock()
	byModel := prometheus.NewDesc(name(telemetry.CompatPredictionsByModel), "Predictions by model (original service's name).", []string{telemetry.LabelModel}, nil)
	for _, k := range sortedKeys(s.byModel) {
		ch <- prometheus.MustNewConstMetric(byModel, prometheus.CounterValue, float64(s.byModel[k].Load()), k)
	}
	bySpecies := prometheus.NewDesc(name(telemetry.CompatPredictionsBySpecies), "Predictions by predicted class (original service's name).", []string{telemetry.LabelSpecies}, nil)
	for _, k := range sortedKeys(s.bySpecies) {
		ch <- prometheus.MustNewConstMetric(bySpecies, prometheus.CounterValue, float64(s.bySpecies[k].Load()), k)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
