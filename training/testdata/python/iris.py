"""Iris as every reference script here reads it.

data/iris.csv read with the csv module; exact duplicate rows are dropped
keeping the first (as pandas.DataFrame.drop_duplicates and as `mlops train`
does), which leaves 147 rows. Classes are the species names sorted
lexicographically and features are the columns in file order, so class and
feature indices match the Go side's.

Scripts in the repository import it after putting this folder on sys.path:

    sys.path.insert(0, os.path.join(REPO, "training", "testdata", "python"))
    import iris
"""

import csv
import os

import numpy as np

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
DATA = os.path.join(REPO, "data", "iris.csv")
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
LABEL = "species"


def load():
    """Return X (147 x 4 float64), y (class indices) and the class names."""
    with open(DATA, newline="") as f:
        rows, seen = [], set()
        for rec in csv.DictReader(f):
            row = tuple(float(rec[name]) for name in FEATURES) + (rec[LABEL],)
            if row in seen:
                continue
            seen.add(row)
            rows.append(row)
    classes = sorted({r[-1] for r in rows})
    X = np.array([r[:-1] for r in rows], dtype=np.float64)
    y = np.array([classes.index(r[-1]) for r in rows])
    return X, y, classes
