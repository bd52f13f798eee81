#!/usr/bin/env python3
"""Writes the data set where the models' default settings are poor, for
make bench-tune: scikit-learn's make_classification with 600 rows, 20
features of which 6 informative and 4 redundant, 3 classes of 3 clusters
each and 20% of the labels flipped at random. An unlimited tree fits the
flipped labels, a linear kernel cannot follow 9 clusters, and boosting's
depth 6 at learning rate 0.3 overfits, so tuning has room to help. CSV
with features f0..f19 and the label column "target" (c0..c2) at argv[1].
Needs Debian's python3-sklearn."""
import csv
import sys

from sklearn.datasets import make_classification


def main():
    X, y = make_classification(n_samples=600, n_features=20, n_informative=6, n_redundant=4, n_classes=3,
                               n_clusters_per_class=3, flip_y=0.2, class_sep=1.0, random_state=7)
    with open(sys.argv[1], "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"f{i}" for i in range(X.shape[1])] + ["target"])
        for row, label in zip(X, y):
            w.writerow([repr(float(v)) for v in row] + [f"c{int(label)}"])


if __name__ == "__main__":
    main()
