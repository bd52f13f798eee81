#!/usr/bin/env python3
"""The other side of mlops tune's e2e comparison: the same nested
cross-validation with scikit-learn's RandomizedSearchCV and with Optuna's
TPESampler, on the folds and over the search spaces mlops sent. Run by
compare_e2e_test.go with Debian's /usr/bin/python3 (python3-sklearn 1.2.1,
python3-xgboost 1.7.4, python3-optuna 3.1.0).

Input (argv[1]): JSON {
  "X": [[...]], "y": [...], "seed": int, "trials": int, "n_jobs": int,
  "methods": ["sklearn", "optuna"],
  "outer": [{"train": [...], "test": [...],
             "inner": [{"train": [...], "test": [...]}, ...]}, ...],
  "models": {name: {"hyperparameters": {...}, "space": [dim, ...]}},
  "auto_hist_rows": int, "liblinear_min_rows": int}
where rows are indices of X, and each dim is space.Dim's JSON form (key,
kind, low, high, log, step, unlimited, choices, when).

For each method, model and outer fold: a search of "trials" points scored
by the mean accuracy (of the most probable class, as mlops scores) over the
fold's inner folds, on the fold's training
rows only; the best point fitted on those rows and scored on the fold's
test rows. Only the search and that refit are timed (not the interpreter's
start, imports or worker processes' start). Both use every core (n_jobs
-1, or n_jobs cores): RandomizedSearchCV through its n_jobs, Optuna with
its studies in parallel processes.

Output (stdout): JSON {"versions": {...}, method: {name: {"outer": [test
accuracy per fold], "inner_best": [...], "chosen": [point per fold],
"seconds": float}}, method + "_seconds": wall time of the method}. A
model's seconds are RandomizedSearchCV's wall time on it, and for Optuna,
whose studies of all models share the processes, its share of the wall
time.
"""
import json
import math
import multiprocessing
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state

# The mapping of mlops's hyper-parameters to the reference estimators, shared
# with the parity tests.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "train", "testdata"))
from reference import AUTO_HIST_ROWS, LIBLINEAR_MIN_ROWS, estimator  # noqa: E402


def top(dim):
    """The highest grid value of an integer dim; with unlimited, the one past
    it stands for null (space.Dim.top)."""
    low, step = dim["low"], dim["step"]
    t = low + math.floor((dim["high"] - low) / step) * step
    return t + step if dim.get("unlimited") else t


class LogInt:
    """A log-scaled integer as mlops (and Optuna's suggest_int(log=True))
    draws it: exp of a uniform draw over [log(low - step/2), log(top +
    step/2)], rounded to the grid; the top value is null when unlimited. A
    scipy-style distribution (rvs) for ParameterSampler."""

    def __init__(self, dim):
        self.dim, self.top = dim, top(dim)
        half = dim["step"] / 2
        self.lo, self.hi = math.log(dim["low"] - half), math.log(self.top + half)

    def rvs(self, random_state=None):
        rng = check_random_state(random_state)
        low, step = self.dim["low"], self.dim["step"]
        v = math.exp(rng.uniform(self.lo, self.hi))
        v = min(max(low + round((v - low) / step) * step, low), self.top)
        return None if self.dim.get("unlimited") and v == self.top else int(v)


def distribution(dim):
    """The scikit-learn distribution (a list, or an object with rvs) that
    draws dim's values as mlops's random sampler does."""
    from scipy.stats import loguniform, uniform

    kind = dim["kind"]
    if kind == "categorical":
        return list(dim["choices"])
    if kind == "float":
        if dim.get("log"):
            return loguniform(dim["low"], dim["high"])
        return uniform(dim["low"], dim["high"] - dim["low"])
    if dim.get("log"):
        return LogInt(dim)
    values = list(range(int(dim["low"]), int(top(dim)) + 1, dim["step"]))
    if dim.get("unlimited"):
        values[-1] = None
    return values


def sklearn_distributions(space):
    """RandomizedSearchCV's param_distributions for space: one dict, or,
    when dims are conditional on a categorical one, one dict per choice of
    it holding the dims active for that choice (ParameterSampler picks a dict
    uniformly, so each choice keeps its uniform chance)."""
    parents = {d["when"]["param"] for d in space if d.get("when")}
    if not parents:
        return {d["key"]: distribution(d) for d in space}
    if len(parents) > 1 or any(d.get("when") and d["key"] in parents for d in space):
        raise SystemExit("compare.py: only one level of conditions on one parameter is supported")
    parent = next(d for d in space if d["key"] in parents)
    out = []
    for choice in parent["choices"]:
        dists = {}
        for d in space:
            if d is parent:
                dists[d["key"]] = [choice]
            elif not d.get("when") or choice in d["when"]["values"]:
                dists[d["key"]] = distribution(d)
        out.append(dists)
    return out


