package space

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestValue(t *testing.T) {
	depth := Int("max_depth", 1, 32, true).OrUnlimited()
	_, depthTop, _ := depth.Bounds()
	trees := IntStep("n_estimators", 50, 500, 50)
	tests := []struct {
		name string
		d    Dim
		x    float64
		want any
	}{
		{"float", Float("f", 0.5, 1, false), 0.75, 0.75},
		{"float clipped", Float("f", 0.5, 1, false), 1.5, 1.0},
		{"log float", Float("C", 1e-4, 1e4, true), math.Log(2), 2.0},
		{"int rounds", Int("n", 2, 20, false), 4.4, 4},
		{"int step", trees, 125, 150},
		{"int step top", trees, 500, 500},
		{"log int", depth, math.Log(2.6), 3},
		{"log int low end", depth, math.Log(0.5), 1},
		{"log int below unlimited", depth, math.Log(32.4), 32},
		// One step past 32 stands for no limit.
		{"log int unlimited", depth, depthTop, nil},
		{"categorical", Categorical("k", "linear", "rbf"), 1, "rbf"},
		{"categorical clipped", Categorical("k", "linear", "rbf"), 3, "rbf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.d.Value(tt.x)
			if f, ok := got.(float64); ok {
				if w, ok := tt.want.(float64); !ok || math.Abs(f-w) > 1e-12 {
					t.Errorf("Value(%v) = %v, want %v", tt.x, got, tt.want)
				}
				return
			}
			if got != tt.want {
				t.Errorf("Value(%v) = %v (%T), want %v (%T)", tt.x, got, got, tt.want, tt.want)
			}
		})
	}
}

// TestRandomCovers checks that random draws reach every value of a
// discrete dimension, unlimited included, and stay inside the ranges.
func TestRandomCovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	s := New(Int("max_depth", 1, 4, false).OrUnlimited(), Categorical("c", "a", "b", nil), Float("C", 1e-3, 1e3, true))
	seen := map[string]map[any]bool{"max_depth": {}, "c": {}}
	for range 500 {
		for _, set := range s.Point(s.Random(rng)) {
			if set.Key == "C" {
				if c := set.Value.(float64); c < 1e-3 || c > 1e3 {
					t.Fatalf("C = %v outside [1e-3, 1e3]", c)
				}
				continue
			}
			seen[set.Key][set.Value] = true
		}
	}
	if len(seen["max_depth"]) != 5 || !seen["max_depth"][nil] || len(seen["c"]) != 3 {
		t.Errorf("values drawn: %v", seen)
	}
}

func TestNewPanics(t *testing.T) {
	for name, dims := range map[string][]Dim{
		"duplicate":       {Float("C", 1, 2, false), Float("C", 1, 2, false)},
		"log from zero":   {Float("C", 0, 2, true)},
		"empty range":     {Int("n", 3, 2, false)},
		"no choices":      {Categorical("k")},
		"fractional int":  {{Key: "n", Kind: KindInt, Low: 0.5, High: 2, Step: 1}},
		"zero step":       {IntStep("n", 1, 5, 0)},
		"log int at zero": {{Key: "n", Kind: KindInt, Low: 0, High: 2, Step: 1, Log: true}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%v) did not panic", dims)
				}
			}()
			New(dims...)
		})
	}
}

// TestValueNode checks that values read back from their nodes as the same
// type: a whole float stays a float, and strings that YAML would read as
// something else are quoted.
func TestValueNode(t *testing.T) {
	for _, v := range []any{nil, true, 3, 1.0, 0.25, 1e-4, 123456789.0, "rbf", "true", "null", "1.5", "sqrt"} {
		out, err := yaml.Marshal(ValueNode(v))
		if err != nil {
			t.Fatal(err)
		}
		var back any
		if err := yaml.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
		if back != v {
			t.Errorf("%v (%T) written as %q reads back as %v (%T)", v, v, out, back, back)
		}
	}
}

func TestOverlay(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("{kernel: linear, C: 1.0, tol: 0.001}"), &doc); err != nil {
		t.Fatal(err)
	}
	section := doc.Content[0]
	before, _ := yaml.Marshal(section)
	got := Overlay(section, Point{{"C", 0.5}, {"gamma", 2.0}, {"kernel", "rbf"}})
	out, err := yaml.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if want := "kernel: rbf\nC: 0.5\ntol: 0.001\ngamma: 2.0\n"; string(out) != want {
		t.Errorf("overlay:\n%s\nwant:\n%s", out, want)
	}
	if after, _ := yaml.Marshal(section); string(after) != string(before) {
		t.Errorf("the section was modified:\n%s", after)
	}
	if out, _ := yaml.Marshal(Overlay(nil, Point{{"max_depth", nil}})); string(out) != "max_depth: null\n" {
		t.Errorf("overlay on no section: %q", out)
	}
}

