# Training: parity with scikit-learn/XGBoost, benchmarks.

E2E_TARGETS += e2e-training-fixtures e2e-training

## e2e-training-fixtures: regenerate the scikit-learn fixtures the unit tests compare with, and check them against the committed ones within per-file tolerances
.PHONY: e2e-training-fixtures
e2e-training-fixtures:
	$(PYTHON) training/testdata/python/fixtures.py check

## fixtures: regenerate the committed scikit-learn fixtures in place (after a scikit-learn upgrade or a generator change)
.PHONY: fixtures
fixtures:
	$(PYTHON) training/testdata/python/fixtures.py write

## e2e-training: parity with scikit-learn and XGBoost (Debian packages) on Iris, wine, breast_cancer and digits
.PHONY: e2e-training
e2e-training:
	cd training && MLOPS_E2E=1 MLOPS_PYTHON=$(PYTHON) $(GO) test -count=1 -timeout 30m -run '^TestE2E' -skip '^TestE2ELinearSVCSpeed$$' -v \
		./internal/train/ ./internal/classifier/boost/ ./internal/classifier/svm/

## bench-training: single-row prediction and fit benchmarks; mlops train vs the same work in scikit-learn/XGBoost (hyperfine), on Iris and as a scale table at 10k, 100k and 1M generated rows (bin/bench-scale.md; not CI)
.PHONY: bench-training
bench-training: $(BIN)/mlops
	cd training/model && $(GO) test -run '^$$' -bench 'PredictInto' -benchmem .
	cd training && $(GO) test -run '^$$' -bench . -benchmem ./internal/classifier/... ./internal/train/
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	hyperfine --warmup 1 --min-runs 3 --export-markdown $(BIN)/bench-training.md \
		-n "mlops train (Go)" "$(BIN)/mlops train -q --runs-dir off --params $(PARAMS) --models-dir $$tmp/models --metrics ''" \
		-n "scikit-learn + XGBoost (Python)" "$(PYTHON) training/internal/train/testdata/bench_sklearn.py" && \
	cat $(BIN)/bench-training.md
	# The scale table (#15): each model's whole mlops train against its reference on generated
	# data, same folds and hyper-parameters, timed by hyperfine. MLOPS_BENCH_SIZES=10000 runs
	# one size (default 10000,100000,1000000).
	cd training && MLOPS_BENCH=1 MLOPS_BIN=$(BIN)/mlops MLOPS_PYTHON=$(PYTHON) MLOPS_BENCH_OUT=$(BIN)/bench-scale.md \
		$(GO) test -count=1 -timeout 120m -run '^TestBenchScale$$' -v ./internal/train/
	cat $(BIN)/bench-scale.md
