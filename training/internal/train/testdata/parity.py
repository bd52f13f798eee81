#!/usr/bin/env python3
"""Fits scikit-learn's estimators on the folds mlops chose and prints their
accuracies, so the Go side compares like with like (same rows, same
hyper-parameters). Run by parity_e2e_test.go with Debian's /usr/bin/python3
(python3-sklearn 1.2.1).

Input (argv[1]): JSON {"X": [[...]], "y": [...], "seed": int,
  "folds": [{"train": [...], "test": [...]}], "models": {name: {hyper-parameters}}}
Output (stdout): JSON {"versions": {...}, "accuracy": {name: [per fold]}}
"""
import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning

# The mapping of mlops's hyper-parameters to the reference estimators,
# shared with bench_scale.py; found beside this script (sys.path[0]).
from reference import AUTO_HIST_ROWS, LIBLINEAR_MIN_ROWS, estimator


def main():
    # max_iter=100 is scikit-learn's default and stops lbfgs early on raw Iris
    # features; the warning says so every fold. Both sides use the same limit.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    with open(sys.argv[1]) as f:
        job = json.load(f)
    X = np.asarray(job["X"], dtype=np.float64)
    y = np.asarray(job["y"], dtype=np.int64)
    out = {"versions": {"sklearn": sklearn.__version__, "numpy": np.__version__}, "accuracy": {}}
    if "xgboost" in job["models"]:
        import xgboost
        out["versions"]["xgboost"] = xgboost.__version__
    for name, h in job["models"].items():
        accs = []
        for fold in job["folds"]:
            est = estimator(name, h, job["seed"], len(fold["train"]), X.shape[1],
                            job.get("auto_hist_rows", AUTO_HIST_ROWS),
                            job.get("liblinear_min_rows", LIBLINEAR_MIN_ROWS))
            est.fit(X[fold["train"]], y[fold["train"]])
            accs.append(float((est.predict(X[fold["test"]]) == y[fold["test"]]).mean()))
        out["accuracy"][name] = accs
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
