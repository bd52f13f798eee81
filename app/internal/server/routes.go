package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mlopsgo/mlops/app/internal/apidoc"
	"github.com/mlopsgo/mlops/app/internal/openapi"
	"github.com/mlopsgo/mlops/app/internal/registry"
)

// route is one served endpoint and its OpenAPI operation. The routes and the
// document come from this one table, and a test checks that what Fiber
// serves and what the document lists are the same set.
type route struct {
	method  string
	path    string // Fiber syntax: /v2/models/:name
	handler fiber.Handler
	op      func(*openapi.Inputs) *apidoc.Operation
}

func (s *Server) routes() []route {
	return []route{
		// The original service's API.
		{fiber.MethodGet, "/", s.getRoot, openapi.Root},
		{fiber.MethodGet, "/health", s.getHealth, openapi.Health},
		{fiber.MethodGet, "/models", s.getModels, openapi.Models},
		{fiber.MethodPost, "/predict", s.postPredict, openapi.Predict},
		{fiber.MethodPost, "/predict/batch", s.postPredictBatch, openapi.PredictBatch},
		{fiber.MethodPost, "/predict/all-models", s.postPredictAllModels, openapi.PredictAllModels},
		{fiber.MethodGet, "/metrics", s.metricsHandler(), openapi.Metrics},
		{fiber.MethodGet, "/metrics/summary", s.getMetricsSummary, openapi.MetricsSummary},

		// The Open Inference Protocol v2.
		{fiber.MethodGet, "/v2", s.getV2Server, openapi.V2Server},
		{fiber.MethodGet, "/v2/health/live", s.getV2Live, openapi.V2Live},
		{fiber.MethodGet, "/v2/health/ready", s.getV2Ready, openapi.V2Ready},
		{fiber.MethodGet, "/v2/models/:name", s.getV2Model, openapi.V2Model(false)},
		{fiber.MethodGet, "/v2/models/:name/ready", s.getV2ModelReady, openapi.V2ModelReady(false)},
		{fiber.MethodPost, "/v2/models/:name/infer", s.postV2Infer, openapi.V2Infer(false)},
		{fiber.MethodGet, "/v2/models/:name/versions/:version", s.getV2Model, openapi.V2Model(true)},
		{fiber.MethodGet, "/v2/models/:name/versions/:version/ready", s.getV2ModelReady, openapi.V2ModelReady(true)},
		{fiber.MethodPost, "/v2/models/:name/versions/:version/infer", s.postV2Infer, openapi.V2Infer(true)},

		// Operations.
		{fiber.MethodGet, "/healthz", s.getHealthz, openapi.Healthz},
		{fiber.MethodGet, "/readyz", s.getReadyz, openapi.Readyz},
		{fiber.MethodPost, "/admin/reload", s.postAdminReload, openapi.AdminReload},
		{fiber.MethodGet, "/openapi.json", s.getOpenAPI, openapi.OpenAPI},
		{fiber.MethodGet, "/docs", s.getDocs, openapi.Docs},
	}
}

// operatorOnly reports whether path moves to the metrics listener when
// Options.MetricsAddr is set: what only Prometheus and operators call.
func operatorOnly(path string) bool {
	return path == "/metrics" || strings.HasPrefix(path, "/admin/")
}

// openAPI builds the OpenAPI document of the route table for the given
// snapshot (nil before the first load): the routes of the main listener.
func (s *Server) openAPI(snap *registry.Snapshot) *apidoc.Document {
	var doc []openapi.Route
	for _, r := range s.routes() {
		if s.opsApp != nil && operatorOnly(r.path) {
			continue
		}
		doc = append(doc, openapi.Route{Method: r.method, Path: r.path, Op: r.op})
	}
	return openapi.Document(snap, s.opts.MaxBatch, s.opts.BodyLimit, doc)
}