def suggest(trial, space):
    """Optuna's define-by-run suggestion of a point of space: a conditional
    dim is suggested only when its condition holds."""
    point = {}
    for d in space:
        w = d.get("when")
        if w and (w["param"] not in point or point[w["param"]] not in w["values"]):
            continue
        key, kind = d["key"], d["kind"]
        if kind == "categorical":
            point[key] = trial.suggest_categorical(key, d["choices"])
        elif kind == "float":
            point[key] = trial.suggest_float(key, d["low"], d["high"], log=bool(d.get("log")))
        else:
            t = top(d)
            if d.get("log"):
                v = trial.suggest_int(key, int(d["low"]), int(t), log=True)
            else:
                v = trial.suggest_int(key, int(d["low"]), int(t), step=d["step"])
            point[key] = None if d.get("unlimited") and v == t else v
    return point


def make(job, name, point, rows, features):
    """The reference estimator of model name with point laid over its
    hyper-parameters, for rows training rows."""
    h = dict(job["models"][name]["hyperparameters"])
    h.update(point)
    return estimator(name, h, job["seed"], rows, features,
                     job.get("auto_hist_rows", AUTO_HIST_ROWS), job.get("liblinear_min_rows", LIBLINEAR_MIN_ROWS))


def positions(rows, subset):
    """The positions in rows (indices of X) of the indices subset."""
    where = {r: i for i, r in enumerate(rows)}
    return np.asarray([where[r] for r in subset], dtype=np.int64)


def accuracy(est, X, y):
    """The accuracy of the class mlops predicts and serves: the most
    probable one, the first on ties. It is what predict returns for every
    model here but SVC, whose predict takes libsvm's one-vs-one vote
    instead, which disagrees with its Platt probabilities on some rows (on
    wine's outer fold 1 at C of 0.02 to 0.05, 1 or 2 test rows of 36). Every side scores the same
    rule, so that the searches optimize and are judged by one objective.
    Usable as RandomizedSearchCV's scoring (estimator, X, y)."""
    predicted = est.classes_[np.argmax(est.predict_proba(X), axis=1)]
    return float((predicted == y).mean())


def nested_sklearn(job, name, X, y):
    from sklearn.model_selection import RandomizedSearchCV

    space = job["models"][name]["space"]
    res = {"outer": [], "inner_best": [], "chosen": []}
    for f, fold in enumerate(job["outer"]):
        train, test = fold["train"], fold["test"]
        cv = [(positions(train, i["train"]), positions(train, i["test"])) for i in fold["inner"]]
        inner_rows = len(cv[0][0])
        base = make(job, name, {}, inner_rows, X.shape[1])
        # The tuned keys are the estimators' own parameter names; in a
        # pipeline (standardize: true) they belong to its last step.
        prefix = base.steps[-1][0] + "__" if isinstance(base, Pipeline) else ""
        dists = sklearn_distributions(space)
        if prefix:
            dists = [{prefix + k: v for k, v in d.items()} for d in (dists if isinstance(dists, list) else [dists])]
        search = RandomizedSearchCV(base, dists, n_iter=job["trials"], cv=cv, scoring=accuracy,
                                    random_state=job["seed"] + f, n_jobs=job["n_jobs"], refit=True,
                                    error_score="raise")
        search.fit(X[train], y[train])
        res["outer"].append(accuracy(search.best_estimator_, X[test], y[test]))
        res["inner_best"].append(float(search.best_score_))
        res["chosen"].append({k[len(prefix):]: v for k, v in search.best_params_.items()})
    return res


def warm_up(_):
    """Imports what a study needs, so that no model's time includes it."""
    import optuna  # noqa: F401
    import xgboost  # noqa: F401


