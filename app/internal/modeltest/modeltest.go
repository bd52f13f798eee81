// Package modeltest writes small, valid model sets for tests: Iris-shaped
// bundles built by hand (no training), so tests of the serving side do not
// depend on the trainer or on a models directory existing.
package modeltest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlopsgo/mlops/training/model"
)

// Iris's feature and class names, as the real bundles carry them.
var (
	Features = []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
	Classes  = []string{"Iris-setosa", "Iris-versicolor", "Iris-virginica"}
)

// Setosa, Versicolor and Virginica are typical rows of each class, which
// every model of [WriteSet] classifies correctly.
var (
	Setosa     = []float64{5.1, 3.5, 1.4, 0.2}
	Versicolor = []float64{6.0, 2.8, 4.5, 1.3}
	Virginica  = []float64{6.7, 3.0, 5.8, 2.2}
)

// trainingValues are a few rows per class, the source of the histograms.
var trainingValues = [][]float64{
	{5.1, 3.5, 1.4, 0.2}, {4.9, 3.0, 1.4, 0.2}, {4.7, 3.2, 1.3, 0.2}, {5.0, 3.6, 1.4, 0.2},
	{7.0, 3.2, 4.7, 1.4}, {6.4, 3.2, 4.5, 1.5}, {5.5, 2.3, 4.0, 1.3}, {6.5, 2.8, 4.6, 1.5},
	{6.3, 3.3, 6.0, 2.5}, {5.8, 2.7, 5.1, 1.9}, {7.1, 3.0, 5.9, 2.1}, {6.3, 2.9, 5.6, 1.8},
}

// Bundle returns a sealed Iris-shaped bundle named name. Algorithms
// "logistic_regression" give a linear model; anything else a decision tree
// on the petals (which is all serving needs to know of a forest or a
// boosted ensemble).
func Bundle(t testing.TB, name, algorithm string) *model.Bundle {
	t.Helper()
	feats := make([]model.Feature, len(Features))
	for j, f := range Features {
		col := make([]float64, len(trainingValues))
		for i, row := range trainingValues {
			col[i] = row[j]
		}
		feats[j] = model.Feature{Name: f, Valid: model.Range{Min: 0, Max: 10}, Stats: model.NewStats(col, model.DefaultBins)}
	}
	b := &model.Bundle{
		Name:            name,
		Algorithm:       algorithm,
		Dataset:         model.Dataset{Name: "iris", Label: "species", MD5: "9f44d5c52de2354fb45e9dcfc0e90b16", Rows: len(trainingValues), TrainRows: len(trainingValues)},
		Features:        feats,
		Classes:         Classes,
		Hyperparameters: map[string]any{},
		Metrics:         map[string]float64{"test_accuracy": 1},
		Model:           params(algorithm),
	}
	if err := b.Seal(); err != nil {
		t.Fatalf("seal %s: %v", name, err)
	}
	return b
}

func params(algorithm string) model.Params {
	if algorithm == "logistic_regression" {
		// Petal length and width separate the classes; the sepals do not
		// matter. Chosen by hand so the typical rows above come out right.
		return model.Params{Linear: &model.Linear{
			Coef:      [][]float64{{0, 0, -3, 0}, {0, 0, 0, 0}, {0, 0, 2, 3}},
			Intercept: []float64{7.5, 0, -16},
		}}
	}
	// petal_length <= 2.45: setosa; else petal_width <= 1.75: versicolor;
	// else virginica.
	return model.Params{Tree: &model.Tree{
		Feature:   []int{2, -1, 3, -1, -1},
		Threshold: []float64{2.45, 0, 1.75, 0, 0},
		Left:      []int{1, -1, 3, -1, -1},
		Right:     []int{2, -1, 4, -1, -1},
		Value:     [][]float64{{}, {1, 0, 0}, {}, {0, 0.9, 0.1}, {0, 0.02, 0.98}},
		Samples:   []int{12, 4, 8, 4, 4},
	}}
}

// Default is the set [WriteSet] writes when given no names: the champion is
// logistic_regression and random_forest is present, so the original
// endpoints default to random_forest and the new ones to the champion.
var Default = []string{"logistic_regression", "decision_tree", "random_forest"}

// WriteSet writes bundles with the given names (each name is also its
// algorithm) and an index naming champion into dir, and returns the bundles.
func WriteSet(t testing.TB, dir, champion string, names ...string) []*model.Bundle {
	t.Helper()
	if len(names) == 0 {
		names = Default
	}
	var bundles []*model.Bundle
	for _, n := range names {
		b := Bundle(t, n, n)
		if err := b.Save(filepath.Join(dir, n+".json")); err != nil {
			t.Fatal(err)
		}
		bundles = append(bundles, b)
	}
	idx, err := model.NewIndex(champion, bundles)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Save(filepath.Join(dir, model.IndexFile)); err != nil {
		t.Fatal(err)
	}
	return bundles
}

// Dir returns a new temporary directory holding the [Default] set with
// logistic_regression as champion.
func Dir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	WriteSet(t, dir, "logistic_regression")
	return dir
}

// Corrupt overwrites the middle of a bundle file, so its checksum no longer
// matches.
func Corrupt(t testing.TB, dir, name string) {
	t.Helper()
	path := filepath.Join(dir, name+".json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Change a digit inside the parameters: still valid JSON, wrong sum.
	for i := len(data) / 2; i < len(data); i++ {
		if data[i] >= '1' && data[i] <= '8' {
			data[i]++
			break
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// DowngradeIndex rewrites dir's index.json in index format version 1, as
// mlops train wrote it before roles existed: the same entries without
// their roles. Loading it must give the same roles, from the champion
// field.
func DowngradeIndex(t testing.TB, dir string) {
	t.Helper()
	path := filepath.Join(dir, model.IndexFile)
	idx, err := model.LoadIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	v1 := *idx
	v1.Format = model.IndexFormatV1
	v1.Models = nil
	for _, e := range idx.Models {
		e.Role = "" // omitted from the JSON, as version 1 had it
		v1.Models = append(v1.Models, e)
	}
	data, err := json.MarshalIndent(&v1, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
