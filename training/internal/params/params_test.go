package params

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadValid(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, p *Params)
	}{
		{"../../../params.yaml", func(t *testing.T, p *Params) {
			// The repository's own params must keep the libraries' defaults.
			if *p.Models.LogisticRegression != DefaultLogisticRegression() {
				t.Errorf("logistic_regression %+v, want scikit-learn defaults %+v", *p.Models.LogisticRegression, DefaultLogisticRegression())
			}
			d := *p.Models.DecisionTree
			if d.MaxDepth != nil || d.Criterion != "gini" || d.MinSamplesSplit != 2 || d.MinSamplesLeaf != 1 {
				t.Errorf("decision_tree %+v, want scikit-learn defaults", d)
			}
			if !reflect.DeepEqual(*p.Models.RandomForest, DefaultRandomForest()) {
				t.Errorf("random_forest %+v, want scikit-learn defaults %+v", *p.Models.RandomForest, DefaultRandomForest())
			}
			if *p.Models.SVM != DefaultSVM() {
				t.Errorf("svm %+v, want scikit-learn's SVC defaults with the linear kernel %+v", *p.Models.SVM, DefaultSVM())
			}
			if *p.Models.XGBoost != DefaultXGBoost() {
				t.Errorf("xgboost %+v, want XGBoost 1.7's defaults %+v", *p.Models.XGBoost, DefaultXGBoost())
			}
			if p.CV != (CV{Folds: 10, Repeats: 5}) || p.Data.Name != "iris" || len(p.Data.Features) != 4 {
				t.Errorf("cv %+v, data %+v", p.CV, p.Data)
			}
		}},
		{"testdata/valid-minimal.yaml", func(t *testing.T, p *Params) {
			if *p.Models.LogisticRegression != DefaultLogisticRegression() || p.Models.DecisionTree != nil {
				t.Errorf("models %+v, want only logistic_regression with defaults", p.Models)
			}
			if p.Seed != 42 || p.Split.TestSize != 0.2 || p.CV.Folds != 10 || p.CV.Repeats != 5 {
				t.Errorf("defaults not applied: %+v", p)
			}
		}},
		{"testdata/valid-null-section.yaml", func(t *testing.T, p *Params) {
			want := DefaultLogisticRegression()
			want.C = 0.5
			if *p.Models.LogisticRegression != want {
				t.Errorf("logistic_regression %+v, want %+v", *p.Models.LogisticRegression, want)
			}
			if p.Models.DecisionTree == nil || p.Models.DecisionTree.Criterion != "gini" {
				t.Errorf("an empty decision_tree section should mean defaults, got %+v", p.Models.DecisionTree)
			}
			if got := p.Models.Enabled(); strings.Join(got, ",") != "logistic_regression,decision_tree" {
				t.Errorf("Enabled() = %v", got)
			}
		}},
		{"testdata/valid-forest-svm.yaml", func(t *testing.T, p *Params) {
			want := DefaultRandomForest()
			want.NEstimators, want.MaxDepth, want.MaxFeatures = 10, new(4), &MaxFeatures{Count: 2}
			if !reflect.DeepEqual(*p.Models.RandomForest, want) {
				t.Errorf("random_forest %+v, want %+v", *p.Models.RandomForest, want)
			}
			s := DefaultSVM()
			s.Kernel, s.C, s.Gamma = "rbf", 3, "0.25"
			if *p.Models.SVM != s {
				t.Errorf("svm %+v, want %+v", *p.Models.SVM, s)
			}
			if g, rule := p.Models.SVM.GammaValue(); g != 0.25 || rule != "" {
				t.Errorf("GammaValue() = %v, %q; want 0.25, no rule", g, rule)
			}
			h := p.Models.RandomForest.Hyperparameters()
			if h["max_features"] != 2 || h["max_depth"] != 4 || p.Models.SVM.Hyperparameters()["gamma"] != 0.25 {
				t.Errorf("hyper-parameters %v and %v", h, p.Models.SVM.Hyperparameters())
			}
			if got := p.Models.Enabled(); strings.Join(got, ",") != "random_forest,svm" {
				t.Errorf("Enabled() = %v", got)
			}
		}},
		{"testdata/valid-forest-fraction-svm-null.yaml", func(t *testing.T, p *Params) {
			if f := p.Models.RandomForest.MaxFeatures; f == nil || *f != (MaxFeatures{Fraction: 0.5}) {
				t.Errorf("max_features %+v, want the fraction 0.5", f)
			}
			if p.Models.SVM == nil || *p.Models.SVM != DefaultSVM() {
				t.Errorf("an empty svm section should mean defaults, got %+v", p.Models.SVM)
			}
			if got := p.Models.RandomForest.Hyperparameters()["max_features"]; got != 0.5 {
				t.Errorf("max_features hyper-parameter %v, want 0.5", got)
			}
		}},
		{"testdata/valid-forest-all-features.yaml", func(t *testing.T, p *Params) {
			r := p.Models.RandomForest
			if r.MaxFeatures != nil || r.Bootstrap {
				t.Errorf("random_forest %+v, want max_features null (all) and no bootstrap", r)
			}
			if h := r.Hyperparameters(); h["max_features"] != nil {
				t.Errorf("max_features hyper-parameter %v, want nil", h["max_features"])
			}
			if g, rule := p.Models.SVM.GammaValue(); g != 0 || rule != "auto" {
				t.Errorf("GammaValue() = %v, %q; want the rule auto", g, rule)
			}
		}},
		{"testdata/valid-xgboost.yaml", func(t *testing.T, p *Params) {
			want := DefaultXGBoost()
			want.LearningRate, want.MaxDepth, want.Subsample = 0.1, 3, 0.8
			if *p.Models.XGBoost != want {
				t.Errorf("xgboost %+v, want %+v", *p.Models.XGBoost, want)
			}
			if h := p.Models.XGBoost.Hyperparameters(); h["learning_rate"] != 0.1 || h["max_depth"] != 3 || h["n_estimators"] != 100 {
				t.Errorf("hyper-parameters %v", h)
			}
		}},
		{"testdata/valid-xgboost-empty.yaml", func(t *testing.T, p *Params) {
			if p.Models.XGBoost == nil || *p.Models.XGBoost != DefaultXGBoost() {
				t.Errorf("an empty xgboost section should mean defaults, got %+v", p.Models.XGBoost)
			}
			if got := p.Models.Enabled(); strings.Join(got, ",") != "xgboost" {
				t.Errorf("Enabled() = %v", got)
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
		"invalid-unknown-hyperparameter.yaml": "field c not found",
		"invalid-unknown-model.yaml":          "field random_forrest not found",
		"invalid-unknown-top-level.yaml":      "field typo not found",
		"invalid-c-zero.yaml":                 "models.logistic_regression.C is 0",
		"invalid-max-depth.yaml":              "models.decision_tree.max_depth is 0",
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
		"invalid-svm-gamma.yaml":              `models.svm.gamma is "-1"`,
		"invalid-svm-max-iter.yaml":           "models.svm.max_iter is 0",
		"invalid-svm-unknown-key.yaml":        "field probability not found",
		"invalid-xgboost-learning-rate.yaml":  "models.xgboost.learning_rate is 1.5; it must be in (0, 1]",
		"invalid-xgboost-max-depth.yaml":      "models.xgboost.max_depth is 0",
		"invalid-xgboost-subsample.yaml":      "models.xgboost.subsample is 0",
		"invalid-xgboost-reg-lambda.yaml":     "models.xgboost.reg_lambda is -1",
		"invalid-xgboost-unknown-key.yaml":    "field eta not found",
		"invalid-missing-impute.yaml":         "data.missing is impute, which is not yet supported",
		"invalid-missing-typo.yaml":           `data.missing is "typo"; it must be error`,
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
