"""The reference estimators for mlops's models: scikit-learn's (and
XGBoost's) estimator with the same hyper-parameters, auto settings resolved
as mlops resolves them. Imported by parity.py (the e2e parity tests) and
bench_scale.py (make bench-training's scale table), so both compare with
the same mapping. Needs Debian's /usr/bin/python3 (python3-sklearn 1.2.1,
python3-xgboost 1.7.4)."""
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

# Defaults of boost.AutoHistRows and svm.LiblinearMinRows, for jobs that do
# not send them.
AUTO_HIST_ROWS = 5000
LIBLINEAR_MIN_ROWS = 2000


def tree_method(h, rows, auto_hist_rows):
    """The XGBoost tree method of h, auto resolved as mlops resolves it:
    exact below auto_hist_rows training rows, hist from there."""
    m = h.get("tree_method", "exact")
    if m == "auto":
        return "exact" if rows < auto_hist_rows else "hist"
    return m


def uses_liblinear(h, rows, liblinear_min_rows):
    """Whether mlops's SVM uses liblinear for h on rows training rows: its
    solver, with auto resolved as mlops resolves it."""
    solver = h.get("solver", "libsvm")
    if solver == "auto":
        return h["kernel"] == "linear" and (rows >= liblinear_min_rows or h.get("standardize", False))
    return solver == "liblinear"


def linearsvc_dual(h, rows, features):
    """LinearSVC's dual for mlops's dual setting on rows training rows of
    features features. scikit-learn 1.2 has no dual="auto": it is resolved as
    mlops (and scikit-learn 1.3) resolve it, the dual only when the rows are
    fewer than the features. mlops decides on each calibration fold's
    training rows; rows here are the whole training set's, which can only
    differ within a fold's share of the rows around rows == features."""
    dual = h.get("dual", True)  # mlops solved the dual before the key existed
    if dual == "auto":
        return rows < features
    return bool(dual)


def estimator(name, h, seed, rows, features, auto_hist_rows=AUTO_HIST_ROWS, liblinear_min_rows=LIBLINEAR_MIN_ROWS):
    """The reference estimator for model name with mlops's hyper-parameters
    h, to be fitted on rows training rows of features features."""
    if name == "logistic_regression":
        lr = LogisticRegression(C=h["C"], max_iter=h["max_iter"], tol=h["tol"],
                                fit_intercept=h["fit_intercept"],
                                multi_class="multinomial", solver="lbfgs")
        return make_pipeline(StandardScaler(), lr) if h["standardize"] else lr
    if name == "decision_tree":
        return DecisionTreeClassifier(criterion=h["criterion"], max_depth=h["max_depth"],
                                      min_samples_split=h["min_samples_split"],
                                      min_samples_leaf=h["min_samples_leaf"],
                                      min_impurity_decrease=h["min_impurity_decrease"],
                                      random_state=seed)
    if name == "random_forest":
        return RandomForestClassifier(n_estimators=h["n_estimators"], criterion=h["criterion"],
                                      max_depth=h["max_depth"],
                                      min_samples_split=h["min_samples_split"],
                                      min_samples_leaf=h["min_samples_leaf"],
                                      max_features=h["max_features"], bootstrap=h["bootstrap"],
                                      min_impurity_decrease=h["min_impurity_decrease"],
                                      random_state=seed)
    if name == "svm":
        if uses_liblinear(h, rows, liblinear_min_rows):
            # As mlops's liblinear solver: LinearSVC (squared hinge, primal
            # or dual as mlops chose), probabilities from
            # CalibratedClassifierCV's sigmoid on 3 folds.
            from sklearn.calibration import CalibratedClassifierCV
            from sklearn.svm import LinearSVC
            svc = LinearSVC(C=h["C"], tol=h["linear_tol"], max_iter=h["linear_max_iter"],
                            dual=linearsvc_dual(h, rows, features), random_state=seed)
            est = CalibratedClassifierCV(svc, cv=3, method="sigmoid")
            return make_pipeline(StandardScaler(), est) if h.get("standardize") else est
        # probability=True as ours always fits the Platt scaling; predict()
        # still returns libsvm's one-vs-one vote, where we serve (and score)
        # the most probable class.
        return SVC(kernel=h["kernel"], C=h["C"], gamma=h["gamma"], tol=h["tol"],
                   shrinking=h["shrinking"], max_iter=h["max_iter"], probability=True,
                   random_state=seed)
    if name == "xgboost":
        import xgboost  # python3-xgboost 1.7.4; imported only when asked for
        method = tree_method(h, rows, auto_hist_rows)
        return xgboost.XGBClassifier(tree_method=method, max_bin=h.get("max_bin", 256),
                                     n_estimators=h["n_estimators"],
                                     learning_rate=h["learning_rate"], max_depth=h["max_depth"],
                                     min_child_weight=h["min_child_weight"], gamma=h["gamma"],
                                     reg_lambda=h["reg_lambda"], reg_alpha=h["reg_alpha"],
                                     subsample=h["subsample"], colsample_bytree=h["colsample_bytree"],
                                     base_score=h["base_score"], random_state=seed,
                                     # One thread for exact: its OpenMP threads spin and crawl on
                                     # a loaded machine; the trees are the same. hist gets two,
                                     # as the comparisons in the README use.
                                     n_jobs=1 if method == "exact" else 2)
    raise SystemExit(f"reference.py: no scikit-learn estimator for model {name!r}")
