// Package app is the module of model-api, the Fiber server that serves the
// bundles training writes: the original Python service's API (same paths and
// JSON shapes, so its clients keep working), the Open Inference Protocol v2
// (KServe) endpoints, health probes, Prometheus metrics and an OpenAPI
// document with a docs page. The server lives in app/internal/server and the
// binary in app/cmd/model-api; metric names live in the app/telemetry module
// so dashboards can import them cheaply.
package app
