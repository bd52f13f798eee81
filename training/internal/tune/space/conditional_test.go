package space

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// svmLike is a space with a conditional dimension, as the SVM's: gamma
// only for the rbf kernel, and, depending on gamma's parent too, a degree
// only for a poly kernel.
func svmLike() Space {
	return New(
		Categorical("kernel", "linear", "rbf", "poly"),
		Float("C", 1e-3, 1e3, true),
		Float("gamma", 1e-4, 10, true).When("kernel", "rbf", "poly"),
		Categorical("shape", "narrow", "wide").When("kernel", "poly"),
		Int("width", 1, 5, false).When("shape", "wide"),
	)
}

// TestConditionalPoint checks which dimensions a point has: a conditional
// one only where its condition holds, and, when its parent is inactive
// itself, not at all, whatever value x holds for it.
func TestConditionalPoint(t *testing.T) {
	s := svmLike()
	c := math.Log(2)
	tests := []struct {
		name string
		x    []float64
		want Point
	}{
		{"linear", []float64{0, c, math.NaN(), math.NaN(), math.NaN()}, Point{{"kernel", "linear"}, {"C", 2.0}}},
		{"linear, values ignored", []float64{0, c, c, 1, 3}, Point{{"kernel", "linear"}, {"C", 2.0}}},
		{"rbf", []float64{1, c, c, math.NaN(), math.NaN()}, Point{{"kernel", "rbf"}, {"C", 2.0}, {"gamma", 2.0}}},
		{"poly narrow", []float64{2, c, c, 0, 3}, Point{{"kernel", "poly"}, {"C", 2.0}, {"gamma", 2.0}, {"shape", "narrow"}}},
		{"poly wide", []float64{2, c, c, 1, 3}, Point{{"kernel", "poly"}, {"C", 2.0}, {"gamma", 2.0}, {"shape", "wide"}, {"width", 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Point(tt.x)
			if len(got) != len(tt.want) {
				t.Fatalf("Point(%v) = %v, want %v", tt.x, got, tt.want)
			}
			for i := range got {
				f, isFloat := got[i].Value.(float64)
				if got[i].Key != tt.want[i].Key || (isFloat && math.Abs(f-tt.want[i].Value.(float64)) > 1e-12) ||
					(!isFloat && got[i].Value != tt.want[i].Value) {
					t.Errorf("Point(%v) = %v, want %v", tt.x, got, tt.want)
				}
			}
			for i := range s {
				_, has := got.lookup(s[i].Key)
				if active := s.Active(tt.x, i); active != has {
					t.Errorf("Active(x, %s) = %v; the point has it: %v", s[i].Key, active, has)
				}
			}
		})
	}
}

func (p Point) lookup(key string) (any, bool) {
	for _, s := range p {
		if s.Key == key {
			return s.Value, true
		}
	}
	return nil, false
}

// TestConditionalRandom checks that random draws give every active
// dimension a value and every inactive one NaN, and reach every branch.
func TestConditionalRandom(t *testing.T) {
	s := svmLike()
	rng := rand.New(rand.NewPCG(3, 3))
	branches := map[string]int{}
	for range 600 {
		x := s.Random(rng)
		for i, d := range s {
			if active := s.Active(x, i); active == math.IsNaN(x[i]) {
				t.Fatalf("%s: active %v with internal value %v (x %v)", d.Key, active, x[i], x)
			}
		}
		p := s.Point(x)
		_, wide := p.lookup("width")
		branches[fmt.Sprintf("%v wide=%v", p[0].Value, wide)]++
	}
	if len(branches) != 4 {
		t.Errorf("branches drawn: %v, want linear, rbf, poly narrow and poly wide", branches)
	}
}

func TestConditionalDeclarations(t *testing.T) {
	tests := map[string][]Dim{
		"unknown parent":         {Float("gamma", 1, 2, false).When("kernel", "rbf")},
		"parent declared last":   {Float("gamma", 1, 2, false).When("kernel", "rbf"), Categorical("kernel", "linear", "rbf")},
		"parent not categorical": {Float("C", 1, 2, false), Float("gamma", 1, 2, false).When("C", 1.5)},
		"value not a choice":     {Categorical("kernel", "linear", "rbf"), Float("gamma", 1, 2, false).When("kernel", "poly")},
		"no value":               {Categorical("kernel", "linear", "rbf"), Float("gamma", 1, 2, false).When("kernel")},
		"on itself":              {Categorical("kernel", "linear", "rbf").When("kernel", "rbf")},
	}
	for name, dims := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(strings.ToLower(r.(error).Error()), "space: ") {
					t.Errorf("New(%v) did not panic with a space: error (%v)", dims, r)
				}
			}()
			New(dims...)
		})
	}
}

// TestConditionalNarrowAndString checks that narrowing keeps a condition,
// also when it fixes the dimension, and that the space's description says
// when a dimension exists.
func TestConditionalNarrowAndString(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("{kernel: [rbf, poly], gamma: 0.5, C: {high: 10}}"), &doc); err != nil {
		t.Fatal(err)
	}
	got, err := svmLike().Narrow("tune.models.svm", doc.Content[0])
	if err != nil {
		t.Fatal(err)
	}
	want := &Condition{Param: "kernel", Values: []any{"rbf", "poly"}}
	if !reflect.DeepEqual(got[2].Condition, want) || got[2].Kind != KindCategorical || !reflect.DeepEqual(got[2].Choices, []any{0.5}) {
		t.Errorf("gamma narrowed to %+v (condition %+v), want fixed at 0.5 when %+v", got[2], got[2].Condition, want)
	}
	if got := got[2].String(); got != "one of 0.5 when kernel is one of rbf, poly" {
		t.Errorf("String() = %q", got)
	}
	if got := svmLike()[4].String(); got != "integer [1, 5] when shape is wide" {
		t.Errorf("String() = %q", got)
	}
}

// TestJSON checks the JSON form other tools read a space from.
func TestJSON(t *testing.T) {
	tests := []struct {
		name string
		dim  Dim
		want string
	}{
		{"log float", Float("C", 1e-3, 1e3, true), `{"key":"C","kind":"float","low":0.001,"high":1000,"log":true}`},
		{"int step", IntStep("n_estimators", 50, 500, 50), `{"key":"n_estimators","kind":"int","low":50,"high":500,"step":50}`},
		{"unlimited", Int("max_depth", 1, 32, true).OrUnlimited(), `{"key":"max_depth","kind":"int","low":1,"high":32,"log":true,"step":1,"unlimited":true}`},
		{"categorical", Categorical("max_features", "sqrt", 0.5, nil), `{"key":"max_features","kind":"categorical","low":0,"high":0,"choices":["sqrt",0.5,null]}`},
		{"conditional", Float("gamma", 1e-4, 10, true).When("kernel", "rbf"), `{"key":"gamma","kind":"float","low":0.0001,"high":10,"log":true,"when":{"param":"kernel","values":["rbf"]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.dim)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("JSON %s\nwant %s", got, tt.want)
			}
			var back Dim
			if err := json.Unmarshal(got, &back); err != nil || back.Kind != tt.dim.Kind || back.Key != tt.dim.Key {
				t.Errorf("read back as %+v, %v", back, err)
			}
		})
	}
	if _, err := json.Marshal(Dim{Kind: Kind(7)}); err == nil {
		t.Error("an unknown kind was written")
	}
}
