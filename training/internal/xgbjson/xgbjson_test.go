package xgbjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mlopsgo/mlops/training/model"
)

var regen = flag.Bool("regen", false, "rewrite the golden files")

// sampleBundle returns a sealed bundle over two features and three classes
// holding params.
func sampleBundle(t *testing.T, params model.Params) *model.Bundle {
	t.Helper()
	b := &model.Bundle{
		Name:      "xgboost",
		Algorithm: "gradient_boosted_trees",
		Dataset:   model.Dataset{Name: "toy", Label: "class", MD5: "0123456789abcdef0123456789abcdef", Rows: 6, TrainRows: 6},
		Features: []model.Feature{
			{Name: "a", Valid: model.Range{Min: 0, Max: 10}, Stats: model.NewStats([]float64{1, 2, 3, 4, 5, 6}, 3)},
			{Name: "b", Valid: model.Range{Min: -5, Max: 5}, Stats: model.NewStats([]float64{-1, 0, 1, 1, 0, -1}, 3)},
		},
		Classes:         []string{"x", "y", "z"},
		Hyperparameters: map[string]any{"n_estimators": 2},
		Metrics:         map[string]float64{},
		Model:           params,
	}
	if err := b.Seal(); err != nil {
		t.Fatalf("seal: %v", err)
	}
	return b
}

// boosted is two rounds over three classes: trees 0 and 3 split, the others
// are single leaves.
func boosted() model.Params {
	return model.Params{Boosted: &model.Boosted{
		BaseScore: 0.5,
		TreeClass: []int{0, 1, 2, 0, 1, 2},
		TreeStart: []int{0, 3, 4, 5, 10, 11},
		Feature:   []int32{0, -1, -1 /**/, -1 /**/, -1 /**/, 1, -1, 0, -1, -1 /**/, -1 /**/, -1},
		Threshold: []float32{2.45, 0, 0 /**/, 0 /**/, 0 /**/, 0.5, 0, 4.85, 0, 0 /**/, 0 /**/, 0},
		Left:      []int32{1, -1, -1 /**/, -1 /**/, -1 /**/, 1, -1, 3, -1, -1 /**/, -1 /**/, -1},
		Right:     []int32{2, -1, -1 /**/, -1 /**/, -1 /**/, 2, -1, 4, -1, -1 /**/, -1 /**/, -1},
		Value:     []float32{0, 0.43, -0.22 /**/, 0.1 /**/, -0.05 /**/, 0, 0.2, 0, -0.1, 0.3 /**/, 0.01 /**/, 1e-8},
		Gain:      []float32{72.3, 0, 0 /**/, 0 /**/, 0 /**/, 11.8, 0, 2.1, 0, 0 /**/, 0 /**/, 0},
		Cover:     []float32{66.7, 22.2, 44.4 /**/, 3 /**/, 3 /**/, 63.4, 19, 44.3, 26.5, 17.8 /**/, 2 /**/, 2},
		Weight:    []float32{-4.4e-8, 1.43, -0.73 /**/, 0.33 /**/, -0.17 /**/, -6.3e-5, 0.67, 0.28, -0.33, 1 /**/, 0.03 /**/, 3e-8},
	}}
}

