#!/usr/bin/env python3
"""Writes scikit-learn's make_classification data as a CSV (features
f0..f19, label column "target" with classes c0..c2): argv[1] the output
path, argv[2] the row count, argv[3] the seed. The shape is the one a new
user's data was tried with: 3 classes, 20 features, 10 informative, 5
redundant. Needs Debian's python3-sklearn."""
import csv
import sys

from sklearn.datasets import make_classification


def main():
    out, rows, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    X, y = make_classification(n_samples=rows, n_features=20, n_informative=10, n_redundant=5,
                               n_classes=3, random_state=seed)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"f{i}" for i in range(X.shape[1])] + ["target"])
        for row, label in zip(X, y):
            w.writerow([repr(float(v)) for v in row] + [f"c{int(label)}"])


if __name__ == "__main__":
    main()
