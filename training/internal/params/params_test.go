package params

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/classifier/boost"
	"github.com/mlopsgo/mlops/training/internal/classifier/forest"
	"github.com/mlopsgo/mlops/training/internal/classifier/logreg"
	"github.com/mlopsgo/mlops/training/internal/classifier/svm"
	"github.com/mlopsgo/mlops/training/internal/classifier/tree"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// spec returns the configured model name of p, failing the test if absent.
func spec(t *testing.T, p *Params, name string) algorithm.Spec {
	t.Helper()
	s, ok := p.Models.Spec(name)
	if !ok {
		t.Fatalf("models.%s not configured", name)
	}
	return s
}

func TestLoadValid(t *testing.T) {
	linearSVM := svm.DefaultConfig()
	linearSVM.Kernel = svm.Linear
	tests := []struct {
		file  string
		check func(t *testing.T, p *Params)
	}{
		{"../../../params.yaml", func(t *testing.T, p *Params) {
			// The repository's own params must keep the libraries' defaults.
			for name, want := range map[string]any{
				algorithm.LogisticRegression: logreg.DefaultConfig(),
				algorithm.DecisionTree:       tree.DefaultConfig(),
				algorithm.RandomForest:       forest.DefaultConfig(),
				algorithm.SVM:                linearSVM, // the original's kernel
				algorithm.XGBoost:            boost.DefaultConfig(),
			} {
				if got := spec(t, p, name).Config; !reflect.DeepEqual(got, want) {
					t.Errorf("%s %+v, want the library's defaults %+v", name, got, want)
				}
			}
			if p.CV != (CV{Folds: 10, Repeats: 5}) || p.Data.Name != "iris" || len(p.Data.Features) != 4 {
				t.Errorf("cv %+v, data %+v", p.CV, p.Data)
			}
		}},
		{"testdata/valid-minimal.yaml", func(t *testing.T, p *Params) {
			if got := spec(t, p, algorithm.LogisticRegression).Config; got != logreg.DefaultConfig() {
				t.Errorf("logistic_regression %+v, want the defaults", got)
			}
			if got := p.Models.Enabled(); strings.Join(got, ",") != "logistic_regression" {
				t.Errorf("Enabled() = %v", got)
			}
			if p.Data.Impute() {
				t.Error("data.missing absent, want error (no imputation)")
			}
			if p.Tune.Trials != 50 || p.Tune.Batch != 8 || p.Tune.InnerFolds != 3 {
				t.Errorf("tune defaults not applied: %+v", p.Tune)
			}
			if s, _ := p.Tune.Models.Space(algorithm.LogisticRegression); !reflect.DeepEqual(s, logreg.Space()) {
				t.Errorf("logistic_regression space %v, want the declared one", s)
			}
			if p.Seed != 42 || p.Split.TestSize != 0.2 || p.CV.Folds != 10 || p.CV.Repeats != 5 {
				t.Errorf("defaults not applied: %+v", p)
			}
		}},
		{"testdata/valid-null-section.yaml", func(t *testing.T, p *Params) {
			want := logreg.DefaultConfig()
			want.C = 0.5
			if got := spec(t, p, algorithm.LogisticRegression).Config; got != want {
				t.Errorf("logistic_regression %+v, want %+v", got, want)
			}
			if got := spec(t, p, algorithm.DecisionTree).Config; !reflect.DeepEqual(got, tree.DefaultConfig()) {
				t.Errorf("an empty decision_tree section should mean defaults, got %+v", got)
			}
			if got := p.Models.Enabled(); strings.Join(got, ",") != "logistic_regression,decision_tree" {
				t.Errorf("Enabled() = %v", got)
			}
		}},
		{"testdata/valid-forest-svm.yaml", func(t *testing.T, p *Params) {
			want := forest.DefaultConfig()
			want.NEstimators, want.MaxDepth, want.MaxFeatures = 10, 4, forest.MaxFeatures{Count: 2}
			rf := spec(t, p, algorithm.RandomForest)
			if !reflect.DeepEqual(rf.Config, want) {
				t.Errorf("random_forest %+v, want %+v", rf.Config, want)
			}
			s := svm.DefaultConfig()
			s.Kernel, s.C, s.Gamma, s.GammaRule = svm.RBF, 3, 0.25, ""
			sv := spec(t, p, algorithm.SVM)
			if !reflect.DeepEqual(sv.Config, s) {
				t.Errorf("svm %+v, want %+v", sv.Config, s)
			}
			if h := rf.Hyperparameters; h["max_features"] != 2 || h["max_depth"] != 4 || sv.Hyperparameters["gamma"] != 0.25 {
				t.Errorf("hyper-parameters %v and %v", h, sv.Hyperparameters)
			}
			if got := p.Models.Enabled(); strings.Join(got, ",") != "random_forest,svm" {
				t.Errorf("Enabled() = %v", got)
			}
		}},
		{"testdata/valid-forest-fraction-svm-null.yaml", func(t *testing.T, p *Params) {
			rf := spec(t, p, algorithm.RandomForest)
			if f := rf.Config.(forest.Config).MaxFeatures; f != (forest.MaxFeatures{Fraction: 0.5}) {
				t.Errorf("max_features %+v, want the fraction 0.5", f)
			}
			if got := spec(t, p, algorithm.SVM).Config; !reflect.DeepEqual(got, linearSVM) {
				t.Errorf("an empty svm section should mean defaults, got %+v", got)
			}
			if got := rf.Hyperparameters["max_features"]; got != 0.5 {
				t.Errorf("max_features hyper-parameter %v, want 0.5", got)
			}
		}},
		{"testdata/valid-forest-all-features.yaml", func(t *testing.T, p *Params) {
			rf := spec(t, p, algorithm.RandomForest)
			if c := rf.Config.(forest.Config); c.MaxFeatures != (forest.MaxFeatures{}) || c.Bootstrap {
				t.Errorf("random_forest %+v, want max_features null (all) and no bootstrap", c)
			}
			if h := rf.Hyperparameters; h["max_features"] != nil || h["max_depth"] != nil {
				t.Errorf("max_features and max_depth hyper-parameters %v and %v, want nil", h["max_features"], h["max_depth"])
			}
			if c := spec(t, p, algorithm.SVM).Config.(svm.Config); c.Gamma != 0 || c.GammaRule != svm.GammaAuto {
				t.Errorf("gamma %v, rule %q; want the rule auto", c.Gamma, c.GammaRule)
			}
		}},
		{"testdata/valid-xgboost.yaml", func(t *testing.T, p *Params) {
			want := boost.DefaultConfig()
			want.LearningRate, want.MaxDepth, want.Subsample = 0.1, 3, 0.8
			x := spec(t, p, algorithm.XGBoost)
			if !reflect.DeepEqual(x.Config, want) {
				t.Errorf("xgboost %+v, want %+v", x.Config, want)
			}
			if h := x.Hyperparameters; h["learning_rate"] != 0.1 || h["max_depth"] != 3 || h["n_estimators"] != 100 {
				t.Errorf("hyper-parameters %v", h)
			}
		}},
		{"testdata/valid-xgboost-empty.yaml", func(t *testing.T, p *Params) {
			if got := spec(t, p, algorithm.XGBoost).Config; !reflect.DeepEqual(got, boost.DefaultConfig()) {
				t.Errorf("an empty xgboost section should mean defaults, got %+v", got)
			}
			if got := p.Models.Enabled(); strings.Join(got, ",") != "xgboost" {
				t.Errorf("Enabled() = %v", got)
			}
		}},
		{"testdata/valid-missing-impute.yaml", func(t *testing.T, p *Params) {
			if p.Data.Missing != MissingImpute || !p.Data.Impute() {
				t.Errorf("data.missing %q, Impute() %v; want impute, true", p.Data.Missing, p.Data.Impute())
			}
		}},
		{"testdata/valid-missing-error.yaml", func(t *testing.T, p *Params) {
			if p.Data.Missing != MissingError || p.Data.Impute() {
				t.Errorf("data.missing %q, Impute() %v; want error, false", p.Data.Missing, p.Data.Impute())
			}
		}},
		{"testdata/valid-tune.yaml", func(t *testing.T, p *Params) {
			if p.Tune.Trials != 20 || p.Tune.Batch != 4 || p.Tune.InnerFolds != 3 {
				t.Errorf("tune %+v, want trials 20, batch 4, inner folds 3 (the default)", p.Tune)
			}
			sv, _ := p.Tune.Models.Space(algorithm.SVM)
			want := svm.Space()
			want[0] = space.Categorical("kernel", svm.RBF)
			want[1].Low, want[1].High = 0.01, 100
			if !reflect.DeepEqual(sv, want) {
				t.Errorf("svm space\n%v\nwant\n%v", sv, want)
			}
			dt, _ := p.Tune.Models.Space(algorithm.DecisionTree)
			if d, _ := dt.Lookup("max_depth"); d.High != 8 || d.Unlimited {
				t.Errorf("decision_tree max_depth %v, want up to 8 and never unlimited", d)
			}
			if _, ok := p.Tune.Models.Space(algorithm.XGBoost); !ok {
				t.Error("xgboost has no space: every model keeps its declared one")
			}
		}},
		{"testdata/valid-timeout.yaml", func(t *testing.T, p *Params) {
			if got := spec(t, p, algorithm.SVM).Timeout; got != 90*time.Second {
				t.Errorf("svm timeout %v, want 90s", got)
			}
			if got := spec(t, p, algorithm.LogisticRegression).Timeout; got != 0 {
				t.Errorf("logistic_regression timeout %v, want none", got)
			}
			if _, ok := spec(t, p, algorithm.SVM).Hyperparameters["timeout"]; ok {
				t.Error("timeout is recorded as a hyper-parameter: it does not change the model")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			p, err := Load(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := map[string]string{
		"invalid-unknown-hyperparameter.yaml": "models.logistic_regression.c (line 10) is not a parameter of logistic_regression; its parameters are C, fit_intercept, max_iter, standardize, tol, and timeout",
		"invalid-unknown-model.yaml":          "models.random_forrest (line 9) is not a model; known models: logistic_regression, decision_tree, random_forest, svm, xgboost",
		"invalid-unknown-top-level.yaml":      "field typo not found",
		"invalid-c-zero.yaml":                 "models.logistic_regression.C is 0",
		"invalid-max-depth.yaml":              "models.decision_tree.max_depth is 0; it must be at least 1, or null for unlimited",
		"invalid-criterion.yaml":              `models.decision_tree.criterion is "mse"`,
		"invalid-test-size.yaml":              "split.test_size is 1.5",
		"invalid-folds.yaml":                  "cv.folds is 1",
		"invalid-no-models.yaml":              "models lists no model",
		"invalid-range.yaml":                  "data.features[0] valid range",
		"invalid-label-is-feature.yaml":       "is the label column",
		"invalid-no-path.yaml":                "data.path is required",
		"invalid-wrong-type.yaml":             "cannot unmarshal !!str `many`",
		"invalid-empty.yaml":                  "the file is empty",
		"invalid-forest-max-features.yaml":    `models.random_forest.max_features is "auto"`,
		"invalid-forest-features-zero.yaml":   "models.random_forest.max_features is 0",
		"invalid-forest-fraction.yaml":        "models.random_forest.max_features is 1.5",
		"invalid-forest-n-estimators.yaml":    "models.random_forest.n_estimators is 0",
		"invalid-svm-kernel.yaml":             `models.svm.kernel is "poly"`,
		"invalid-svm-gamma.yaml":              "models.svm.gamma is -1; it must be scale, auto or a positive number",
		"invalid-svm-max-iter.yaml":           "models.svm.max_iter is 0",
		"invalid-svm-unknown-key.yaml":        "models.svm.probability (line 10) is not a parameter of svm",
		"invalid-xgboost-learning-rate.yaml":  "models.xgboost.learning_rate is 1.5; it must be in (0, 1]",
		"invalid-xgboost-max-depth.yaml":      "models.xgboost.max_depth is 0",
		"invalid-xgboost-subsample.yaml":      "models.xgboost.subsample is 0",
		"invalid-xgboost-reg-lambda.yaml":     "models.xgboost.reg_lambda is -1",
		"invalid-timeout.yaml":                `models.svm.timeout is "soon" (line 10); it must be a duration such as 90s or 10m`,
		"invalid-models-list.yaml":            "models at line 9 must map model names to their settings",
		"invalid-xgboost-unknown-key.yaml":    "models.xgboost.eta (line 10) is not a parameter of xgboost",
		"invalid-missing-typo.yaml":           `data.missing is "typo"; it must be error (the default) or impute`,
		"invalid-tune-trials.yaml":            "tune.trials is 0; it must be at least 1",
		"invalid-tune-batch.yaml":             "tune.batch is -1; it must be at least 1",
		"invalid-tune-inner-folds.yaml":       "tune.inner_folds is 1; it must be at least 2",
		"invalid-tune-unknown-key.yaml":       "field trails not found",
		"invalid-tune-model-not-listed.yaml":  "tune.models.xgboost (line 13) narrows a model that models: does not list",
		"invalid-tune-unknown-model.yaml":     "tune.models.svn (line 13) is not a model",
		"invalid-tune-not-tuned.yaml":         "tune.models.svm.tol (line 13) is not a tuned parameter; the tuned parameters are kernel, C, gamma",
		"invalid-tune-outside.yaml":           "tune.models.svm.C.low is 1e-05 (line 14), outside the declared range; the declared space is log-uniform [0.001, 1000]",
		"invalid-tune-choice.yaml":            `tune.models.svm.kernel: "poly" (line 14) is not a choice; the declared space is one of linear, rbf`,
	}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "invalid-") && tests[e.Name()] == "" {
			t.Errorf("testdata/%s has no expected message in the table", e.Name())
		}
	}
	for file, want := range tests {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", file)
			_, err := Load(path)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q, want it to name %s and contain %q", err, path, want)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	p, err := Load("testdata/valid-minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		only []string
		want string
		err  string
	}{
		{nil, "logistic_regression", ""},
		{[]string{"logistic_regression"}, "logistic_regression", ""},
		{[]string{"decision_tree"}, "", "not configured"},
		{[]string{"svn"}, "", `unknown model "svn"`},
	}
	for _, tt := range tests {
		got, err := p.Models.Select(tt.only)
		if tt.err != "" {
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Select(%v) error %v, want %q", tt.only, err, tt.err)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != tt.want {
			t.Errorf("Select(%v) = %v, %v; want %s", tt.only, got, err, tt.want)
		}
	}
}

func TestMissingFile(t *testing.T) {
	if _, err := Load("testdata/nope.yaml"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v, want os.ErrNotExist", err)
	}
}
