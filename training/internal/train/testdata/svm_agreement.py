#!/usr/bin/env python3
"""Fits scikit-learn's SVC(kernel="linear") on the training rows mlops chose
and prints its predictions on the test rows, so svm_e2e_test.go can measure
how often the two implementations agree. Run with Debian's /usr/bin/python3
(python3-sklearn 1.2.1).

Input (argv[1]): JSON {"X": [[...]], "y": [...], "train": [...], "test": [...],
  "C": float, "tol": float, "shrinking": bool, "seed": int}
Output (stdout): JSON {"versions": {...}, "predict": [...], "proba_argmax": [...]}
  "predict" is SVC.predict (libsvm's one-vs-one vote), "proba_argmax" the
  most probable class of SVC(probability=True).predict_proba.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.svm import SVC


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    X = np.asarray(job["X"], dtype=np.float64)
    y = np.asarray(job["y"], dtype=np.int64)
    train, test = job["train"], job["test"]
    est = SVC(kernel="linear", C=job["C"], tol=job["tol"], shrinking=job["shrinking"],
              probability=True, random_state=job["seed"]).fit(X[train], y[train])
    proba = est.predict_proba(X[test])
    out = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "predict": est.predict(X[test]).tolist(),
        "proba_argmax": est.classes_[np.argmax(proba, axis=1)].tolist(),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
