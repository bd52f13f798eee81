package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mlopsgo/mlops/app/internal/apidoc"
)

// route is one served endpoint and its OpenAPI operation. The routes and the
// document come from this one table, and a test checks that what Fiber
// serves and what the document lists are the same set.
type route struct {
	method  string
	path    string // Fiber syntax: /v2/models/:name
	handler fiber.Handler
	op      func(*docInputs) *apidoc.Operation
}

func (s *Server) routes() []route {
	return []route{
		// The original service's API.
		{fiber.MethodGet, "/", s.getRoot, opRoot},
		{fiber.MethodGet, "/health", s.getHealth, opHealth},
		{fiber.MethodGet, "/models", s.getModels, opModels},
		{fiber.MethodPost, "/predict", s.postPredict, opPredict},
		{fiber.MethodPost, "/predict/batch", s.postPredictBatch, opPredictBatch},
		{fiber.MethodPost, "/predict/all-models", s.postPredictAllModels, opPredictAllModels},
		{fiber.MethodGet, "/metrics", s.metricsHandler(), opMetrics},
		{fiber.MethodGet, "/metrics/summary", s.getMetricsSummary, opMetricsSummary},

		// The Open Inference Protocol v2.
		{fiber.MethodGet, "/v2", s.getV2Server, opV2Server},
		{fiber.MethodGet, "/v2/health/live", s.getV2Live, opV2Live},
		{fiber.MethodGet, "/v2/health/ready", s.getV2Ready, opV2Ready},
		{fiber.MethodGet, "/v2/models/:name", s.getV2Model, opV2Model(false)},
		{fiber.MethodGet, "/v2/models/:name/ready", s.getV2ModelReady, opV2ModelReady(false)},
		{fiber.MethodPost, "/v2/models/:name/infer", s.postV2Infer, opV2Infer(false)},
		{fiber.MethodGet, "/v2/models/:name/versions/:version", s.getV2Model, opV2Model(true)},
		{fiber.MethodGet, "/v2/models/:name/versions/:version/ready", s.getV2ModelReady, opV2ModelReady(true)},
		{fiber.MethodPost, "/v2/models/:name/versions/:version/infer", s.postV2Infer, opV2Infer(true)},

		// Operations.
		{fiber.MethodGet, "/healthz", s.getHealthz, opHealthz},
		{fiber.MethodGet, "/readyz", s.getReadyz, opReadyz},
		{fiber.MethodPost, "/admin/reload", s.postAdminReload, opAdminReload},
		{fiber.MethodGet, "/openapi.json", s.getOpenAPI, opOpenAPI},
		{fiber.MethodGet, "/docs", s.getDocs, opDocs},
	}
}

// openAPIPath turns a Fiber route path into an OpenAPI path template:
// "/v2/models/:name" becomes "/v2/models/{name}".
func openAPIPath(p string) string {
	if !strings.Contains(p, ":") {
		return p
	}
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if name, ok := strings.CutPrefix(part, ":"); ok {
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}
