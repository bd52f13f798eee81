package telemetry

import (
	"regexp"
	"strings"
	"testing"
)

var metricName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

func TestNamesAreValidAndUnique(t *testing.T) {
	all := append([]string{}, Metrics...)
	for _, s := range CompatSuffixes {
		all = append(all, CompatName(DefaultCompatPrefix, s))
	}
	seen := map[string]bool{}
	for _, name := range all {
		if !metricName.MatchString(name) {
			t.Errorf("%q is not a valid Prometheus metric name", name)
		}
		if seen[name] {
			t.Errorf("%q is listed twice", name)
		}
		seen[name] = true
	}
}

// TestCurrentSetSuffixes checks Prometheus naming conventions: counters end
// in _total, durations in _seconds, sizes in _bytes; nothing else claims them.
func TestCurrentSetSuffixes(t *testing.T) {
	counters := map[string]bool{HTTPRequestsTotal: true, PredictionsTotal: true, PredictionErrorsTotal: true, InputOutOfRangeTotal: true, InputImputedTotal: true, ReloadsTotal: true, PanicsTotal: true,
		ShadowPredictionsTotal: true, ShadowAgreementsTotal: true, ShadowConfidenceTotal: true, ShadowDroppedTotal: true}
	for _, name := range Metrics {
		if !strings.HasPrefix(name, Namespace+"_") {
			t.Errorf("%q lacks the %q namespace", name, Namespace)
		}
		if counters[name] != strings.HasSuffix(name, "_total") {
			t.Errorf("%q: counter %v but _total suffix %v", name, counters[name], !counters[name])
		}
	}
}

func TestCompatName(t *testing.T) {
	tests := []struct{ prefix, suffix, want string }{
		{"iris", CompatPredictions, "iris_predictions_total"},
		{"wine-quality", CompatModelsLoaded, "wine_quality_models_loaded"},
		{"1st", CompatUptime, "_st_api_uptime_seconds"},
		{"", CompatUptime, "iris_api_uptime_seconds"},
	}
	for _, tt := range tests {
		if got := CompatName(tt.prefix, tt.suffix); got != tt.want {
			t.Errorf("CompatName(%q, %q) = %q, want %q", tt.prefix, tt.suffix, got, tt.want)
		}
	}
	if IrisPredictionsBySpeciesTotal != "iris_predictions_by_species_total" || IrisAPIUptimeSeconds != "iris_api_uptime_seconds" {
		t.Errorf("the original's names changed: %q, %q", IrisPredictionsBySpeciesTotal, IrisAPIUptimeSeconds)
	}
}
