"""Write sklearn_coef.json: scikit-learn's multinomial logistic regression on Iris.

The Go tests in the parent directory compare their fits with these values.
Run from this directory with Debian's interpreter, which has scikit-learn:

    /usr/bin/python3 gen_sklearn_coef.py

Data: ../../../../../data/iris.csv, read with the csv module; exact duplicate
rows are dropped keeping the first (as pandas.DataFrame.drop_duplicates), which
leaves 147 rows. Classes are the species names sorted lexicographically,
features are the columns in file order.

Each case is fitted twice on the raw features (or, when "standardize" is true,
by a StandardScaler + LogisticRegression pipeline):

  - "lbfgs": LogisticRegression(C=C, multi_class="multinomial", solver="lbfgs",
    tol=1e-10, max_iter=100000). scikit-learn 1.2 passes tol to SciPy's
    L-BFGS-B as gtol only, so SciPy's default ftol (factr 1e7, about 2.2e-9
    relative change of the objective) stops it first: on raw Iris with C=1 its
    coefficients are up to about 1e-2 away from the optimum and
    max_abs_gradient below shows how far from stationary it stopped.
  - "reference": the same estimator with solver="newton-cg", tol=1e-8, which
    stops only when the largest gradient component is below tol and so lands
    within about 1e-9 of the optimum of the same objective. The Go tests
    compare their coefficients with these.

max_abs_gradient is the largest component of the gradient of scikit-learn's
objective, sum_i -log softmax(W x_i + b)_{y_i} + |W|^2 / (2C), at the fitted
parameters.
"""

import os
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "testdata", "python"))
import iris  # noqa: E402  (the shared Iris loader, found through the line above)
import refjson  # noqa: E402

LBFGS_TOL = 1e-10
REFERENCE_TOL = 1e-8
MAX_ITER = 100000


def estimator(c, standardize, solver, tol):
    lr = LogisticRegression(C=c, multi_class="multinomial", solver=solver, tol=tol, max_iter=MAX_ITER)
    return make_pipeline(StandardScaler(), lr) if standardize else lr


def max_abs_gradient(X, y, coef, intercept, c):
    """Return the largest gradient component of scikit-learn's objective."""
    z = X @ coef.T + intercept
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    grad_w = p.T @ X + coef / c
    grad_b = p.sum(axis=0)
    return float(max(np.abs(grad_w).max(), np.abs(grad_b).max()))


def fit(X, y, c, standardize, solver, tol):
    est = estimator(c, standardize, solver, tol).fit(X, y)
    lr = est[-1] if standardize else est
    Xs = est[0].transform(X) if standardize else X
    return {
        "solver": solver,
        "tol": tol,
        "n_iter": int(lr.n_iter_[0]),
        "max_abs_gradient": max_abs_gradient(Xs, y, lr.coef_, lr.intercept_, c),
        "coef": lr.coef_.tolist(),
        "intercept": lr.intercept_.tolist(),
        "predict_proba_first5": est.predict_proba(X[:5]).tolist(),
    }, est


def main():
    X, y, classes = iris.load()
    cases = []
    for standardize in (False, True):
        for c in (1.0, 0.1):
            reference, est = fit(X, y, c, standardize, "newton-cg", REFERENCE_TOL)
            lbfgs, _ = fit(X, y, c, standardize, "lbfgs", LBFGS_TOL)
            case = {
                "name": "C=%g%s" % (c, ", standardized" if standardize else ""),
                "C": c,
                "standardize": standardize,
                "reference": reference,
                "lbfgs": lbfgs,
            }
            if standardize:
                case["mean"] = est[0].mean_.tolist()
                case["scale"] = est[0].scale_.tolist()
            cases.append(case)
    out = {
        "command": "/usr/bin/python3 gen_sklearn_coef.py",
        "estimator": 'LogisticRegression(C=C, multi_class="multinomial", solver=solver, tol=tol, max_iter=%d), '
        "preceded by StandardScaler() when standardize is true" % MAX_ITER,
        **refjson.versions(),
        "rows": int(X.shape[0]),
        "features": iris.FEATURES,
        "classes": classes,
        "cases": cases,
    }
    refjson.write(out, "sklearn_coef.json", HERE, indent=2)


if __name__ == "__main__":
    main()
