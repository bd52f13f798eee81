# Data versioning and the pipeline (DVC-compatible): format checks against
# ruamel.yaml, a fresh clone reproducing dvc.lock, the data commands against
# a real S3 server, fuzzing, benchmarks.

E2E_TARGETS += e2e-data e2e-data-s3
BENCH_TARGETS += bench-data

DATA_FUZZ := \
	./internal/dvc/pyfmt:FuzzMarshalYAML \
	./internal/dvc/hash:FuzzParseTree \
	./internal/dvc/ignore:FuzzParse \
	./internal/dvc/dvcfile:FuzzParse \
	./internal/dvc/config:FuzzParse \
	./internal/dvc/pipeline:FuzzParse \
	./internal/dvc/pipeline:FuzzParseLock

## e2e-data: YAML/JSON writer vs ruamel.yaml (python3-ruamel.yaml), and a clone of HEAD reproducing the committed dvc.lock
.PHONY: e2e-data
e2e-data:
	cd training && MLOPS_E2E=1 MLOPS_PYTHON=$(PYTHON) $(GO) test -count=1 -run '^TestE2E' -v \
		./internal/dvc/pyfmt/ ./internal/cli/pipeline/run/

# versitygw: an S3 gateway (Apache-2.0) that checks SigV4 signatures and
# serves a posix directory. Not packaged in Debian; built once from the Go
# module proxy at this version into bin/ (a few minutes).
VERSITYGW_VERSION := v1.8.0
VERSITYGW := $(BIN)/versitygw-$(VERSITYGW_VERSION)/versitygw

## e2e-data-s3: data push/pull/checkout against versitygw on 127.0.0.1 (credentials, multipart, corruption, interrupted push)
.PHONY: e2e-data-s3
e2e-data-s3: $(VERSITYGW)
	cd training && MLOPS_E2E=1 MLOPS_VERSITYGW=$(VERSITYGW) $(GO) test -count=1 -run '^TestE2E' -v ./internal/cli/data/

# `go install module@version` builds with versitygw's own go.mod, whatever
# this workspace holds.
$(VERSITYGW):
	GOBIN=$(dir $@) $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

## fuzz-data: run the .dvc, dvc.yaml, dvc.lock, config, manifest and ignore-file fuzzers briefly (FUZZTIME each)
.PHONY: fuzz-data
fuzz-data:
	@cd training && for t in $(DATA_FUZZ); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "==> $$fn ($$pkg)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

## bench-data: hashing and manifest benchmarks
.PHONY: bench-data
bench-data:
	cd training && $(GO) test -run '^$$' -bench . -benchmem ./internal/dvc/...

# make fuzz (and so make test) runs these too.
fuzz: fuzz-data
