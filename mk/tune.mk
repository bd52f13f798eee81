# Tuning (#18): mlops tune against scikit-learn and Optuna, and its bench.

E2E_TARGETS += e2e-tune

## e2e-tune: mlops tune's nested estimate on Iris and wine (5 x 1 outer folds, 20 trials, 3 inner folds) against scikit-learn's RandomizedSearchCV and Optuna's TPE on the same spaces and folds: within 0.5 points of the better; reports the speed-up over scikit-learn against the goal of 20x
.PHONY: e2e-tune
e2e-tune:
	cd training && MLOPS_E2E=1 MLOPS_PYTHON=$(PYTHON) $(GO) test -count=1 -timeout 15m -run '^TestE2ECompare$$' -v ./internal/tune/

## bench-tune: the README's tuning table: mlops tune on Iris, wine, a noisy generated set (params.yaml's 10 x 5 folds), breast_cancer and digits (10 x 1), default CV against the nested estimate and the time of each model (bin/bench-tune.md; not CI: about 1.5 h on 2 cores; MLOPS_BENCH_SETS=iris,wine runs some)
.PHONY: bench-tune
bench-tune:
	cd training && MLOPS_BENCH=1 MLOPS_PYTHON=$(PYTHON) MLOPS_BENCH_OUT=$(BIN)/bench-tune.md \
		$(GO) test -count=1 -timeout 0 -run '^TestBenchDatasets$$' -v ./internal/tune/
	cat $(BIN)/bench-tune.md