func TestMarshalGolden(t *testing.T) {
	got, err := Marshal(sampleBundle(t, boosted()))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "toy_golden.json")
	if *regen {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -regen to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("document differs from %s (go test -regen rewrites it):\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

// TestMarshalStructure checks the fields XGBoost 1.7's loader requires
// (from XGBoost v1.7.6 doc/model.schema and src/tree/tree_model.cc,
// LoadModel) on the decoded document.
func TestMarshalStructure(t *testing.T) {
	data, err := Marshal(sampleBundle(t, boosted()))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version []int `json:"version"`
		Learner struct {
			Attributes   map[string]any    `json:"attributes"`
			FeatureNames []string          `json:"feature_names"`
			FeatureTypes []string          `json:"feature_types"`
			ModelParam   map[string]string `json:"learner_model_param"`
			Objective    struct {
				Name    string            `json:"name"`
				Softmax map[string]string `json:"softmax_multiclass_param"`
			} `json:"objective"`
			Booster struct {
				Name  string `json:"name"`
				Model struct {
					Param    map[string]string `json:"gbtree_model_param"`
					TreeInfo []int             `json:"tree_info"`
					Trees    []map[string]any  `json:"trees"`
				} `json:"model"`
			} `json:"gradient_booster"`
		} `json:"learner"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	l := doc.Learner
	checks := []struct {
		what      string
		got, want any
	}{
		{"version", doc.Version, []int{1, 7, 4}},
		{"attributes", l.Attributes, map[string]any{}},
		{"feature names", l.FeatureNames, []string{"a", "b"}},
		{"feature types", l.FeatureTypes, []string{"float", "float"}},
		{"model param", l.ModelParam, map[string]string{"base_score": "5E-1", "boost_from_average": "1", "num_class": "3", "num_feature": "2", "num_target": "1"}},
		{"objective", l.Objective.Name, "multi:softprob"},
		{"softmax param", l.Objective.Softmax, map[string]string{"num_class": "3"}},
		{"booster", l.Booster.Name, "gbtree"},
		{"gbtree param", l.Booster.Model.Param, map[string]string{"num_parallel_tree": "1", "num_trees": "6", "size_leaf_vector": "0"}},
		{"tree info", l.Booster.Model.TreeInfo, []int{0, 1, 2, 0, 1, 2}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	trees := l.Booster.Model.Trees
	if len(trees) != 6 {
		t.Fatalf("%d trees, want 6", len(trees))
	}
	// Tree 3: b < 0.5 -> 0.2; else a < 4.85 -> -0.1, else 0.3.
	tree := trees[3]
	want := map[string]any{
		"id":               3.0,
		"left_children":    []any{1.0, -1.0, 3.0, -1.0, -1.0},
		"right_children":   []any{2.0, -1.0, 4.0, -1.0, -1.0},
		"parents":          []any{2147483647.0, 0.0, 0.0, 2.0, 2.0},
		"split_indices":    []any{1.0, 0.0, 0.0, 0.0, 0.0},
		"split_conditions": []any{0.5, 0.2, 4.85, -0.1, 0.3},
		"default_left":     []any{1.0, 0.0, 1.0, 0.0, 0.0},
		"split_type":       []any{0.0, 0.0, 0.0, 0.0, 0.0},
		"tree_param":       map[string]any{"num_nodes": "5", "num_deleted": "0", "num_feature": "2", "size_leaf_vector": "0"},
		"categories":       []any{},
	}
	for k, v := range want {
		if !reflect.DeepEqual(tree[k], v) {
			t.Errorf("tree 3 %s: got %v, want %v", k, tree[k], v)
		}
	}
	for _, k := range []string{"loss_changes", "sum_hessian", "base_weights"} {
		if a, ok := tree[k].([]any); !ok || len(a) != 5 {
			t.Errorf("tree 3 %s: got %v, want 5 numbers", k, tree[k])
		}
	}
}

// TestMarshalDefaultLeft checks that learned default directions are
// written per split: tree 3's node 2 sends missing values right; without
// DefaultLeft every split sends them left (TestMarshalStructure).
func TestMarshalDefaultLeft(t *testing.T) {
	p := boosted()
	p.Boosted.DefaultLeft = make([]bool, p.Boosted.NumNodes())
	for i := range p.Boosted.DefaultLeft {
		p.Boosted.DefaultLeft[i] = true
	}
	p.Boosted.DefaultLeft[5+2] = false
	data, err := Marshal(sampleBundle(t, p))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Learner struct {
			Booster struct {
				Model struct {
					Trees []struct {
						DefaultLeft []int `json:"default_left"`
					} `json:"trees"`
				} `json:"model"`
			} `json:"gradient_booster"`
		} `json:"learner"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	want := [][]int{{1, 0, 0}, {0}, {0}, {1, 0, 0, 0, 0}, {0}, {0}}
	for i, tree := range doc.Learner.Booster.Model.Trees {
		if !reflect.DeepEqual(tree.DefaultLeft, want[i]) {
			t.Errorf("tree %d default_left %v, want %v", i, tree.DefaultLeft, want[i])
		}
	}
}

func TestMarshalRejects(t *testing.T) {
	linear := model.Params{Linear: &model.Linear{
		Coef:      [][]float64{{1, -2}, {0.5, 0.25}, {-1.5, 1.75}},
		Intercept: []float64{0.1, -0.2, 0.1},
	}}
	if _, err := Marshal(sampleBundle(t, linear)); !errors.Is(err, ErrNotBoosted) {
		t.Errorf("linear model: error %v, want ErrNotBoosted", err)
	}
	b := sampleBundle(t, boosted())
	b.Model.Boosted.TreeClass[1] = 7 // as a hand-filled bundle might be
	if _, err := Marshal(b); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("class out of range: error %v, want model.ErrInvalid", err)
	}
}

func TestWriteFile(t *testing.T) {
	b := sampleBundle(t, boosted())
	path := filepath.Join(t.TempDir(), "model.json")
	if err := WriteFile(path, b); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Marshal(b)
	if !bytes.Equal(got, want) {
		t.Error("file content differs from Marshal's")
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "missing", "model.json"), b); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

// TestToChars checks base_score formatting against what XGBoost 1.7.4's
// save_model wrote for these base scores.
func TestToChars(t *testing.T) {
	tests := map[float32]string{
		0.5:      "5E-1",
		0.2:      "2E-1",
		0.1:      "1E-1",
		-1:       "-1E0",
		1e-10:    "1E-10",
		2.5:      "2.5E0",
		123456.7: "1.234567E5",
	}
	for v, want := range tests {
		if got := toChars(v); got != want {
			t.Errorf("toChars(%v) = %q, want %q", v, got, want)
		}
	}
}