func TestNarrow(t *testing.T) {
	base := New(
		Categorical("criterion", "gini", "entropy"),
		Int("max_depth", 1, 32, true).OrUnlimited(),
		IntStep("n_estimators", 50, 500, 50),
		Float("C", 1e-4, 1e4, true),
		Categorical("max_features", "sqrt", 0.5, nil),
	)
	tests := []struct {
		name, text string
		want       func() Space // nil: an error is expected
		err        string
	}{
		{name: "null", text: "null", want: func() Space { return base }},
		{name: "float range", text: "{C: {low: 0.01, high: 100}}", want: func() Space {
			s := append(Space{}, base...)
			s[3].Low, s[3].High = 0.01, 100
			return s
		}},
		{name: "one bound", text: "{C: {high: 1}}", want: func() Space {
			s := append(Space{}, base...)
			s[3].High = 1
			return s
		}},
		{name: "int range without null", text: "{max_depth: {low: 2, high: 8, unlimited: false}}", want: func() Space {
			s := append(Space{}, base...)
			s[1].Low, s[1].High, s[1].Unlimited = 2, 8, false
			return s
		}},
		{name: "choices", text: "{criterion: [entropy], max_features: [null, 0.5]}", want: func() Space {
			s := append(Space{}, base...)
			s[0].Choices = []any{"entropy"}
			s[4].Choices = []any{nil, 0.5}
			return s
		}},
		{name: "fixed values", text: "{criterion: gini, max_depth: null, C: 2, n_estimators: 100}", want: func() Space {
			s := append(Space{}, base...)
			s[0] = Categorical("criterion", "gini")
			s[1] = Categorical("max_depth", nil)
			s[2] = Categorical("n_estimators", 100)
			s[3] = Categorical("C", 2.0)
			return s
		}},
		{name: "empty range is fixed", text: "{max_depth: {low: 4, high: 4, unlimited: false}}", want: func() Space {
			s := append(Space{}, base...)
			s[1] = Categorical("max_depth", 4)
			return s
		}},
		{name: "unknown key", text: "{tol: {low: 1}}", err: "tune.models.m.tol (line 1) is not a tuned parameter; the tuned parameters are criterion, max_depth, n_estimators, C, max_features"},
		{name: "outside", text: "{C: {low: 1e-6}}", err: "tune.models.m.C.low is 1e-06 (line 1), outside the declared range; the declared space is log-uniform [0.0001, 10000]"},
		{name: "reversed", text: "{C: {low: 10, high: 1}}", err: "tune.models.m.C has low 10 above high 1"},
		{name: "not an integer", text: "{max_depth: {high: 2.5}}", err: "tune.models.m.max_depth.high is 2.5 (line 1); it must be an integer"},
		{name: "off the grid", text: "{n_estimators: {low: 75}}", err: "tune.models.m.n_estimators.low is 75; it must be on the grid of step 50 from 50"},
		{name: "not a choice", text: "{criterion: [gini, mse]}", err: `tune.models.m.criterion: "mse" (line 1) is not a choice; the declared space is one of gini, entropy`},
		{name: "twice", text: "{criterion: [gini, gini]}", err: `tune.models.m.criterion: "gini" (line 1) is listed twice`},
		{name: "empty list", text: "{criterion: []}", err: "tune.models.m.criterion at line 1 must be a non-empty list of choices"},
		{name: "range for choices", text: "{criterion: {low: 1}}", err: "tune.models.m.criterion at line 1 must be a non-empty list of choices"},
		{name: "list for range", text: "{C: [1, 2]}", err: "tune.models.m.C at line 1 must be a range {low: L, high: H} or one value"},
		{name: "text bound", text: "{C: {low: small}}", err: `tune.models.m.C.low is "small" (line 1); it must be a number`},
		{name: "unknown bound", text: "{C: {lo: 1}}", err: "tune.models.m.C.lo (line 1) is not low, high or unlimited"},
		{name: "unlimited on a float", text: "{C: {unlimited: true}}", err: "tune.models.m.C.unlimited (line 1) is allowed only as true or false for an integer that may be null"},
		{name: "null for a float", text: "{C: null}", err: "tune.models.m.C is null (line 1)"},
		{name: "not a mapping", text: "[C]", err: "tune.models.m at line 1 must map tuned parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.text), &doc); err != nil {
				t.Fatal(err)
			}
			got, err := base.Narrow("tune.models.m", doc.Content[0])
			if tt.want == nil {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want(); !reflect.DeepEqual(got, want) {
				t.Errorf("narrowed to\n%v\nwant\n%v", got, want)
			}
		})
	}
}
