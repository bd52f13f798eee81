// Package e2e holds the gitops module's end-to-end checks with real
// programs: helm lints and renders the chart, promtool checks and
// unit-tests the alert rules, and a real Prometheus scraping real model-api
// processes, each driven into one alert's condition, shows every alert
// fire. TestE2ECanary has Argo Rollouts' own provider code judge stable and
// canary model-api processes on prod's AnalysisTemplates. They run only
// with MLOPS_E2E=1 (make e2e-gitops and make e2e-canary set it and the
// programs' paths).
package e2e
