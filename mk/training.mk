# Training: parity with scikit-learn/XGBoost, benchmarks.

E2E_TARGETS += e2e-training
BENCH_TARGETS += bench-training

## e2e-training: parity with scikit-learn and XGBoost (Debian packages) on the same folds
.PHONY: e2e-training
e2e-training:
	cd training && MLOPS_E2E=1 MLOPS_PYTHON=$(PYTHON) $(GO) test -count=1 -run '^TestE2E' -v ./internal/train/

## bench-training: training and single-row prediction benchmarks
.PHONY: bench-training
bench-training:
	cd training/model && $(GO) test -run '^$$' -bench . -benchmem .
	cd training && $(GO) test -run '^$$' -bench . -benchmem ./...
