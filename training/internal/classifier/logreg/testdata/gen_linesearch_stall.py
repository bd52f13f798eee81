"""Write linesearch_stall.csv and linesearch_stall.json: data on which L-BFGS's
line search used to stall before the gradient test passed.

The Go tests in the parent directory fit the CSV's rows. TestFitStopsAsSciPy
repeats each REPEATS times, standardizes them and expects the fit to stop as
scikit-learn's does, converged, without a warning, in about its number of
iterations. TestFitLineSearchStall makes the line search fail on the same
rows shifted by 1e6 and expects a warning and the best parameters found, not
an error. Run from this directory with Debian's interpreter, which has
scikit-learn:

    /usr/bin/python3 gen_linesearch_stall.py

Why these data: on scikit-learn's make_classification(n_samples=10000,
n_features=20, n_informative=10, n_redundant=5, n_classes=3), the default
fit (C=1, tol=1e-4, max_iter=100, raw features) used to abort `mlops train`
with "linesearch: failed to converge with the largest gradient component at
0.00011". Near the optimum the decrease a step could bring becomes
comparable to the rounding of the objective, a sum over every row, so the
line search could not improve it although the gradient was still above tol.
SciPy, and now mlops, stop before that: once an iteration lowers the
objective by no more than ftol (2.2e-9) of it. The effect needs the
objective's scale of many rows, not many distinct rows: 200 rows (seed 2),
rounded to 4 decimals and repeated 200 times, 40,000 rows, stalled the line
search at iteration 42 with the largest gradient component at 9e-4 (without
the ftol test), from a 30 kB file. Repeating rows is what scikit-learn's
sample_weight does, so the reference below fits the 200 rows with
sample_weight=200, after StandardScaler as mlops's standardize: true.

linesearch_stall.json records scikit-learn's fit of the same data: its
training accuracy (the Go test expects its own to be close), its number of
iterations and its convergence warnings.
"""

import json
import os
import sys
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = 200
SEED = 2
REPEATS = 200


def main():
    X, y = make_classification(
        n_samples=ROWS, n_features=20, n_informative=10, n_redundant=5, n_classes=3, random_state=SEED
    )
    lines = [",".join(["f%d" % j for j in range(X.shape[1])] + ["label"])]
    for row, label in zip(X, y):
        lines.append(",".join("%.4f" % v for v in row) + ",%d" % label)
    with open(os.path.join(HERE, "linesearch_stall.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")

    # Fit what the file holds, not the unrounded values.
    data = np.loadtxt(os.path.join(HERE, "linesearch_stall.csv"), delimiter=",", skiprows=1)
    X, y = data[:, :-1], data[:, -1].astype(int)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        lr = make_pipeline(StandardScaler(), LogisticRegression(multi_class="multinomial"))
        lr.fit(X, y, logisticregression__sample_weight=np.full(len(y), REPEATS))
    ref = {
        "command": "/usr/bin/python3 gen_linesearch_stall.py",
        "generator": "make_classification(n_samples=%d, n_features=20, n_informative=10, n_redundant=5, n_classes=3, random_state=%d), rounded to 4 decimals" % (ROWS, SEED),
        "estimator": "StandardScaler, LogisticRegression(multi_class=\"multinomial\") (C=1, tol=1e-4, max_iter=100), sample_weight=%d" % REPEATS,
        "standardize": True,
        "sklearn_version": sklearn.__version__,
        "scipy_version": scipy.__version__,
        "numpy_version": np.__version__,
        "rows": ROWS,
        "repeats": REPEATS,
        "n_iter": int(lr[-1].n_iter_[0]),
        "convergence_warnings": [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)],
        "train_accuracy": float(lr.score(X, y)),
    }
    with open(os.path.join(HERE, "linesearch_stall.json"), "w") as f:
        json.dump(ref, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
