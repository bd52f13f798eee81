#!/usr/bin/env python3
"""Checks the hist tree method (and the exact one on missing values) against
XGBoost 1.7's own. Run by hist_e2e_test.go with Debian's /usr/bin/python3
(python3-xgboost 1.7.4).

Input (argv[1]): JSON {"tree_method": "hist" or "exact",
  "X": [[x or null]], "y": [...], "X_test": [[x or null]],
  "hyperparameters": {n_estimators, learning_rate, max_depth, max_bin, ...},
  "features": [names], "model": path of the model mlops exported in
  XGBoost's JSON format}
  (null is a missing value: NaN, which XGBoost treats as missing)
Output (stdout): JSON {"version": str,
  "fitted": [[p]] (XGBClassifier(tree_method) fitted on X, y with the
             same hyper-parameters: predict_proba on X_test),
  "exported": [[p]] (xgboost.Booster().load_model(model): predict on X_test)}
"""
import json
import sys

import numpy as np
import xgboost


def matrix(rows):
    return np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=np.float64)


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    X, X_test = matrix(job["X"]), matrix(job["X_test"])
    y = np.asarray(job["y"], dtype=np.int64)
    h = job["hyperparameters"]
    est = xgboost.XGBClassifier(tree_method=job["tree_method"], n_estimators=h["n_estimators"],
                                learning_rate=h["learning_rate"], max_depth=h["max_depth"],
                                max_bin=h["max_bin"], min_child_weight=h["min_child_weight"],
                                gamma=h["gamma"], reg_lambda=h["reg_lambda"],
                                reg_alpha=h["reg_alpha"], base_score=h["base_score"],
                                # One thread: OpenMP threads spin and crawl on a loaded
                                # machine, and the trees do not depend on it.
                                n_jobs=1)
    est.fit(X, y)
    booster = xgboost.Booster({"nthread": 1})
    booster.load_model(job["model"])
    exported = booster.predict(xgboost.DMatrix(X_test, missing=np.nan, feature_names=job["features"]))
    json.dump({
        "version": xgboost.__version__,
        "fitted": est.predict_proba(X_test).astype(np.float64).tolist(),
        "exported": exported.astype(np.float64).tolist(),
    }, sys.stdout)


if __name__ == "__main__":
    main()
