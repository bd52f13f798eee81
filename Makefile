# make is the only entry point: CI (.ci/run, .github/workflows) calls these
# same targets. `make help` lists them.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Every Go module; each has its own go.mod, tied together by go.work.
MODULES := training/model app/telemetry testsupport training app dashboards gitops infra
# Modules whose tests start goroutines that share state run under -race.
RACE_MODULES := app training/model testsupport

GO ?= go
BIN := $(CURDIR)/bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X github.com/mlopsgo/mlops/training/internal/version.Version=$(VERSION) \
	-X github.com/mlopsgo/mlops/training/internal/version.Commit=$(COMMIT)
# Debian's Python sees python3-sklearn; the python3 first on PATH may not.
PYTHON ?= /usr/bin/python3
# A count, not a duration: a -fuzztime duration races Go's fuzz coordinator
# and can fail with "context deadline exceeded" and no crasher on a loaded
# machine (golang/go#75804, fixed in Go 1.27).
FUZZTIME ?= 50000x
GOLANGCI_LINT := GOWORK=off $(GO) run -modfile=$(CURDIR)/tools/go.mod github.com/golangci/golangci-lint/v2/cmd/golangci-lint

PARAMS ?= params.yaml
MODELS_DIR ?= models

# Each area adds its checks to these lists in its own mk/*.mk file, so the
# areas do not edit one shared recipe.
E2E_TARGETS :=
BENCH_TARGETS :=
-include $(sort $(wildcard mk/*.mk))

##@ Quick start

## run: run the pipeline (trains only what changed since dvc.lock), show the comparison, write the report, then serve on :8080
.PHONY: run
run: $(BIN)/mlops $(BIN)/model-api
	PATH="$(BIN):$$PATH" $(BIN)/mlops pipeline run
	@$(BIN)/mlops metrics show metrics.json
	@echo "report: $$($(BIN)/mlops report -q -o reports/report.html)"
	@$(MAKE) --no-print-directory serve

## test: every module's tests (hermetic, Go only), -race where it matters, plus short fuzz runs
.PHONY: test
test:
	@for m in $(MODULES); do \
		flags="-shuffle=on"; \
		case " $(RACE_MODULES) " in *" $$m "*) flags="$$flags -race";; esac; \
		echo "==> go test $$flags ($$m)"; \
		(cd $$m && $(GO) test $$flags -count=1 ./...); \
	done
	@$(MAKE) --no-print-directory fuzz

## fuzz: run every fuzz target briefly (FUZZTIME=50000x executions each; areas add theirs in mk/*.mk)
.PHONY: fuzz
fuzz:
	cd training/model && $(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) .
	cd training && $(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/dataset

##@ Checks with real programs

## e2e-deps: install the Debian packages the e2e checks need (root or sudo)
.PHONY: e2e-deps
e2e-deps:
	./.ci/install-deps

## e2e: every check that needs real programs (the e2e-* targets below)
.PHONY: e2e
e2e: $(E2E_TARGETS)

##@ Development

## build: build the binaries into bin/
.PHONY: build
build: $(BIN)/mlops

.PHONY: $(BIN)/mlops
$(BIN)/mlops:
	@mkdir -p $(BIN)
	cd training && CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/mlops ./cmd/mlops

## train: train every model in params.yaml into models/ and write metrics.json
.PHONY: train
train: $(BIN)/mlops
	$(BIN)/mlops train --params $(PARAMS) --models-dir $(MODELS_DIR) --metrics metrics.json

## lint: gofmt, go vet, golangci-lint (one config) and go mod tidy in every module
.PHONY: lint
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@for m in $(MODULES); do \
		echo "==> vet, golangci-lint, tidy ($$m)"; \
		(cd $$m && $(GO) vet ./... && $(GOLANGCI_LINT) run --config $(CURDIR)/.golangci.yml ./... \
			&& GOWORK=off $(GO) mod tidy -diff) || exit 1; \
	done
	@cd tools && GOWORK=off $(GO) mod tidy -diff

## bench: every benchmark (the bench-* targets below), figures for the README
.PHONY: bench
bench: $(BENCH_TARGETS)

## clean: remove build outputs (not models/ or runs/)
.PHONY: clean
clean:
	rm -rf $(BIN)

## help: list the targets
.PHONY: help
help:
	@echo "Usage: make <target>"
	@awk 'BEGIN {FS = ": "} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^## / {sub(/^## /, ""); split($$0, a, ": "); printf "  %-18s %s\n", a[1], substr($$0, length(a[1]) + 3)}' $(MAKEFILE_LIST)
