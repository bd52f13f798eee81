package model

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// sampleBundle returns an unsealed bundle with the given fitted parameters on
// a two-feature, three-class problem.
func sampleBundle(name string, p Params) *Bundle {
	return &Bundle{
		Name:      name,
		Algorithm: name,
		Dataset:   Dataset{Name: "toy", Label: "class", MD5: "0123456789abcdef0123456789abcdef", Rows: 6, TrainRows: 6},
		Features: []Feature{
			{Name: "a", Valid: Range{Min: 0, Max: 10}, Stats: NewStats([]float64{1, 2, 3, 4, 5, 6}, 3)},
			{Name: "b", Valid: Range{Min: -5, Max: 5}, Stats: NewStats([]float64{-1, 0, 1, 1, 0, -1}, 3)},
		},
		Classes:         []string{"x", "y", "z"},
		Hyperparameters: map[string]any{"C": 1.0, "max_iter": 100, "criterion": "gini", "max_depth": nil},
		Metrics:         map[string]float64{"test_accuracy": 0.9, "cv_accuracy_mean": 0.85},
		Model:           p,
	}
}

func linearParams() Params {
	return Params{Linear: &Linear{
		Coef:      [][]float64{{1, -2}, {0.5, 0.25}, {-1.5, 1.75}},
		Intercept: []float64{0.1, -0.2, 0.1},
	}}
}

func standardizedParams() Params {
	p := linearParams()
	p.Linear.Mean = []float64{3.5, 0}
	p.Linear.Scale = []float64{1.7, 0.8}
	return p
}

func treeParams() Params {
	// a <= 2.5 -> x; else b <= 0 -> y; else z (with some uncertainty).
	return Params{Tree: &Tree{
		Feature:   []int{0, -1, 1, -1, -1},
		Threshold: []float64{2.5, 0, 0, 0, 0},
		Left:      []int{1, -1, 3, -1, -1},
		Right:     []int{2, -1, 4, -1, -1},
		Value:     [][]float64{{}, {1, 0, 0}, {}, {0, 0.75, 0.25}, {0, 0, 1}},
		Samples:   []int{6, 2, 4, 2, 2},
	}}
}

func sealed(t *testing.T, name string, p Params) *Bundle {
	t.Helper()
	b := sampleBundle(name, p)
	if err := b.Seal(); err != nil {
		t.Fatalf("seal %s: %v", name, err)
	}
	return b
}

// sealedFile seals a sample bundle with p and returns the bytes Save writes.
func sealedFile(tb testing.TB, name string, p Params) []byte {
	tb.Helper()
	b := sampleBundle(name, p)
	if err := b.Seal(); err != nil {
		tb.Fatalf("seal %s: %v", name, err)
	}
	data, err := b.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// replaceOnce returns a copy of data with the first old replaced by new. It
// fails the test if data does not contain old.
func replaceOnce(tb testing.TB, data []byte, old, new string) []byte {
	tb.Helper()
	if !bytes.Contains(data, []byte(old)) {
		tb.Fatalf("fixture lacks %q", old)
	}
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

func TestRoundTrip(t *testing.T) {
	cases := map[string]Params{
		"logistic_regression": linearParams(),
		"standardized":        standardizedParams(),
		"decision_tree":       treeParams(),
	}
	inputs := [][]float64{{0, 0}, {2.5, 0}, {2.6, 0}, {3, 0.1}, {10, -5}, {7.25, 4.5}}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			b := sealed(t, name, p)
			data, err := b.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			again := sealed(t, name, p)
			data2, _ := again.Marshal()
			if !bytes.Equal(data, data2) {
				t.Fatalf("same content gave different bytes")
			}
			loaded, err := Parse(data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			reencoded, _ := loaded.Marshal()
			if !bytes.Equal(data, reencoded) {
				t.Fatalf("load then marshal changed the bytes:\n%s\nvs\n%s", data, reencoded)
			}
			for _, x := range inputs {
				want, got := b.Predict(x), loaded.Predict(x)
				for k := range want {
					if want[k] != got[k] {
						t.Errorf("x=%v class %d: before save %v, after load %v", x, k, want[k], got[k])
					}
				}
				checkProbabilities(t, got)
			}
		})
	}
}

