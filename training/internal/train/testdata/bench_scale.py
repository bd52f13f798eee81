#!/usr/bin/env python3
"""The reference side of make bench-training's scale table
(scale_bench_test.go): the work `mlops train --only MODEL` does, done with
scikit-learn or XGBoost, for hyperfine to time beside it. It reads the CSV,
fits the model with mlops's hyper-parameters (reference.py's mapping) on
each of mlops's cross-validation folds, then once on mlops's training split,
and scores the hold-out split from predict_proba, as mlops does. Run with
Debian's /usr/bin/python3 (python3-sklearn 1.2.1, python3-xgboost 1.7.4).

Both sides use two cores. The random forest (n_jobs=2) and XGBoost
(nthread 2) thread inside each fit and take the folds one after the other;
the decision tree, logistic regression and the SVM fit single-threaded, so
their folds run two at a time, in threads (as scikit-learn's forest runs
its trees: these fits release the GIL), with BLAS held to one thread each.

argv: JOB MODEL OUT [final]
  JOB: JSON {"csv", "label", "features": [...], "rows", "seed",
    "folds", "repeats", "train_rows", "test_rows", "indices",
    "models": {name: {hyper-parameters}}, "auto_hist_rows",
    "liblinear_min_rows"}
  indices: little-endian int32: the training split's rows in mlops's order,
    the hold-out split's, then repeats x rows: each row's test fold in each
    repetition (the folds' rows ascending, as mlops's).
  OUT: receives JSON {"model", "cv_accuracy": [per fold],
    "cv_accuracy_mean", "test_accuracy", "versions"}.
  final: skip the cross-validation (no cv_accuracy), for the models whose
    CV would take too long at 1M rows.
"""
import json
import sys
import warnings

import numpy as np
import sklearn
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

# Found beside this script (sys.path[0]).
from reference import estimator

# Models whose estimator spreads one fit over two cores itself.
THREADED = {"random_forest", "xgboost"}


def load(job):
    """X and the labels as class indices (classes sorted, as mlops's), in
    one pass over the CSV."""
    with open(job["csv"]) as f:
        header = f.readline().rstrip("\r\n").split(",")
    label = header.index(job["label"])
    codes = {}  # class name -> code, in order of first appearance
    A = np.loadtxt(job["csv"], delimiter=",", skiprows=1, dtype=np.float64, ndmin=2,
                   usecols=[header.index(name) for name in job["features"]] + [label],
                   converters={label: lambda s: codes.setdefault(s, len(codes))})
    if len(A) != job["rows"]:
        raise SystemExit(f"bench_scale.py: {job['csv']} has {len(A)} rows, the job {job['rows']}")
    rank = np.empty(len(codes), dtype=np.int64)
    for i, name in enumerate(sorted(codes)):
        rank[codes[name]] = i
    return np.ascontiguousarray(A[:, :-1]), rank[A[:, -1].astype(np.int64)]


def main():
    job_path, name, out_path = sys.argv[1:4]
    final_only = sys.argv[4:] == ["final"]
    # As in parity.py: both sides use the same max_iter; the warning would
    # only repeat itself.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    with open(job_path) as f:
        job = json.load(f)
    h = job["models"][name]
    X, y = load(job)
    idx = np.fromfile(job["indices"], dtype="<i4")
    n_train, n_test, rows = job["train_rows"], job["test_rows"], job["rows"]
    train, test = idx[:n_train], idx[n_train:n_train + n_test]
    assign = idx[n_train + n_test:].reshape(job["repeats"], rows)
    folds = [(np.flatnonzero(a != k), np.flatnonzero(a == k)) for a in assign for k in range(job["folds"])]

    def new(fit_rows):
        est = estimator(name, h, job["seed"], fit_rows, X.shape[1], job["auto_hist_rows"], job["liblinear_min_rows"])
        if name in THREADED:
            est.set_params(n_jobs=2)
        return est

    def fold_accuracy(tr, te):
        est = new(len(tr)).fit(X[tr], y[tr])
        return float((est.predict(X[te]) == y[te]).mean())

    if final_only:
        accs = []
    elif name in THREADED:
        accs = [fold_accuracy(tr, te) for tr, te in folds]
    else:
        with threadpool_limits(limits=1):
            accs = Parallel(n_jobs=2, prefer="threads")(delayed(fold_accuracy)(tr, te) for tr, te in folds)
    final = new(len(train)).fit(X[train], y[train])
    proba = final.predict_proba(X[test])
    out = {
        "model": name,
        "cv_accuracy": accs,
        "cv_accuracy_mean": float(np.mean(accs)) if accs else None,
        "test_accuracy": float((proba.argmax(axis=1) == y[test]).mean()),
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
    }
    if name == "xgboost":
        import xgboost
        out["versions"]["xgboost"] = xgboost.__version__
    with open(out_path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
