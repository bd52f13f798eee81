"""Fit scikit-learn's CalibratedClassifierCV(LinearSVC(), cv=3) for the
comparison in ../liblinear_e2e_test.go, and write what it fitted as JSON.

    /usr/bin/python3 linearsvc_reference.py OUT.json

Cases: Iris (../../../../../data/iris.csv through the shared loader, 147
rows), Iris behind a StandardScaler fitted on the training rows, and
make_classification (3 classes, 20 features, 10 informative, 5 redundant,
3000 rows, random_state 0). Each is split with train_test_split (a third
held out, stratified, random_state 0); the Go test fits on the same
training rows, which the file carries.

Each case is fitted with LinearSVC's defaults (tol 1e-4, max_iter 1000),
twice, with random_state 0 and 1: "seed_spread" says how far liblinear's
own result moves with the order it visits the rows in, which bounds how
closely another implementation can be expected to agree. The Iris cases
are also fitted "tight" (tol 1e-9, max_iter 100000), where liblinear
converges to the optimum whatever the order, so the Go solver must reach
the same weights. Every case is also fitted "primal": LinearSVC(dual=False)
at the defaults, liblinear's deterministic trust-region Newton method,
which the Go primal follows step for step. For every calibrated member (one
per StratifiedKFold fold, in order) the file has the LinearSVC's coef_,
intercept_ and n_iter_ and each calibrator's a_ and b_; then
predict_proba on the held-out rows, the held-out accuracy and the fit time
in seconds (informational).
"""

import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "testdata", "python"))
import iris  # noqa: E402  (the shared Iris loader, found through the line above)

CONFIGS = {
    "default": {"tol": 1e-4, "max_iter": 1000},
    "tight": {"tol": 1e-9, "max_iter": 100000},
    "primal": {"tol": 1e-4, "max_iter": 1000, "dual": False},
}


def fit(X, y, Xtest, ytest, params, seed=0):
    est = CalibratedClassifierCV(LinearSVC(random_state=seed, **params), cv=3, method="sigmoid")
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Non-convergence at max_iter is part of what is compared.
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    seconds = time.perf_counter() - start
    members = []
    for cc in est.calibrated_classifiers_:
        members.append({
            "coef": cc.estimator.coef_.tolist(),
            "intercept": cc.estimator.intercept_.tolist(),
            "n_iter": int(cc.estimator.n_iter_),
            "sigmoid_a": [float(c.a_) for c in cc.calibrators],
            "sigmoid_b": [float(c.b_) for c in cc.calibrators],
        })
    proba = est.predict_proba(Xtest)
    return {
        "tol": params["tol"],
        "max_iter": params["max_iter"],
        "dual": params.get("dual", True),
        "members": members,
        "proba": proba.tolist(),
        "accuracy": float((est.classes_[proba.argmax(axis=1)] == ytest).mean()),
        "fit_seconds": seconds,
    }


def spread(a, b):
    """How far two fits that differ only in liblinear's seed are apart: the
    largest difference of member weights (intercepts included) relative to
    the largest weight, of sigmoid coefficients relative to max(1, |a|), and
    of held-out probabilities."""
    coef = sigmoid = 0.0
    for ma, mb in zip(a["members"], b["members"]):
        wa = np.column_stack([ma["coef"], ma["intercept"]])
        wb = np.column_stack([mb["coef"], mb["intercept"]])
        coef = max(coef, float(np.abs(wa - wb).max() / np.abs(wa).max()))
        for k in ("sigmoid_a", "sigmoid_b"):
            sa, sb = np.array(ma[k]), np.array(mb[k])
            sigmoid = max(sigmoid, float((np.abs(sa - sb) / np.maximum(1, np.abs(sa))).max()))
    proba = float(np.abs(np.array(a["proba"]) - np.array(b["proba"])).max())
    return {"coef": coef, "sigmoid": sigmoid, "proba": proba}


def case(name, X, y, standardize=False, tight=True):
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=1 / 3, stratify=y, random_state=0)
    Ftr, Fte = Xtr, Xte
    if standardize:
        scaler = StandardScaler().fit(Xtr)
        Ftr, Fte = scaler.transform(Xtr), scaler.transform(Xte)
    out = {
        "name": name,
        "standardize": standardize,
        "classes": int(len(np.unique(y))),
        "x_train": Xtr.tolist(),
        "y_train": ytr.tolist(),
        "x_test": Xte.tolist(),
        "y_test": yte.tolist(),
    }
    out["default"] = fit(Ftr, ytr, Fte, yte, CONFIGS["default"])
    out["seed_spread"] = spread(out["default"], fit(Ftr, ytr, Fte, yte, CONFIGS["default"], seed=1))
    if tight:
        out["tight"] = fit(Ftr, ytr, Fte, yte, CONFIGS["tight"])
    out["primal"] = fit(Ftr, ytr, Fte, yte, CONFIGS["primal"])
    return out


def main():
    X, y, _ = iris.load()
    Xc, yc = make_classification(n_samples=3000, n_features=20, n_informative=10, n_redundant=5,
                                 n_classes=3, random_state=0)
    cases = [
        case("iris", X, y),
        case("iris_standardized", X, y, standardize=True),
        # Converging to 1e-9 takes liblinear some 40,000 passes here (23 s):
        # this case is compared at the defaults only.
        case("make_classification", Xc, yc, tight=False),
    ]
    with open(sys.argv[1], "w") as f:
        json.dump({"sklearn_version": sklearn.__version__, "cases": cases}, f)


if __name__ == "__main__":
    main()
