package space

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestEncode checks which configured settings a space can take as a
// trial, and their internal values.
func TestEncode(t *testing.T) {
	svm := New(
		Categorical("kernel", "linear", "rbf"),
		Float("C", 1e-3, 1e3, true),
		Float("gamma", 1e-4, 10, true).When("kernel", "rbf"),
	)
	trees := New(
		Int("max_depth", 1, 32, true).OrUnlimited(),
		IntStep("n_estimators", 50, 500, 50),
		Float("max_features", 0.1, 1, false),
	)
	nan := math.NaN()
	tests := []struct {
		name   string
		s      Space
		values map[string]any
		want   []float64 // nil: not encodable
	}{
		{"inactive dim left out", svm, map[string]any{"kernel": "linear", "C": 1.0, "gamma": "scale"}, []float64{0, 0, nan}},
		{"active conditional dim", svm, map[string]any{"kernel": "rbf", "C": 1.0, "gamma": 0.5}, []float64{1, 0, math.Log(0.5)}},
		{"active dim of another kind", svm, map[string]any{"kernel": "rbf", "C": 1.0, "gamma": "scale"}, nil},
		{"above the range", svm, map[string]any{"kernel": "linear", "C": 2000.0}, nil},
		{"unknown choice", svm, map[string]any{"kernel": "poly", "C": 1.0}, nil},
		{"missing setting", svm, map[string]any{"kernel": "linear"}, nil},
		{"unlimited depth and grid", trees, map[string]any{"max_depth": nil, "n_estimators": 100, "max_features": 0.5}, []float64{math.Log(33), 100, 0.5}},
		{"off the grid", trees, map[string]any{"max_depth": 4, "n_estimators": 75, "max_features": 0.5}, nil},
		{"depth above the range", trees, map[string]any{"max_depth": 40, "n_estimators": 100, "max_features": 0.5}, nil},
		{"a name for a fraction", trees, map[string]any{"max_depth": 4, "n_estimators": 100, "max_features": "sqrt"}, nil},
		{"an int for a float", trees, map[string]any{"max_depth": 4, "n_estimators": 100, "max_features": 1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, p, ok := tt.s.Encode(tt.values)
			if ok != (tt.want != nil) {
				t.Fatalf("Encode(%v) ok = %v, want %v", tt.values, ok, tt.want != nil)
			}
			if !ok {
				return
			}
			for i := range x {
				if x[i] != tt.want[i] && !(math.IsNaN(x[i]) && math.IsNaN(tt.want[i])) {
					t.Errorf("x[%d] = %v, want %v", i, x[i], tt.want[i])
				}
			}
			if got := tt.s.Point(x); !reflect.DeepEqual(got, p) {
				t.Errorf("Point(x) = %v, want the encoded point %v", got, p)
			}
			for _, st := range p {
				if st.Value != tt.values[st.Key] {
					t.Errorf("point's %s = %v, want the value given, %v", st.Key, st.Value, tt.values[st.Key])
				}
			}
		})
	}
}

// TestEncodeRoundTrip encodes random points of a space with every kind of
// dimension and requires their internal values back, as Internal gives
// them.
func TestEncodeRoundTrip(t *testing.T) {
	s := New(
		Categorical("kernel", "linear", "rbf"),
		Float("gamma", 1e-4, 10, true).When("kernel", "rbf"),
		Float("frac", 0.1, 1, false),
		Int("depth", 1, 32, true).OrUnlimited(),
		Int("leaf", 1, 50, false),
		IntStep("trees", 50, 500, 50),
	)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		drawn := s.Random(rng)
		p := s.Point(drawn)
		values := map[string]any{}
		for _, st := range p {
			values[st.Key] = st.Value
		}
		x, got, ok := s.Encode(values)
		if !ok {
			t.Fatalf("Encode(%v) failed", values)
		}
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("Encode(%v) point %v", values, got)
		}
		for i, d := range s {
			want := drawn[i]
			switch {
			case math.IsNaN(want):
			case d.Kind == KindFloat && d.Log:
				want = math.Log(values[d.Key].(float64))
			case d.Kind == KindFloat:
				want = values[d.Key].(float64)
			default:
				want = d.Internal(want)
			}
			if x[i] != want && !(math.IsNaN(x[i]) && math.IsNaN(want)) {
				t.Fatalf("%s: encoded %v, want %v (point %v)", d.Key, x[i], want, p)
			}
		}
	}
}
