// Package dashboards builds the Grafana dashboards of the serving app as
// code, with grafana-foundation-sdk: "Model API / Service" ([Service]) and
// "Model API / Model" ([Model]), one function per panel on the default panel
// builders of common.go. Metric and label names come from app/telemetry's
// constants; the few series from elsewhere (cAdvisor, kube-state-metrics,
// Prometheus's up) are listed in external.go, and the alert thresholds the
// panels draw in alerts.go.
//
// [Generate] renders them as JSON; cmd/generate (make dashboards) writes
// generated/*.json, which is committed and which infra provisions as one
// ConfigMap per file. The tests regenerate the JSON and compare, parse every
// query with Prometheus's parser, and check the datasource contract; the e2e
// package runs the queries against a real Prometheus.
package dashboards
