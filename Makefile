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
# golangci-lint, pinned in tools/go.mod, built once into bin/. It lints in the
# workspace, as go test runs, so the two share one build cache: outside it
# (GOWORK=off) the infra module's dependencies resolve to other versions and
# the Pulumi SDKs would compile a second time.
GOLANGCI_LINT_VERSION := $(shell awk '{for (i = 1; i < NF; i++) if ($$i == "github.com/golangci/golangci-lint/v2") print $$(i + 1)}' tools/go.mod)
GOLANGCI_LINT := $(BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)/golangci-lint

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

# Allocation assertions live in *_alloc_test.go files built with !race: the
# race detector makes sync.Pool drop a share of what is put back, so counts
# are not stable under it. make test runs the packages holding them a second
# time without -race; make lint keeps every AllocsPerRun of a -race module in
# such a file.
ALLOC_TEST_FILES = $(filter %_alloc_test.go,$(shell git ls-files --cached --others --exclude-standard -- $(RACE_MODULES)))

## test: every module's tests (hermetic, Go only), -race where it matters, plus short fuzz runs
.PHONY: test
test:
	@for m in $(MODULES); do \
		flags="-shuffle=on"; \
		case " $(RACE_MODULES) " in *" $$m "*) flags="$$flags -race";; esac; \
		echo "==> go test $$flags ($$m)"; \
		(cd $$m && $(GO) test $$flags -count=1 ./...); \
	done
	@echo "==> go test -shuffle=on (tools/flakecheck)"; cd tools && GOWORK=off $(GO) test -shuffle=on -count=1 ./flakecheck
	@echo "==> go test -shuffle=on (tools/argoanalysis)"; cd tools/argoanalysis && GOWORK=off $(GO) test -shuffle=on -count=1 ./...
	@$(MAKE) --no-print-directory test-alloc
	@$(MAKE) --no-print-directory fuzz

## test-alloc: the allocation tests of the -race modules, without -race (make test runs it)
.PHONY: test-alloc
test-alloc:
	@pkgs="$(sort $(foreach f,$(ALLOC_TEST_FILES),./$(dir $(f))))"; \
	echo "==> go test -shuffle=on (allocation tests: $$pkgs)"; \
	$(GO) test -shuffle=on -count=1 $$pkgs

# make flake-check: how many times each module's tests run, and which modules.
FLAKE_COUNT ?= 20
FLAKE_MODULES ?= training/model app/telemetry app training

## flake-check: run FLAKE_MODULES' tests FLAKE_COUNT times (20) with -shuffle=on, as make test runs them, and list every test that failed at least once (not in CI: about an hour)
.PHONY: flake-check
flake-check: $(BIN)/flakecheck
	@status=0; for m in $(FLAKE_MODULES); do \
		flags="-shuffle=on"; \
		case " $(RACE_MODULES) " in *" $$m "*) flags="$$flags -race";; esac; \
		echo "==> go test $$flags -count=$(FLAKE_COUNT) ($$m)"; \
		(cd $$m && $(GO) test -json $$flags -count=$(FLAKE_COUNT) -timeout 2h ./... 2>&1) | $(BIN)/flakecheck -label "$$m" || status=1; \
	done; \
	pkgs="$(sort $(foreach f,$(filter $(addsuffix /%,$(FLAKE_MODULES)),$(ALLOC_TEST_FILES)),./$(dir $(f))))"; \
	if [ -n "$$pkgs" ]; then \
		echo "==> go test -shuffle=on -count=$(FLAKE_COUNT) (allocation tests, without -race)"; \
		$(GO) test -json -shuffle=on -count=$(FLAKE_COUNT) $$pkgs 2>&1 | $(BIN)/flakecheck -label "allocation tests" || status=1; \
	fi; \
	exit $$status

.PHONY: $(BIN)/flakecheck
$(BIN)/flakecheck:
	@mkdir -p $(BIN)
	cd tools && GOWORK=off $(GO) build -o $(BIN)/flakecheck ./flakecheck

## fuzz: run every fuzz target briefly (FUZZTIME=50000x executions each; areas add theirs in mk/*.mk)
.PHONY: fuzz
fuzz:
	cd training/model && $(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) .
	cd training/model && $(GO) test -run '^$$' -fuzz '^FuzzParseIndex$$' -fuzztime $(FUZZTIME) .
	cd training && $(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/dataset

##@ Checks with real programs

## e2e-deps: install the Debian packages the e2e checks need (root or sudo)
.PHONY: e2e-deps
e2e-deps:
	./.ci/install-deps

## e2e: every check that needs real programs (the e2e-* targets below; make -k e2e runs them all even when one fails)
.PHONY: e2e
e2e: $(E2E_TARGETS)

# .ci/run runs each of these on its own, so one failure does not hide the rest.
.PHONY: e2e-targets
e2e-targets:
	@echo $(E2E_TARGETS)

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

# No separate go vet: golangci-lint's govet linter runs go vet's default
# analyzers (a superset of them), and a second analysis would compute the
# facts of every dependency again; for infra that is the Pulumi SDKs, which
# take minutes on 2 cores from a cold cache. go list -export compiles what
# golangci-lint loads, into the build cache make test reuses, so the lint
# timeout (.golangci.yml) covers analysis only, never a cold compile.
## lint: gofmt, then in every module golangci-lint (one config, go vet's analyzers included) and go mod tidy
.PHONY: lint
lint: $(GOLANGCI_LINT)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@out=$$(git grep -l --untracked 'testing.AllocsPerRun' -- $(RACE_MODULES) | grep '\.go$$' | grep -v '_alloc_test.go$$' || true); \
		if [ -n "$$out" ]; then echo "allocation tests of -race modules belong in *_alloc_test.go files built with !race:"; echo "$$out"; exit 1; fi
	@for m in $(MODULES); do \
		echo "==> compile, golangci-lint, tidy ($$m)"; \
		(cd $$m && $(GO) list -export -deps -test ./... >/dev/null && $(GOLANGCI_LINT) run --config $(CURDIR)/.golangci.yml ./... \
			&& GOWORK=off $(GO) mod tidy -diff) || exit 1; \
	done
	@echo "==> golangci-lint, tidy (tools)"; cd tools && GOWORK=off $(GOLANGCI_LINT) run --config $(CURDIR)/.golangci.yml ./flakecheck/... \
		&& GOWORK=off $(GO) mod tidy -diff
	@echo "==> golangci-lint, tidy (tools/argoanalysis)"; cd tools/argoanalysis && GOWORK=off $(GOLANGCI_LINT) run --config $(CURDIR)/.golangci.yml ./... \
		&& GOWORK=off $(GO) mod tidy -diff

$(GOLANGCI_LINT):
	cd tools && GOWORK=off $(GO) build -o $@ github.com/golangci/golangci-lint/v2/cmd/golangci-lint

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
