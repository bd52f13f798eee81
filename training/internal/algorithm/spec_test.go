package algorithm

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// section parses text as a params.yaml model section.
func section(t *testing.T, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

// TestHyperparametersRoundTrip checks, for every algorithm, that the map
// bundles record is the whole configuration: written back as a params.yaml
// section it configures the same model, for the defaults and for a
// section that changes every key. A parameter added to a Config but not to
// its Hyperparameters, or recorded under another key, fails here.
func TestHyperparametersRoundTrip(t *testing.T) {
	changed := map[string]string{
		LogisticRegression: "{C: 0.5, max_iter: 50, tol: 0.001, fit_intercept: false, standardize: true}",
		DecisionTree:       "{criterion: entropy, max_depth: 3, min_samples_split: 4, min_samples_leaf: 2, min_impurity_decrease: 0.01, tree_method: hist, max_bin: 32}",
		RandomForest:       "{n_estimators: 7, criterion: log_loss, max_depth: 5, min_samples_split: 3, min_samples_leaf: 2, max_features: 0.5, bootstrap: false, min_impurity_decrease: 0.1, tree_method: exact, max_bin: 1000}",
		SVM:                "{kernel: linear, C: 2, gamma: 0.25, tol: 0.01, shrinking: false, max_iter: 1000, solver: liblinear, standardize: true, linear_tol: 0.001, linear_max_iter: 500, dual: false}",
		XGBoost:            "{n_estimators: 10, learning_rate: 0.1, max_depth: 3, min_child_weight: 2, gamma: 0.5, reg_lambda: 2, reg_alpha: 0.5, subsample: 0.8, colsample_bytree: 0.5, base_score: 0.25, tree_method: hist, max_bin: 64}",
	}
	for _, name := range Names() {
		a, _ := Lookup(name)
		for _, text := range []string{"", changed[name]} {
			t.Run(name+" "+text, func(t *testing.T) {
				first, err := a.Configure(section(t, text))
				if err != nil {
					t.Fatal(err)
				}
				if text != "" {
					keys := strings.Count(text, ":")
					if keys != len(first.Hyperparameters) {
						t.Fatalf("the test section sets %d keys; %s has %d parameters: %v", keys, name, len(first.Hyperparameters), slices.Sorted(maps.Keys(first.Hyperparameters)))
					}
				}
				out, err := yaml.Marshal(first.Hyperparameters)
				if err != nil {
					t.Fatal(err)
				}
				again, err := a.Configure(section(t, string(out)))
				if err != nil {
					t.Fatalf("configure from its own hyper-parameters:\n%s\n%v", out, err)
				}
				if !reflect.DeepEqual(again.Config, first.Config) {
					t.Errorf("round trip through\n%s\ngave %+v, want %+v", out, again.Config, first.Config)
				}
			})
		}
	}
}

// TestTaggedFieldsRecorded checks that every field of a Config that
// params.yaml can set is recorded, under its key.
func TestTaggedFieldsRecorded(t *testing.T) {
	for _, name := range Names() {
		a, _ := Lookup(name)
		s, err := a.Configure(nil)
		if err != nil {
			t.Fatal(err)
		}
		typ := reflect.TypeOf(s.Config)
		for f := range typ.Fields() {
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || key == "-" {
				continue
			}
			if _, ok := s.Hyperparameters[key]; !ok {
				t.Errorf("%s: %s.%s (yaml %q) is not in Hyperparameters", name, typ, f.Name, key)
			}
		}
	}
}

// TestRecordedRoundTrip checks what bundles record: read back as a
// params.yaml section it must configure a model that fits the same way on
// the same number of rows, and the trees record tree_method and max_bin
// only where the hist method was used (or exact was asked for), so that
// bundles of the default settings on Iris are unchanged.
func TestRecordedRoundTrip(t *testing.T) {
	tests := []struct {
		name, section string
		rows          int
		wantKeys      []string // of tree_method and max_bin
	}{
		{DecisionTree, "", 147, nil},
		{DecisionTree, "", 100000, []string{"max_bin", "tree_method"}},
		{DecisionTree, "{tree_method: exact}", 100000, []string{"tree_method"}},
		{RandomForest, "", 147, nil},
		{RandomForest, "{tree_method: hist, max_bin: 16}", 147, []string{"max_bin", "tree_method"}},
		{XGBoost, "", 147, []string{"max_bin", "tree_method"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.section, func(t *testing.T) {
			a, _ := Lookup(tt.name)
			s, err := a.Configure(section(t, tt.section))
			if err != nil {
				t.Fatal(err)
			}
			rec := s.Recorded(tt.rows)
			var got []string
			for _, k := range []string{"max_bin", "tree_method"} {
				if _, ok := rec[k]; ok {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, tt.wantKeys) {
				t.Errorf("Recorded(%d) = %v; records %v of tree_method and max_bin, want %v", tt.rows, rec, got, tt.wantKeys)
			}
			out, err := yaml.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			again, err := a.Configure(section(t, string(out)))
			if err != nil {
				t.Fatalf("configure from its recorded hyper-parameters:\n%s\n%v", out, err)
			}
			if !reflect.DeepEqual(again.Recorded(tt.rows), rec) {
				t.Errorf("recorded\n%s\nread back records %v", out, again.Recorded(tt.rows))
			}
		})
	}
}

func TestConfigureRejects(t *testing.T) {
	tests := []struct {
		name, section, want string
	}{
		{SVM, "{C: 0}", "models.svm.C is 0; it must be a finite number > 0"},
		{SVM, "{max_iter: 0}", "models.svm.max_iter is 0; it must be -1 (no bound) or at least 1"},
		{SVM, "{gamma: [1]}", "models.svm.gamma at line 1 must be scale, auto or a positive number"},
		{SVM, "{cache_size: 10}", "models.svm.cache_size (line 1) is not a parameter of svm; its parameters are C, dual, gamma, kernel, linear_max_iter, linear_tol, max_iter, shrinking, solver, standardize, tol, and timeout"},
		{DecisionTree, "{max_depth: 0}", "models.decision_tree.max_depth is 0; it must be at least 1, or null for unlimited"},
		{RandomForest, "{max_features: 0}", "models.random_forest.max_features is 0; an integer must be at least 1"},
		{RandomForest, "{tree_method: approx}", `models.random_forest.tree_method is "approx"; it must be auto, exact or hist`},
		{DecisionTree, "{max_bin: 1}", "models.decision_tree.max_bin is 1; it must be in [2, 65535]"},
		{XGBoost, "{subsample: 0.5, n_estimators: 0}", "models.xgboost.n_estimators is 0"},
		{LogisticRegression, "{max_iter: many}", "cannot unmarshal !!str `many` into int"},
		{LogisticRegression, "[C]", "models.logistic_regression at line 1 must be a mapping of parameters"},
		{LogisticRegression, "{timeout: -1s}", `models.logistic_regression.timeout is "-1s" (line 1); it must be a duration such as 90s or 10m, or 0 for no limit`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.section, func(t *testing.T) {
			a, _ := Lookup(tt.name)
			_, err := a.Configure(section(t, tt.section))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	for text, want := range map[string]time.Duration{"": 0, "{timeout: 0}": 0, "{timeout: null}": 0, "{timeout: 90s}": 90 * time.Second, "{timeout: 1h30m}": 90 * time.Minute} {
		a, _ := Lookup(XGBoost)
		s, err := a.Configure(section(t, text))
		if err != nil || s.Timeout != want {
			t.Errorf("%q: timeout %v, err %v; want %v", text, s.Timeout, err, want)
		}
	}
}

func TestRegistry(t *testing.T) {
	if got := strings.Join(Names(), ","); got != "logistic_regression,decision_tree,random_forest,svm,xgboost" {
		t.Errorf("Names() = %s", got)
	}
	ranks := map[int]string{}
	for _, name := range Names() {
		a, _ := Lookup(name)
		if other, dup := ranks[a.Rank]; dup {
			t.Errorf("%s and %s share rank %d: champion ties would fall to the name", name, other, a.Rank)
		}
		ranks[a.Rank] = name
		s, err := a.Configure(nil)
		if err != nil {
			t.Fatalf("%s defaults: %v", name, err)
		}
		if _, err := s.NewTrainer(1, 2); err != nil {
			t.Errorf("%s: NewTrainer: %v", name, err)
		}
	}
	if _, ok := Lookup("svn"); ok {
		t.Error("Lookup found an unknown name")
	}
}