def optuna_fold(args):
    """One outer fold of nested_optuna: the study on the fold's inner folds,
    then its best point refitted on the fold's training rows and scored on
    its test rows. Runs in a worker process (the data come from _DATA)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    start = time.perf_counter()
    job, X, y = _DATA
    name, f = args
    fold = job["outer"][f]
    space = job["models"][name]["space"]
    inner = [(np.asarray(i["train"]), np.asarray(i["test"])) for i in fold["inner"]]

    def objective(trial):
        point = suggest(trial, space)
        scores = []
        for tr, te in inner:
            est = make(job, name, point, len(tr), X.shape[1])
            est.fit(X[tr], y[tr])
            scores.append(accuracy(est, X[te], y[te]))
        return float(np.mean(scores))

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=job["seed"] + f))
    study.optimize(objective, n_trials=job["trials"])
    point = suggest(optuna.trial.FixedTrial(study.best_params), space)
    train, test = fold["train"], fold["test"]
    est = make(job, name, point, len(train), X.shape[1])
    est.fit(X[train], y[train])
    return name, f, accuracy(est, X[test], y[test]), float(study.best_value), point, time.perf_counter() - start


# _DATA is the job and its arrays in an Optuna worker process.
_DATA = None


def init_worker(job, X, y):
    global _DATA
    _DATA = (job, X, y)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)


def nested_optuna(job, X, pool, processes):
    """Optuna's nested CV of every model: one study per model and outer
    fold, all of them on pool's worker processes, one per core, the costly
    models' first so that no core waits at the end (Optuna runs one trial at
    a time by default; separate processes keep each study deterministic, as
    n_jobs' threads would not). A model's seconds are its share of the
    wall time: the time of its studies over the processes."""
    costly = ("random_forest", "xgboost", "svm")
    names = sorted(job["models"], key=lambda n: (n not in costly, costly.index(n) if n in costly else 0))
    tasks = [(name, f) for name in names for f in range(len(job["outer"]))]
    out = {name: {"outer": [None] * len(job["outer"]), "inner_best": [None] * len(job["outer"]),
                  "chosen": [None] * len(job["outer"]), "seconds": 0.0} for name in names}
    for name, f, acc, best, point, seconds in pool.imap_unordered(optuna_fold, tasks, chunksize=1):
        r = out[name]
        r["outer"][f], r["inner_best"][f], r["chosen"][f] = acc, best, point
        r["seconds"] += seconds / processes
    return out




def main():
    # Both sides fit with the same settings; lbfgs's iteration limit on raw
    # features warns on many folds, as in parity.py.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    # joblib's worker processes (n_jobs) do not inherit these filters but
    # read PYTHONWARNINGS; ConvergenceWarning is a UserWarning.
    os.environ["PYTHONWARNINGS"] = "ignore::UserWarning"
    with open(sys.argv[1]) as f:
        job = json.load(f)
    X = np.asarray(job["X"], dtype=np.float64)
    y = np.asarray(job["y"], dtype=np.int64)
    out = {"versions": {"sklearn": sklearn.__version__, "numpy": np.__version__}}
    for method in job["methods"]:
        if method == "sklearn" and job["n_jobs"] != 1:
            # joblib starts its worker processes (loky's, reused by every
            # search) at first use: start them here, out of the timing.
            from joblib import Parallel, delayed
            Parallel(n_jobs=job["n_jobs"])(delayed(warm_up)(i) for i in range(os.cpu_count()))
        if method == "optuna":
            import optuna
            out["versions"]["optuna"] = optuna.__version__
            # Spawned, not forked: XGBoost's OpenMP runtime, started in this
            # process by RandomizedSearchCV's refits, hangs in a forked child.
            # The workers start (and import) once, before any timing.
            processes = min(os.cpu_count() if job["n_jobs"] < 0 else job["n_jobs"], len(job["outer"]))
            pool = multiprocessing.get_context("spawn").Pool(processes, initializer=init_worker, initargs=(job, X, y))
            pool.map(warm_up, range(processes), chunksize=1)
        start = time.perf_counter()
        if method == "optuna":
            out[method] = nested_optuna(job, X, pool, processes)
            pool.close()
            pool.join()
        else:
            out[method] = {}
            for name in job["models"]:
                t = time.perf_counter()
                out[method][name] = nested_sklearn(job, name, X, y)
                out[method][name]["seconds"] = time.perf_counter() - t
        out[method + "_seconds"] = time.perf_counter() - start
        for name, r in out[method].items():
            print(f"compare.py: {method} {name}: {np.mean(r['outer']):.4f} in {r['seconds']:.1f}s", file=sys.stderr)
    if "xgboost" in job["models"]:
        import xgboost
        out["versions"]["xgboost"] = xgboost.__version__
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
