// Package server is model-api: the Fiber app that serves the bundles in a
// models directory, its metrics and its lifecycle. main only wires it.
//
// # API
//
// The original FastAPI service's endpoints keep its paths, fields and error
// shapes ({"detail": ...}, 422 for validation) so its clients keep working;
// the Open Inference Protocol v2 endpoints serve KServe, Triton and MLServer
// clients ({"error": "..."}); /healthz, /readyz, /metrics, /openapi.json,
// /docs and /admin/reload serve operations. One route table feeds both Fiber
// and the OpenAPI document, and a test checks they agree.
//
// # Errors
//
// Handlers return errors; errorHandler maps them to statuses and bodies in
// one place. Bad input is always a 4xx that says what was wrong; only a
// recovered panic or a failed admin reload answers 500, and 503 means not
// ready. A body over the limit gets its 413 even from a client that sends the
// whole body before reading: the connection lingers, reading and discarding
// the rest, before it closes (linger.go).
//
// # Models and reload
//
// The registry loads index.json and every bundle, verifying checksums, and
// swaps the whole set atomically; a failed reload keeps the previous set
// serving. Each swap also rebuilds what requests read (metric series per
// model, pre-encoded names); the set's OpenAPI document and docs page are
// built at their first request, which keeps them out of the start-up.
//
// # Metrics
//
// Every metric is registered on the registerer given in Deps, with names
// from app/telemetry: HTTP RED by route template, per-model predictions,
// confidence, inference time, out-of-range inputs, drift (PSI and KS over a
// sliding window, computed at scrape time), model info, reloads, and the
// original service's compatibility series.
//
// # Shadow challengers
//
// With Options.ShadowModels, the prediction endpoints hand a sample of
// their requests, once answered, to package shadow, which scores the named
// challengers off the request path and compares each with the model that
// served (shadow.go). /models lists every model's index role and whether it
// is shadowed.
package server