func checkProbabilities(t *testing.T, p []float64) {
	t.Helper()
	const tol = 1e-12
	var sum float64
	for _, v := range p {
		if v < 0 || v > 1 || math.IsNaN(v) {
			t.Fatalf("probability %v outside [0, 1] in %v", v, p)
		}
		sum += v
	}
	if math.Abs(sum-1) > tol {
		t.Fatalf("probabilities %v sum to %v, want 1", p, sum)
	}
}

func TestPredictKnownValues(t *testing.T) {
	tree := sealed(t, "decision_tree", treeParams())
	lin := sealed(t, "logistic_regression", linearParams())
	// Logits for x = (1, 2): (1-4+0.1, 0.5+0.5-0.2, -1.5+3.5+0.1) = (-2.9, 0.8, 2.1),
	// softmax computed by hand with exp().
	e := []float64{math.Exp(-2.9), math.Exp(0.8), math.Exp(2.1)}
	s := e[0] + e[1] + e[2]
	tests := []struct {
		name string
		b    *Bundle
		x    []float64
		want []float64
	}{
		{"tree left leaf", tree, []float64{2.5, 3}, []float64{1, 0, 0}},
		{"tree right-left leaf", tree, []float64{2.6, 0}, []float64{0, 0.75, 0.25}},
		{"tree right-right leaf", tree, []float64{9, 0.01}, []float64{0, 0, 1}},
		{"linear", lin, []float64{1, 2}, []float64{e[0] / s, e[1] / s, e[2] / s}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.b.Predict(tt.x)
			for k := range got {
				if math.Abs(got[k]-tt.want[k]) > 1e-15 {
					t.Fatalf("Predict(%v) = %v, want %v", tt.x, got, tt.want)
				}
			}
		})
	}
}

