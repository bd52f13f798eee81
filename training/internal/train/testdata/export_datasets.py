#!/usr/bin/env python3
"""Writes scikit-learn's bundled wine, breast_cancer and digits data sets as
CSV files (features f0..fN, label column "target") into argv[1], so the parity
test runs both sides on data harder than Iris. Needs Debian's python3-sklearn;
nothing is downloaded (these three ship inside scikit-learn)."""
import csv
import os
import sys

from sklearn import datasets


def main():
    out = sys.argv[1]
    for name in ("wine", "breast_cancer", "digits"):
        ds = getattr(datasets, "load_" + name)()
        with open(os.path.join(out, name + ".csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow([f"f{i}" for i in range(ds.data.shape[1])] + ["target"])
            for row, label in zip(ds.data, ds.target):
                w.writerow([repr(float(v)) for v in row] + [f"c{int(label)}"])


if __name__ == "__main__":
    main()
