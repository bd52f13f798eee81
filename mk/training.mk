# Training: parity with scikit-learn/XGBoost, benchmarks.

E2E_TARGETS += e2e-training
BENCH_TARGETS += bench-training

## e2e-training: parity with scikit-learn and XGBoost (Debian packages); committed fixtures regenerate identically
.PHONY: e2e-training
e2e-training:
	@echo "==> regenerate the scikit-learn fixtures the unit tests compare with; they must not change"
	cd training/internal/classifier/logreg/testdata && $(PYTHON) gen_sklearn_coef.py
	cd training/internal/classifier/tree/testdata && $(PYTHON) gen_sklearn_tree.py
	cd training/internal/classifier/svm/testdata && $(PYTHON) gen_sklearn_svm.py
	cd training/model/testdata && $(PYTHON) gen_sklearn_svm_predict.py
	git diff --exit-code -- training/internal/classifier/logreg/testdata training/internal/classifier/tree/testdata \
		training/internal/classifier/svm/testdata training/model/testdata
	cd training && MLOPS_E2E=1 MLOPS_PYTHON=$(PYTHON) $(GO) test -count=1 -timeout 30m -run '^TestE2E' -v ./internal/train/

## bench-training: single-row prediction and fit benchmarks; mlops train vs the same work in scikit-learn/XGBoost (hyperfine)
.PHONY: bench-training
bench-training: $(BIN)/mlops
	cd training/model && $(GO) test -run '^$$' -bench 'PredictInto' -benchmem .
	cd training && $(GO) test -run '^$$' -bench . -benchmem ./internal/classifier/... ./internal/train/
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	hyperfine --warmup 1 --min-runs 3 --export-markdown $(BIN)/bench-training.md \
		-n "mlops train (Go)" "$(BIN)/mlops train -q --runs-dir off --params $(PARAMS) --models-dir $$tmp/models --metrics ''" \
		-n "scikit-learn + XGBoost (Python)" "$(PYTHON) training/internal/train/testdata/bench_sklearn.py" && \
	cat $(BIN)/bench-training.md
