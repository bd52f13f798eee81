# Grafana dashboards as code: generate the committed JSON, and check every
# panel query against a real Prometheus scraping a running model-api.

E2E_TARGETS += e2e-dashboards

DASHBOARDS_MODELS := $(abspath $(MODELS_DIR))

## dashboards: write the Grafana dashboards' JSON into dashboards/generated (committed; make test fails when it is stale)
.PHONY: dashboards
dashboards:
	cd dashboards && $(GO) run ./cmd/generate -out generated

## e2e-dashboards: every dashboard query over model-api's metrics returns data from a real Prometheus scraping model-api under traffic
.PHONY: e2e-dashboards
e2e-dashboards: $(BIN)/model-api app-models
	cd dashboards && MLOPS_E2E=1 MODEL_API_BIN=$(BIN)/model-api MODELS_DIR=$(DASHBOARDS_MODELS) PROMETHEUS=/usr/bin/prometheus \
		$(GO) test -count=1 -run '^TestE2E' -v ./e2e/
