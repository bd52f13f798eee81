#!/usr/bin/env python3
"""The Python original's training work, for `make bench-training` to time
beside `mlops train`: the five classifiers with the libraries' defaults (a
linear SVM with probabilities, XGBoost's exact method) cross-validated with
stratified 10-fold x 5 repeats on Iris after dropping duplicate rows, then
each fitted once on the whole set. Run with Debian's /usr/bin/python3
(python3-sklearn 1.2.1, python3-xgboost 1.7.4)."""
import os
import sys

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_val_score
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from xgboost import XGBClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "testdata", "python"))
import iris  # noqa: E402  (the shared Iris loader, found through the line above)


def main():
    X, y, _ = iris.load()
    models = {
        "logistic_regression": LogisticRegression(multi_class="multinomial", max_iter=100),
        "decision_tree": DecisionTreeClassifier(random_state=42),
        "random_forest": RandomForestClassifier(n_estimators=100, random_state=42),
        "svm": SVC(kernel="linear", probability=True, random_state=42),
        "xgboost": XGBClassifier(tree_method="exact", random_state=42),
    }
    cv = RepeatedStratifiedKFold(n_splits=10, n_repeats=5, random_state=42)
    for name, m in models.items():
        scores = cross_val_score(m, X, y, cv=cv)
        m.fit(X, y)
        print(f"{name:20s} {scores.mean():.4f}", file=sys.stderr)


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore")
    main()
