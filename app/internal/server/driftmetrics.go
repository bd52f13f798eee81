package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlopsgo/mlops/app/internal/drift"
	"github.com/mlopsgo/mlops/app/internal/registry"
	"github.com/mlopsgo/mlops/app/telemetry"
)

// driftCollector exports each serving model's drift scores, computed at
// scrape time from its window, so requests only record inputs. Models
// removed by a reload disappear with their series.
type driftCollector struct {
	snapshot        func() *registry.Snapshot
	minObservations int

	psi, ks, window *prometheus.Desc
}

func newDriftCollector(snapshot func() *registry.Snapshot, minObservations int) *driftCollector {
	mf := []string{telemetry.LabelModel, telemetry.LabelFeature}
	return &driftCollector{
		snapshot:        snapshot,
		minObservations: minObservations,
		psi: prometheus.NewDesc(telemetry.InputDriftScore,
			"Population stability index of the model's recent inputs against its training histogram, by model and feature (0.1 moderate, 0.25 major shift).", mf, nil),
		ks: prometheus.NewDesc(telemetry.InputDriftKSStatistic,
			"Kolmogorov-Smirnov statistic (binned) of the model's recent inputs against its training histogram, by model and feature.", mf, nil),
		window: prometheus.NewDesc(telemetry.InputDriftWindowObservations,
			"Recent inputs the drift scores are computed over, by model.", []string{telemetry.LabelModel}, nil),
	}
}

func (c *driftCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.psi
	ch <- c.ks
	ch <- c.window
}

func (c *driftCollector) Collect(ch chan<- prometheus.Metric) {
	snap := c.snapshot()
	if snap == nil {
		return
	}
	var scores []drift.Score
	for _, m := range snap.Models {
		var n int
		scores, n = m.Drift.Scores(scores[:0])
		ch <- prometheus.MustNewConstMetric(c.window, prometheus.GaugeValue, float64(n), m.Name)
		// A handful of inputs says little about a distribution.
		if n < c.minObservations {
			continue
		}
		for _, s := range scores {
			ch <- prometheus.MustNewConstMetric(c.psi, prometheus.GaugeValue, s.PSI, m.Name, s.Feature)
			ch <- prometheus.MustNewConstMetric(c.ks, prometheus.GaugeValue, s.KS, m.Name, s.Feature)
		}
	}
}
