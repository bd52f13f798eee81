"""Write sklearn_linear_svm_predict.json: fitted scikit-learn
CalibratedClassifierCV(LinearSVC(), cv=3) models and what they predict, for
the model package's LinearSVM prediction tests.

The Go test builds a model.LinearSVM from each model's fitted parameters
(per calibrated member: the LinearSVC's coef_ and intercept_, each
calibrator's a_ and b_) and checks that it reproduces scikit-learn's
decision values and predict_proba. Run from any directory with Debian's
interpreter, which has scikit-learn:

    /usr/bin/python3 gen_sklearn_linear_svm_predict.py

Data: ../../../data/iris.csv with exact duplicate rows dropped (147 rows),
classes sorted by name, features in file order. Models are fitted on all
rows (or on the two classes the case names) with LinearSVC(random_state=0),
whose iteration limit is part of the fit; the "standardized" case fits
behind a StandardScaler whose mean_ and scale_ the file records, and feeds
it raw inputs. Inputs are every fifth row plus points outside the data.
"decision" holds each member's decision_function on the (scaled) inputs.
"""

import os
import sys
import warnings

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "testdata", "python"))
import iris  # noqa: E402  (the shared Iris loader, found through the line above)
import refjson  # noqa: E402

EXTRA = [[0.0, 0.0, 0.0, 0.0], [10.0, 10.0, 10.0, 10.0], [5.0, 3.0, 2.5, 0.8], [6.5, 2.8, 4.9, 1.6]]


def case(name, X, y, standardize=False):
    cal = CalibratedClassifierCV(LinearSVC(random_state=0), cv=3, method="sigmoid")
    est = make_pipeline(StandardScaler(), cal) if standardize else cal
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    inputs = np.vstack([X[::5], np.array(EXTRA)])
    scaled = est[0].transform(inputs) if standardize else inputs
    members = []
    for cc in cal.calibrated_classifiers_:
        dec = cc.estimator.decision_function(scaled)
        members.append({
            "coef": cc.estimator.coef_.tolist(),
            "intercept": cc.estimator.intercept_.tolist(),
            "sigmoid_a": [float(c.a_) for c in cc.calibrators],
            "sigmoid_b": [float(c.b_) for c in cc.calibrators],
            "decision": dec.reshape(len(inputs), -1).tolist(),
        })
    return {
        "name": name,
        "labels": [int(c) for c in cal.classes_],
        "mean": est[0].mean_.tolist() if standardize else [],
        "scale": est[0].scale_.tolist() if standardize else [],
        "members": members,
        "inputs": inputs.tolist(),
        "proba": est.predict_proba(inputs).tolist(),
    }


def main():
    X, y, _ = iris.load()
    two = y != 0
    cases = [
        case("iris", X, y),
        case("iris standardized", X, y, standardize=True),
        case("versicolor-virginica", X[two], y[two]),
    ]
    out = {
        "command": "/usr/bin/python3 gen_sklearn_linear_svm_predict.py",
        "estimator": "CalibratedClassifierCV(LinearSVC(random_state=0), cv=3, method='sigmoid')",
        **refjson.versions(),
        "cases": cases,
    }
    refjson.write(out, "sklearn_linear_svm_predict.json", HERE)


if __name__ == "__main__":
    main()
