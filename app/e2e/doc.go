// Package e2e holds model-api's end-to-end checks with real programs: a real
// Prometheus scraping a running model-api, @redocly/cli linting its OpenAPI
// document, and headless Chromium loading its docs page. They run only with
// MLOPS_E2E=1 (make e2e-app sets it and the programs' paths).
package e2e
