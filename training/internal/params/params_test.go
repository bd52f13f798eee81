package params

import (
	"errors"
	"os"
	"path/filepath"
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
