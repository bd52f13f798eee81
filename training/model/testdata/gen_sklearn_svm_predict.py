"""Write sklearn_svm_predict.json: fitted scikit-learn SVC models and what
they predict, for the model package's SVM prediction tests.

The Go test builds a model.SVM from each model's libsvm parameters (support
vectors, dual coefficients, intercepts, probA and probB) and checks that it
reproduces scikit-learn's decision values and predict_proba. Run from any
directory with Debian's interpreter, which has scikit-learn:

    /usr/bin/python3 gen_sklearn_svm_predict.py

Data: ../../../data/iris.csv with exact duplicate rows dropped (147 rows),
classes sorted by name, features in file order. Models are fitted on all
rows (or on the two classes the case names) with probability=True and
random_state=0. Inputs are every fifth row plus points outside the data.

Values are libsvm's: "dual_coef" is sv_coef (SVC._dual_coef_), "intercept"
is -rho (SVC._intercept_), "prob_a"/"prob_b" are probA_/probB_, "decision"
is the one-vs-one decision function (negated for two classes, where
scikit-learn flips its sign), "proba" is predict_proba and "predict" the
class libsvm's vote picks.
"""

import os
import sys

import numpy as np
from sklearn.svm import SVC

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "testdata", "python"))
import iris  # noqa: E402  (the shared Iris loader, found through the line above)
import refjson  # noqa: E402

EXTRA = [[0.0, 0.0, 0.0, 0.0], [10.0, 10.0, 10.0, 10.0], [5.0, 3.0, 2.5, 0.8], [6.5, 2.8, 4.9, 1.6]]


def case(name, X, y, params):
    est = SVC(probability=True, random_state=0, decision_function_shape="ovo", **params).fit(X, y)
    inputs = np.vstack([X[::5], np.array(EXTRA)])
    dec = est.decision_function(inputs)
    if len(est.classes_) == 2:
        dec = -dec.reshape(-1, 1)
    return {
        "name": name,
        "kernel": params["kernel"],
        "gamma": float(est._gamma) if params["kernel"] == "rbf" else 0.0,
        "labels": [int(c) for c in est.classes_],
        "n_support": est.n_support_.tolist(),
        "support_vectors": est.support_vectors_.tolist(),
        "dual_coef": est._dual_coef_.tolist(),
        "intercept": est._intercept_.tolist(),
        "prob_a": est.probA_.tolist(),
        "prob_b": est.probB_.tolist(),
        "inputs": inputs.tolist(),
        "decision": dec.tolist(),
        "proba": est.predict_proba(inputs).tolist(),
        "predict": est.predict(inputs).tolist(),
    }


def main():
    X, y, _ = iris.load()
    two = y != 0
    cases = [
        case("iris linear", X, y, dict(kernel="linear", C=1.0)),
        case("iris rbf", X, y, dict(kernel="rbf", C=1.0, gamma="scale")),
        case("versicolor-virginica rbf", X[two], y[two], dict(kernel="rbf", C=1.0, gamma="scale")),
    ]
    out = {
        "command": "/usr/bin/python3 gen_sklearn_svm_predict.py",
        "estimator": "SVC(kernel, C, gamma, probability=True, random_state=0, decision_function_shape='ovo')",
        **refjson.versions(),
        "cases": cases,
    }
    refjson.write(out, "sklearn_svm_predict.json", HERE)


if __name__ == "__main__":
    main()
