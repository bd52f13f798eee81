# Serving app (model-api): build, serve, fuzz, e2e with real programs, load
# benchmark.

E2E_TARGETS += e2e-app
BENCH_TARGETS += bench-app bench-shadow

APP_LDFLAGS := -s -w -X github.com/mlopsgo/mlops/app/internal/version.Version=$(VERSION) \
	-X github.com/mlopsgo/mlops/app/internal/version.Revision=$(COMMIT)
APP_MODELS := $(abspath $(MODELS_DIR))
APP_PORT ?= 8080
# @redocly/cli lints the OpenAPI document; pinned, installed by npm into bin/.
REDOCLY_VERSION := 2.77.0
REDOCLY_DIR := $(BIN)/redocly-$(REDOCLY_VERSION)
REDOCLY := $(REDOCLY_DIR)/node_modules/.bin/redocly
APP_FUZZ_TARGETS := FuzzParseJSON FuzzPredict FuzzBatch FuzzInfer

.PHONY: $(BIN)/model-api
$(BIN)/model-api:
	@mkdir -p $(BIN)
	cd app && CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(APP_LDFLAGS)' -o $(BIN)/model-api ./cmd/model-api

.PHONY: $(BIN)/model-api-bench
$(BIN)/model-api-bench:
	@mkdir -p $(BIN)
	cd app && CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/model-api-bench ./cmd/model-api-bench

# Trains into MODELS_DIR only when it holds no index (run decides staleness).
.PHONY: app-models
app-models: $(BIN)/mlops
	@if [ ! -f $(MODELS_DIR)/index.json ]; then \
		$(BIN)/mlops train --params $(PARAMS) --models-dir $(MODELS_DIR) --metrics metrics.json; \
	fi

$(REDOCLY):
	npm install --no-audit --no-fund --loglevel=error --prefix $(REDOCLY_DIR) @redocly/cli@$(REDOCLY_VERSION)

## serve: start model-api on :8080 (APP_PORT) over models/ (train first with make run or make train)
.PHONY: serve
serve: $(BIN)/model-api
	@echo "model-api serves $(MODELS_DIR) on http://localhost:$(APP_PORT) (Ctrl-C stops it). Try:"
	@echo "  curl -s localhost:$(APP_PORT)/models"
	@echo "  curl -s -H 'Content-Type: application/json' -d '{\"features\": {\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}}' localhost:$(APP_PORT)/predict"
	@echo "  curl -s -H 'Content-Type: application/json' -d '{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP64\", \"data\": [6.7, 3.0, 5.8, 2.2]}]}' localhost:$(APP_PORT)/v2/models/random_forest/infer"
	@echo "  curl -s localhost:$(APP_PORT)/metrics | grep ^model_api_"
	@echo "  open http://localhost:$(APP_PORT)/docs"
	PORT=$(APP_PORT) MODEL_DIR=$(MODELS_DIR) LOG_FORMAT=text $(BIN)/model-api

## fuzz-app: run model-api's request decoder fuzz targets briefly (FUZZTIME each)
.PHONY: fuzz-app
fuzz-app:
	@for f in $(APP_FUZZ_TARGETS); do \
		(cd app && $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./internal/request) || exit 1; \
	done

# make fuzz (and so make test) runs these too.
fuzz: fuzz-app

## e2e-app: model-api with real programs: Prometheus scrapes it, @redocly/cli lints its OpenAPI, Chromium loads /docs
.PHONY: e2e-app
e2e-app: $(BIN)/model-api app-models $(REDOCLY)
	cd app && MLOPS_E2E=1 MODEL_API_BIN=$(BIN)/model-api MLOPS_BIN=$(BIN)/mlops MODELS_DIR=$(APP_MODELS) REDOCLY=$(REDOCLY) \
		PROMETHEUS=/usr/bin/prometheus CHROMIUM=/usr/bin/chromium \
		$(GO) test -count=1 -run '^TestE2E' -v ./e2e/

# wrk runs on the same machine: giving the servers half the cores keeps the
# two from taking turns on the same ones, which otherwise sets the tail
# latency (p99 3-4 ms for a no-op route on 2 cores, under 1 ms when split).
BENCH_GOMAXPROCS ?= $(shell n=$$(nproc); echo $$(( n > 1 ? n / 2 : 1 )))

## bench-shadow: model-api with two challengers scored in shadow against none: p99 and share scored at half the no-shadow maximum load, rows dropped at the maximum (not CI)
# The costliest challenger of the Iris models (the boosted trees) and another.
SHADOW_BENCH_MODELS ?= xgboost,logistic_regression
.PHONY: bench-shadow
bench-shadow: $(BIN)/model-api $(BIN)/model-api-bench app-models
	$(BIN)/model-api-bench -shadow -shadow-models $(SHADOW_BENCH_MODELS) -rounds 7 -model-api $(BIN)/model-api -model-dir $(APP_MODELS)

## bench-app: model-api under wrk on loopback beside a no-op Fiber route: throughput, p99, start-up, RSS
.PHONY: bench-app
bench-app: $(BIN)/model-api $(BIN)/model-api-bench app-models
	cd app && $(GO) test -run '^$$' -bench . -benchmem ./internal/...
	@echo "model-api and the no-op route run with GOMAXPROCS=$(BENCH_GOMAXPROCS): wrk gets the other cores"
	GOMAXPROCS=$(BENCH_GOMAXPROCS) $(BIN)/model-api-bench -model-api $(BIN)/model-api -model-dir $(APP_MODELS)
