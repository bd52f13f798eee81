package model

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
)

// withImpute returns the sample bundle with an impute value per feature.
func withImpute(name string, p Params, values ...float64) *Bundle {
	b := sampleBundle(name, p)
	for j := range b.Features {
		b.Features[j].Impute = &values[j]
	}
	return b
}

// TestImputeRoundTrip checks that impute values survive Marshal and Parse,
// that a zero impute value is kept (not dropped as empty), and that a
// bundle without them has no "impute" key at all.
func TestImputeRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		bundle *Bundle
		want   []*float64
		key    bool // the JSON has an "impute" key
	}{
		{name: "without", bundle: sampleBundle("decision_tree", treeParams()), want: []*float64{nil, nil}},
		{name: "with", bundle: withImpute("decision_tree", treeParams(), 3.5, 0), want: []*float64{ptr(3.5), ptr(0.0)}, key: true},
		{name: "one feature", bundle: func() *Bundle {
			b := sampleBundle("logistic_regression", linearParams())
			b.Features[1].Impute = ptr(-0.5)
			return b
		}(), want: []*float64{nil, ptr(-0.5)}, key: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.bundle.Seal(); err != nil {
				t.Fatal(err)
			}
			data, err := tt.bundle.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(data, []byte(`"impute"`)); got != tt.key {
				t.Errorf("the JSON has an impute key: %v, want %v", got, tt.key)
			}
			loaded, err := Parse(data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			for j, f := range loaded.Features {
				if (f.Impute == nil) != (tt.want[j] == nil) || f.Impute != nil && *f.Impute != *tt.want[j] {
					t.Errorf("feature %s: impute %v, want %v", f.Name, deref(f.Impute), deref(tt.want[j]))
				}
			}
			if got := loaded.Imputes(); got != tt.key {
				t.Errorf("Imputes() = %v, want %v", got, tt.key)
			}
			again, _ := loaded.Marshal()
			if !bytes.Equal(data, again) {
				t.Errorf("load then marshal changed the bytes")
			}
		})
	}
}

// TestOldBundleKeepsItsBytes loads a bundle written before impute values
// existed and checks it loads, has none, and re-encodes to the same bytes.
func TestOldBundleKeepsItsBytes(t *testing.T) {
	data, err := os.ReadFile("testdata/iris_decision_tree.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if b.Imputes() {
		t.Error("an old bundle reports impute values")
	}
	again, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Error("re-encoding an old bundle changed its bytes")
	}
}

func TestSealRejectsBadImpute(t *testing.T) {
	tests := []struct {
		name  string
		value float64
	}{
		{"NaN", math.NaN()},
		{"infinite", math.Inf(1)},
		{"below the valid range", -0.5},
		{"above the valid range", 10.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := withImpute("decision_tree", treeParams(), tt.value, 0)
			err := b.Seal()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `feature "a": impute value`) {
				t.Fatalf("Seal error %v, want ErrInvalid naming feature a's impute value", err)
			}
		})
	}
	// The bounds themselves are valid.
	if err := withImpute("decision_tree", treeParams(), 10, -5).Seal(); err != nil {
		t.Errorf("impute values on the range's bounds: %v", err)
	}
}

func TestFillMissing(t *testing.T) {
	nan := math.NaN()
	both := withImpute("decision_tree", treeParams(), 3.5, 0)
	onlyB := sampleBundle("decision_tree", treeParams())
	onlyB.Features[1].Impute = ptr(-1.0)
	none := sampleBundle("decision_tree", treeParams())
	tests := []struct {
		name    string
		b       *Bundle
		x, want []float64
		filled  int
		missing string // the feature a *MissingValueError names
	}{
		{name: "nothing missing", b: none, x: []float64{1, 2}, want: []float64{1, 2}},
		{name: "both filled", b: both, x: []float64{nan, nan}, want: []float64{3.5, 0}, filled: 2},
		{name: "one filled", b: both, x: []float64{nan, 2}, want: []float64{3.5, 2}, filled: 1},
		{name: "no impute value", b: none, x: []float64{1, nan}, missing: "b"},
		{name: "the other feature's", b: onlyB, x: []float64{nan, nan}, missing: "a"},
		{name: "only what has one", b: onlyB, x: []float64{1, nan}, want: []float64{1, -1}, filled: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.b.FillMissing(tt.x)
			if tt.missing != "" {
				var me *MissingValueError
				if !errors.As(err, &me) || me.Feature != tt.missing || !errors.Is(err, ErrMissingValue) ||
					!strings.Contains(err.Error(), "data.missing: error") {
					t.Fatalf("error %v, want a *MissingValueError for %q", err, tt.missing)
				}
				return
			}
			if err != nil || n != tt.filled {
				t.Fatalf("FillMissing = %d, %v; want %d, nil", n, err, tt.filled)
			}
			for j := range tt.want {
				if tt.x[j] != tt.want[j] {
					t.Errorf("x = %v, want %v", tt.x, tt.want)
					break
				}
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
