#!/usr/bin/env python3
"""Optuna's fANOVA on the Go test's trials and trees (fanova_e2e_test.go).

Usage: fanova.py JOB.json OUT.json. JOB holds

  params: [{name, choices} for a categorical, {name, low, high} otherwise]
  x, y:   the complete trials' values (a choice's index for a categorical,
          null for a conditional parameter the trial does not have) and
          objective values
  seeds:  seeds for FanovaImportanceEvaluator
  forest: {bounds, columns, trees: [{feature, threshold, left, right,
          value}]}, trees fitted by the Go forest on the encoded trials

and OUT gets

  importances: per seed, each parameter's importance in params order, from
               optuna.importance.FanovaImportanceEvaluator(seed=seed) on a
               study holding the trials; null for a parameter it leaves out
  trees:       per Go tree, Optuna's _FanovaTree's variance and each
               parameter's marginal variance (over its columns)

Numerical parameters are FloatDistribution(low, high): the evaluator
encodes an int or a log-scaled distribution the same way
(_SearchSpaceTransform(transform_log=False, transform_step=False)), and
the Go side already put an integer's high on its grid.
"""
import json
import sys
import warnings

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.importance import FanovaImportanceEvaluator
from optuna.importance._fanova._tree import _FanovaTree


class SklearnTree:
    """The attributes of sklearn.tree._tree.Tree that _FanovaTree reads."""

    def __init__(self, t, n_features):
        self.n_features = n_features
        self.node_count = len(t["feature"])
        self.feature = np.array(t["feature"], dtype=np.int64)
        self.threshold = np.array(t["threshold"], dtype=np.float64)
        self.children_left = np.array(t["left"], dtype=np.int64)
        self.children_right = np.array(t["right"], dtype=np.int64)
        self.value = np.array(t["value"], dtype=np.float64).reshape(-1, 1, 1)


def study_of(job):
    dists = {}
    for p in job["params"]:
        if "choices" in p:
            dists[p["name"]] = CategoricalDistribution([f"c{i}" for i in range(p["choices"])])
        else:
            dists[p["name"]] = FloatDistribution(p["low"], p["high"])
    study = optuna.create_study(direction="maximize")
    for row, value in zip(job["x"], job["y"]):
        params = {}
        for p, v in zip(job["params"], row):
            if v is None:
                continue  # a conditional parameter, inactive in this trial
            params[p["name"]] = f"c{int(v)}" if "choices" in p else float(v)
        study.add_trial(optuna.trial.create_trial(
            params=params, distributions={n: dists[n] for n in params}, value=value))
    return study


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.simplefilter("ignore")
    out = {"importances": [], "trees": []}
    study = study_of(job)
    names = [p["name"] for p in job["params"]]
    for seed in job["seeds"]:
        imp = FanovaImportanceEvaluator(seed=seed).evaluate(study)
        # None for a parameter Optuna leaves out (not in every trial).
        out["importances"].append([imp.get(n) for n in names])
    forest = job.get("forest")
    if forest:
        bounds = np.array(forest["bounds"], dtype=np.float64)
        for t in forest["trees"]:
            ft = _FanovaTree(SklearnTree(t, len(bounds)), bounds)
            out["trees"].append({
                "variance": float(ft.variance),
                "marginals": [
                    None if cols is None else float(ft.get_marginal_variance(np.array(cols)))
                    for cols in forest["columns"]
                ],
            })
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
