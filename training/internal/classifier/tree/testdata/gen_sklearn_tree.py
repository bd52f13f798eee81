"""Write sklearn_tree.json: scikit-learn's DecisionTreeClassifier on small data.

The Go tests in the parent directory grow the same trees and compare them
node by node. Run from any directory with Debian's interpreter, which has
scikit-learn:

    /usr/bin/python3 gen_sklearn_tree.py

Data: ../../../../../data/iris.csv, read with the csv module; exact duplicate
rows are dropped keeping the first (as pandas.DataFrame.drop_duplicates), which
leaves 147 rows. Classes are the species names sorted lexicographically,
features are the columns in file order; each case uses a subset of them. The
"small" data set is written out below.

Ties. scikit-learn visits the features of every node in a random order and
keeps the first best split, so when two splits are exactly as good the tree
depends on random_state. Each case is therefore fitted with random_state 0 to
29 and every distinct tree is written with the random states that grew it.
Most cases were chosen so that there is one ("tie_free": true); the full Iris
case has a tie at the root (petal_length <= 2.45 and petal_width <= 0.8 both
isolate setosa) and shows two.

Trees are written in the model package's convention: leaves have feature -1,
threshold 0 and children -1, and "value" holds each node's class
probabilities (scikit-learn's weighted class counts, normalized). Thresholds
are scikit-learn's: it stores X as float32, so a threshold is the float64
midpoint of two float32 values, which differs from the float64 midpoint in
about the 8th significant digit.
"""

import os
import sys

import numpy as np
from sklearn.tree import DecisionTreeClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "testdata", "python"))
import iris  # noqa: E402  (the shared Iris loader, found through the line above)
import refjson  # noqa: E402

RANDOM_STATES = range(30)

# SMALL is ten points on two integer features where the two criteria choose
# different root splits at max_depth=2 (gini: x0 <= 0.5, entropy: x0 <= 4.5).
SMALL_X = [[float(i), float(v)] for i, v in enumerate([1, 3, 8, 5, 4, 2, 9, 7, 6, 0])]
SMALL_Y = [2, 1, 1, 1, 2, 0, 1, 0, 1, 1]


def export(est):
    t = est.tree_
    leaf = t.children_left == -1
    value = t.value[:, 0, :]
    value = value / value.sum(axis=1, keepdims=True)
    return {
        "feature": np.where(leaf, -1, t.feature).tolist(),
        "threshold": np.where(leaf, 0.0, t.threshold).tolist(),
        "left": t.children_left.tolist(),
        "right": t.children_right.tolist(),
        "value": value.tolist(),
        "samples": t.n_node_samples.tolist(),
    }


def fit_case(name, data, X, y, classes, columns, params, weights=None):
    Xc = X[:, columns]
    trees = []
    for rs in RANDOM_STATES:
        est = DecisionTreeClassifier(random_state=rs, **params).fit(Xc, y, sample_weight=weights)
        tree = export(est)
        for t in trees:
            if t["tree"] == tree:
                t["random_states"].append(rs)
                break
        else:
            trees.append({"random_states": [rs], "tree": tree})
    return {
        "name": name,
        "data": data,
        "columns": list(columns),
        "classes": classes,
        "criterion": params.get("criterion", "gini"),
        "max_depth": params.get("max_depth") or 0,
        "min_samples_split": params.get("min_samples_split", 2),
        "min_samples_leaf": params.get("min_samples_leaf", 1),
        "min_impurity_decrease": params.get("min_impurity_decrease", 0.0),
        "weights": None if weights is None else weights.tolist(),
        "tie_free": len(trees) == 1,
        "trees": trees,
    }


def main():
    X, y, _ = iris.load()
    n = len(y)
    sx, sy = np.array(SMALL_X), np.array(SMALL_Y)
    cycle3 = (1 + np.arange(n) % 3).astype(np.float64)
    cycle4 = (np.arange(n) % 4).astype(np.float64)  # every fourth row has weight 0
    no_pl, no_pw, all4 = [0, 1, 3], [0, 1, 2], [0, 1, 2, 3]
    cases = [
        fit_case("small gini depth 2", "small", sx, sy, 3, [0, 1], dict(criterion="gini", max_depth=2)),
        fit_case("small entropy depth 2", "small", sx, sy, 3, [0, 1], dict(criterion="entropy", max_depth=2)),
        fit_case("small gini unlimited", "small", sx, sy, 3, [0, 1], dict(criterion="gini")),
        fit_case("iris without petal_length gini depth 3", "iris", X, y, 3, no_pl, dict(criterion="gini", max_depth=3)),
        fit_case("iris without petal_length entropy depth 3", "iris", X, y, 3, no_pl, dict(criterion="entropy", max_depth=3)),
        fit_case("iris without petal_width gini min_samples_leaf 5", "iris", X, y, 3, no_pw, dict(criterion="gini", min_samples_leaf=5)),
        fit_case("iris without petal_length entropy min_samples_split 20", "iris", X, y, 3, no_pl, dict(criterion="entropy", min_samples_split=20)),
        fit_case("iris without petal_width gini min_impurity_decrease 0.01", "iris", X, y, 3, no_pw, dict(criterion="gini", min_impurity_decrease=0.01)),
        fit_case("iris without petal_length entropy min_impurity_decrease 0.01", "iris", X, y, 3, no_pl, dict(criterion="entropy", min_impurity_decrease=0.01)),
        fit_case("iris without petal_width gini depth 4 min_samples_leaf 3", "iris", X, y, 3, no_pw, dict(criterion="gini", max_depth=4, min_samples_leaf=3)),
        fit_case("iris without petal_width gini min_samples_leaf 5 weights 1+i%3", "iris", X, y, 3, no_pw, dict(criterion="gini", min_samples_leaf=5), cycle3),
        fit_case("iris without petal_length entropy depth 3 weights i%4", "iris", X, y, 3, no_pl, dict(criterion="entropy", max_depth=3), cycle4),
        fit_case("iris gini depth 3 (tie at the root)", "iris", X, y, 3, all4, dict(criterion="gini", max_depth=3)),
    ]
    out = {
        "command": "/usr/bin/python3 gen_sklearn_tree.py",
        "estimator": "DecisionTreeClassifier(criterion, max_depth, min_samples_split, min_samples_leaf, "
        "min_impurity_decrease, random_state=0..29).fit(X[:, columns], y, sample_weight=weights)",
        **refjson.versions(),
        "features": iris.FEATURES,
        "small_x": SMALL_X,
        "small_y": SMALL_Y,
        "cases": cases,
    }
    refjson.write(out, "sklearn_tree.json", HERE, indent=1)


if __name__ == "__main__":
    main()
