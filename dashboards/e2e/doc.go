// Package e2e checks the generated dashboards against real programs: two
// model-api processes under traffic (drifted inputs included), scraped by a
// real Prometheus that labels them with a namespace and pod as the
// ServiceMonitor would, and every panel query over the app's own metrics run
// through Prometheus's HTTP API with the template variables substituted.
// Queries over kube-prometheus-stack's cluster series are skipped by name.
// The checks run only with MLOPS_E2E=1 (make e2e-dashboards sets it and the
// programs' paths).
package e2e
