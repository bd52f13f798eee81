package generate

import "testing"

func TestDeclaredRange(t *testing.T) {
	tests := []struct {
		name    string
		lo, hi  float64
		want    Range
		comment string
	}{
		{"iris sepal length", 4.3, 7.9, Range{Min: 3.9, Max: 8.3}, "3.94..8.26 rounded out to 0.1"},
		{"clamped at zero", 0.1, 2.5, Range{Min: 0, Max: 2.8, Clamped: true}, "-0.14 clamped"},
		{"zero low end is not clamped", 0, 10, Range{Min: 0, Max: 11, Clamped: true}, "-1 clamped, 11 exact"},
		{"negative column widens below zero", -5, 5, Range{Min: -6, Max: 6}, "10% of 10"},
		{"large integers", 1200, 98000, Range{Min: 0, Max: 108000, Clamped: true}, "step 10000"},
		{"small spans", 0.0012, 0.0034, Range{Min: 0.0009, Max: 0.0037}, "span 0.0022: step 1e-4"},
		{"subnormal span", 0, 5e-324, Range{Min: 0, Max: 5e-324}, "no power of ten to round to"},
		{"near the largest float64", -1.7e308, 1.7e308, Range{Min: -1.7e308, Max: 1.7e308}, "the span overflows"},
		{"offset far from zero", 1e6, 1e6 + 1, Range{Min: 999999.9, Max: 1000001.1}, "step 0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DeclaredRange(tt.lo, tt.hi)
			if got != tt.want {
				t.Errorf("DeclaredRange(%v, %v) = %+v, want %+v (%s)", tt.lo, tt.hi, got, tt.want, tt.comment)
			}
			if got.Min > tt.lo || got.Max < tt.hi {
				t.Errorf("DeclaredRange(%v, %v) = %+v does not contain the observed values", tt.lo, tt.hi, got)
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, tt := range []struct {
		in          string
		valid       bool
		suggest     string
		fromPath    string
		pathIsValid bool
	}{
		{"sepal_length", true, "sepal_length", "sepal_length", true},
		{"Petal.Width", false, "Petal_Width", "petal_width", true},
		{"_id", true, "id", "id", true},
		{"2nd", false, "f_2nd", "data_2nd", true},
		{"a b", false, "a_b", "a_b", true},
		{"é", false, "feature", "", false},
	} {
		if got := ValidFeatureName(tt.in); got != tt.valid {
			t.Errorf("ValidFeatureName(%q) = %v, want %v", tt.in, got, tt.valid)
		}
		if got := SuggestFeatureName(tt.in); got != tt.suggest || !ValidFeatureName(got) {
			t.Errorf("SuggestFeatureName(%q) = %q, want %q (a valid name)", tt.in, got, tt.suggest)
		}
		if got := NameFromPath("data/" + tt.in + ".csv"); got != tt.fromPath || ValidName(got) != tt.pathIsValid {
			t.Errorf("NameFromPath(%q) = %q, want %q", tt.in, got, tt.fromPath)
		}
	}
}
