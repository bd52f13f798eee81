"""Write sklearn_svm.json: scikit-learn's SVC (libsvm) fitted on Iris.

The Go tests in the parent directory fit the same problems and compare the
support vectors, the dual coefficients, the intercepts and the decision
values. Run from any directory with Debian's interpreter, which has
scikit-learn:

    /usr/bin/python3 gen_sklearn_svm.py

Data: ../../../../../data/iris.csv, read with the csv module; exact duplicate
rows are dropped keeping the first (as pandas.DataFrame.drop_duplicates),
which leaves 147 rows. Classes are the species names sorted
lexicographically, features are the columns in file order; each case uses a
subset of the rows and columns.

Values are libsvm's, undoing scikit-learn's sign flip for two classes:
"dual_coef" is libsvm's sv_coef (SVC._dual_coef_), "intercept" is −rho
(SVC._intercept_), "decision" is libsvm's one-vs-one decision values (SVC
with decision_function_shape="ovo", negated for two classes). "support" are
row indices into the case's rows, in libsvm's order (grouped by class).
"proba" is predict_proba of SVC(probability=True, random_state=0): its Platt
scaling depends on libsvm's random shuffle, which the Go side cannot
reproduce, so the tests compare it loosely.
"""

import os
import sys

from sklearn.svm import SVC

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "testdata", "python"))
import iris  # noqa: E402  (the shared Iris loader, found through the line above)
import refjson  # noqa: E402



def fit_case(name, X, y, rows, columns, params):
    Xc, yc = X[rows][:, columns], y[rows]
    est = SVC(decision_function_shape="ovo", **params).fit(Xc, yc)
    dec = est.decision_function(Xc)
    if len(est.classes_) == 2:
        dec = -dec.reshape(-1, 1)
    prob = SVC(decision_function_shape="ovo", probability=True, random_state=0, **params).fit(Xc, yc)
    return {
        "name": name,
        "rows": [int(r) for r in rows],
        "columns": list(columns),
        "labels": [int(c) for c in est.classes_],
        "kernel": params["kernel"],
        "C": params.get("C", 1.0),
        "gamma": params.get("gamma", "scale"),
        "tol": params.get("tol", 1e-3),
        "fitted_gamma": float(est._gamma) if params["kernel"] == "rbf" else 0.0,
        "n_support": est.n_support_.tolist(),
        "support": est.support_.tolist(),
        "dual_coef": est._dual_coef_.tolist(),
        "intercept": est._intercept_.tolist(),
        "decision": dec.tolist(),
        "proba": prob.predict_proba(Xc).tolist(),
        "predict": est.predict(Xc).tolist(),
    }


def main():
    X, y, _ = iris.load()
    n = len(y)
    everything = list(range(n))
    two_classes = [i for i in range(n) if y[i] != 0]  # versicolor vs virginica
    all4, sepals = [0, 1, 2, 3], [0, 1]
    cases = [
        fit_case("iris linear C=1", X, y, everything, all4, dict(kernel="linear", C=1.0)),
        fit_case("iris linear C=0.05", X, y, everything, all4, dict(kernel="linear", C=0.05)),
        fit_case("iris rbf gamma=scale", X, y, everything, all4, dict(kernel="rbf", C=1.0, gamma="scale")),
        fit_case("iris rbf gamma=auto C=10", X, y, everything, all4, dict(kernel="rbf", C=10.0, gamma="auto")),
        fit_case("iris sepals rbf gamma=0.5", X, y, everything, sepals, dict(kernel="rbf", C=1.0, gamma=0.5)),
        fit_case("versicolor-virginica sepals linear", X, y, two_classes, sepals, dict(kernel="linear", C=1.0)),
        fit_case("versicolor-virginica rbf tol=1e-5", X, y, two_classes, all4, dict(kernel="rbf", C=3.0, tol=1e-5)),
    ]
    out = {
        "command": "/usr/bin/python3 gen_sklearn_svm.py",
        "estimator": "SVC(kernel, C, gamma, tol, decision_function_shape='ovo').fit(X[rows][:, columns], y[rows])",
        **refjson.versions(),
        "features": iris.FEATURES,
        "cases": cases,
    }
    refjson.write(out, "sklearn_svm.json", HERE)


if __name__ == "__main__":
    main()