func TestPredictConcurrent(t *testing.T) {
	b := sealed(t, "logistic_regression", linearParams())
	want := b.Predict([]float64{1, 1})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			dst := make([]float64, 3)
			for range 1000 {
				b.PredictInto(dst, []float64{1, 1})
				if dst[0] != want[0] || dst[2] != want[2] {
					t.Errorf("concurrent prediction %v, want %v", dst, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestParseRejects(t *testing.T) {
	good := sealedFile(t, "decision_tree", treeParams())
	replace := func(old, new string) []byte { return replaceOnce(t, good, old, new) }
	tests := []struct {
		name    string
		data    []byte
		want    error
		message string
	}{
		{"empty", nil, ErrMalformed, "truncated"},
		{"truncated", good[:len(good)/2], ErrMalformed, "truncated"},
		{"not json", []byte("name,value\na,1\n"), ErrMalformed, "line 1"},
		{"foreign json", []byte(`{"learner": {}}`), ErrNotBundle, `no "format" field`},
		{"foreign format", []byte(`{"format": "onnx"}`), ErrNotBundle, `"onnx"`},
		{"future version", replace(`"format": "mlops.model/v1"`, `"format": "mlops.model/v9"`), ErrFormatVersion, "mlops.model/v9"},
		{"edited threshold", replace(`2.5`, `2.4`), ErrChecksum, "content hashes to"},
		{"edited class name", replace(`"z"`, `"w"`), ErrChecksum, "recorded"},
		{"unknown field", replace(`"name": "decision_tree"`, `"name": "decision_tree", "extra": 1`), ErrMalformed, `unknown field "extra"`},
		{"wrong type", replace(`"rows": 6`, `"rows": "six"`), ErrMalformed, "line"},
		{"child out of range", replace(`"left": [
        1,`, `"left": [
        9,`), ErrInvalid, "children"},
		{"trailing data", append(append([]byte{}, good...), []byte("{}")...), ErrMalformed, "after top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse(tt.data)
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", b)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %q, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("error %q does not mention %q", err, tt.message)
			}
		})
	}
}

func TestSealRejectsInvalid(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(b *Bundle)
		want   string
	}{
		{"bad name", func(b *Bundle) { b.Name = "../etc" }, "name"},
		{"no features", func(b *Bundle) { b.Features = nil }, "no features"},
		{"duplicate feature", func(b *Bundle) { b.Features[1].Name = "a" }, "listed twice"},
		{"inverted range", func(b *Bundle) { b.Features[0].Valid = Range{Min: 3, Max: 1} }, "valid range"},
		{"one class", func(b *Bundle) { b.Classes = b.Classes[:1] }, "need at least 2"},
		{"no parameters", func(b *Bundle) { b.Model = Params{} }, "found 0"},
		{"two parameter sets", func(b *Bundle) { b.Model.Tree = treeParams().Tree }, "found 2"},
		{"coef shape", func(b *Bundle) { b.Model.Linear.Coef[1] = []float64{1} }, "row 1"},
		{"nan coef", func(b *Bundle) { b.Model.Linear.Coef[0][0] = math.NaN() }, "not finite"},
		{"zero scale", func(b *Bundle) { b.Model.Linear.Mean = []float64{0, 0}; b.Model.Linear.Scale = []float64{1, 0} }, "scale"},
		{"nan metric", func(b *Bundle) { b.Metrics["x"] = math.Inf(1) }, "metric"},
		{"nested hyper-parameter", func(b *Bundle) { b.Hyperparameters["grid"] = []int{1} }, "hyper-parameter"},
		{"histogram total", func(b *Bundle) { b.Features[0].Stats.Histogram.Counts[0]++ }, "sum to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := sampleBundle("logistic_regression", linearParams())
			tt.mutate(b)
			err := b.Seal()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Seal error %v, want ErrInvalid mentioning %q", err, tt.want)
			}
		})
	}
}

func TestTreeValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(tr *Tree)
		want   string
	}{
		{"cycle", func(tr *Tree) { tr.Left[2] = 0 }, "children"},
		{"feature out of range", func(tr *Tree) { tr.Feature[2] = 5 }, "out of range"},
		{"leaf with children", func(tr *Tree) { tr.Left[1] = 3 }, "leaf"},
		{"leaf not a distribution", func(tr *Tree) { tr.Value[4] = []float64{0.5, 0.6, 0} }, "sum"},
		{"internal value", func(tr *Tree) { tr.Value[0] = []float64{1, 0, 0} }, "internal"},
		{"short arrays", func(tr *Tree) { tr.Samples = tr.Samples[:2] }, "differ in length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := treeParams()
			tt.mutate(p.Tree)
			if _, err := p.Compile(2, 3); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Compile error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestTreeShape(t *testing.T) {
	tr := treeParams().Tree
	if tr.NumNodes() != 5 || tr.NumLeaves() != 3 || tr.Depth() != 2 {
		t.Fatalf("nodes %d, leaves %d, depth %d; want 5, 3, 2", tr.NumNodes(), tr.NumLeaves(), tr.Depth())
	}
}

func TestCompilePanicsOnWrongShape(t *testing.T) {
	p := linearParams()
	pred, err := p.Compile(2, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("PredictInto with 3 features did not panic")
		}
	}()
	pred.PredictInto(make([]float64, 3), []float64{1, 2, 3})
}

func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	b := sealed(t, "decision_tree", treeParams())
	path := filepath.Join(dir, "decision_tree.json")
	if err := b.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.SHA256 != b.SHA256 {
		t.Fatalf("sha256 %s after load, want %s", loaded.SHA256, b.SHA256)
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Fatalf("missing file error %v should name the file", err)
	}
	if err := os.WriteFile(path, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), path) {
		t.Fatalf("corrupt file error %v, want ErrMalformed naming %s", err, path)
	}
}
