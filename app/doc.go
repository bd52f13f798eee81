// Package app is the module of model-api, the Fiber server that serves the
// bundles training writes (see ../DESIGN.md, "Serving API"). The server lives
// in app/internal/server and the binary in app/cmd/model-api; metric names
// live in the app/telemetry module so dashboards can import them cheaply.
package app
