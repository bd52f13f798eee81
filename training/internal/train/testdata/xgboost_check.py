#!/usr/bin/env python3
"""Checks mlops's gradient-boosted trees against XGBoost itself. Run by
xgboost_e2e_test.go with Debian's /usr/bin/python3 (python3-xgboost 1.7.4).

Input (argv[1]): JSON {"X": [[...]], "y": [...], "seed": int,
  "hyperparameters": {params.yaml's models.xgboost}, "features": [names],
  "model": path of the model mlops exported in XGBoost's JSON format}
Output (stdout): JSON {"version": str,
  "fitted": [[p]] (XGBClassifier(tree_method="exact") fitted on X, y with the
             same hyper-parameters: predict_proba on every row of X),
  "exported": [[p]] (xgboost.Booster().load_model(model): predict on X)}
The Go side compares both with its own probabilities.
"""
import json
import sys

import numpy as np
import xgboost


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    X = np.asarray(job["X"], dtype=np.float64)
    y = np.asarray(job["y"], dtype=np.int64)
    h = job["hyperparameters"]
    method = h.get("tree_method", "exact")
    if method == "auto":  # as mlops resolves it
        method = "exact" if len(job["X"]) < job.get("auto_hist_rows", 5000) else "hist"
    est = xgboost.XGBClassifier(tree_method=method, max_bin=h.get("max_bin", 256),
                                n_estimators=h["n_estimators"],
                                learning_rate=h["learning_rate"], max_depth=h["max_depth"],
                                min_child_weight=h["min_child_weight"], gamma=h["gamma"],
                                reg_lambda=h["reg_lambda"], reg_alpha=h["reg_alpha"],
                                subsample=h["subsample"], colsample_bytree=h["colsample_bytree"],
                                base_score=h["base_score"], random_state=job["seed"],
                                # One thread: OpenMP threads spin and crawl on a loaded
                                # machine, and the trees do not depend on it.
                                n_jobs=1)
    est.fit(X, y)
    booster = xgboost.Booster({"nthread": 1})
    booster.load_model(job["model"])
    exported = booster.predict(xgboost.DMatrix(X, feature_names=job["features"]))
    json.dump({
        "version": xgboost.__version__,
        "fitted": est.predict_proba(X).astype(np.float64).tolist(),
        "exported": exported.astype(np.float64).tolist(),
    }, sys.stdout)


if __name__ == "__main__":
    main()
