"""Time scikit-learn's CalibratedClassifierCV(LinearSVC(), cv=3) for the
side-by-side measurement in ../liblinear_speed_e2e_test.go.

    /usr/bin/python3 linearsvc_speed.py ROWS OUT.json

Data: make_classification with 3 classes, 20 features (10 informative, 5
redundant), ROWS training rows plus a quarter as many held out,
random_state 0. The file carries both sets, the fit time in seconds (best
of the repeats given by the Go test's needs: one fit at 100,000 rows,
three below), the held-out accuracy and predict_proba.
"""

import json
import sys
import time
import warnings

from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC


def main():
    rows = int(sys.argv[1])
    test = rows // 4
    X, y = make_classification(n_samples=rows + test, n_features=20, n_informative=10, n_redundant=5,
                               n_classes=3, random_state=0)
    Xtr, ytr, Xte, yte = X[:rows], y[:rows], X[rows:], y[rows:]
    best = None
    for _ in range(1 if rows >= 100000 else 3):
        est = CalibratedClassifierCV(LinearSVC(random_state=0), cv=3, method="sigmoid")
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(Xtr, ytr)
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    proba = est.predict_proba(Xte)
    out = {
        "x_train": Xtr.tolist(), "y_train": ytr.tolist(), "x_test": Xte.tolist(), "y_test": yte.tolist(),
        "fit_seconds": best,
        "accuracy": float((est.classes_[proba.argmax(axis=1)] == yte).mean()),
        "proba": proba.tolist(),
    }
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
