package space

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Narrow returns s narrowed by n, the mapping under params.yaml's
// tune.models.<model>; path ("tune.models.svm") prefixes the keys errors
// name. Each key is a tuned parameter, and its value is one of:
//
//   - {low: L, high: H} for a float or an integer: a range inside the
//     declared one (either bound may be left out), and for an integer
//     that may be unlimited, unlimited: false to leave null out;
//   - a list of choices for a categorical parameter, a subset of the
//     declared ones;
//   - a single value, which fixes the parameter (inside the range, or one
//     of the choices; null for an unlimited integer).
//
// A nil or null n leaves s as it is. s is not modified.
func (s Space) Narrow(path string, n *yaml.Node) (Space, error) {
	if n == nil || n.ShortTag() == "!!null" {
		return s, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s at line %d must map tuned parameters to a range {low, high}, a list of choices or a value", path, n.Line)
	}
	out := slices.Clone(s)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := path + "." + k.Value
		at := slices.IndexFunc(out, func(d Dim) bool { return d.Key == k.Value })
		if at < 0 {
			return nil, fmt.Errorf("%s (line %d) is not a tuned parameter; the tuned parameters are %s", key, k.Line, strings.Join(s.Keys(), ", "))
		}
		if seen[k.Value] {
			return nil, fmt.Errorf("%s (line %d) is set twice", key, k.Line)
		}
		seen[k.Value] = true
		d, err := narrowDim(key, out[at], v)
		if err != nil {
			return nil, err
		}
		// A narrowed dimension stays as conditional as declared.
		d.Condition = out[at].Condition
		out[at] = d
	}
	return out, nil
}

// narrowDim narrows one dimension by v, as Narrow says.
func narrowDim(key string, d Dim, v *yaml.Node) (Dim, error) {
	declared := fmt.Sprintf("the declared space is %s", d)
	if v.Kind == yaml.ScalarNode {
		return fix(key, d, v, declared)
	}
	if d.Kind == KindCategorical {
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			return Dim{}, fmt.Errorf("%s at line %d must be a non-empty list of choices or one choice; %s", key, v.Line, declared)
		}
		var choices []any
		for _, c := range v.Content {
			i := choiceIndex(d, c)
			if i < 0 {
				return Dim{}, fmt.Errorf("%s: %q (line %d) is not a choice; %s", key, c.Value, c.Line, declared)
			}
			if slices.Contains(choices, d.Choices[i]) {
				return Dim{}, fmt.Errorf("%s: %q (line %d) is listed twice", key, c.Value, c.Line)
			}
			choices = append(choices, d.Choices[i])
		}
		d.Choices = choices
		return d, nil
	}
	if v.Kind != yaml.MappingNode {
		return Dim{}, fmt.Errorf("%s at line %d must be a range {low: L, high: H} or one value; %s", key, v.Line, declared)
	}
	low, high := d.Low, d.High
	for i := 0; i+1 < len(v.Content); i += 2 {
		bk, bv := v.Content[i], v.Content[i+1]
		switch bk.Value {
		case "low", "high":
			x, err := number(key+"."+bk.Value, d, bv, declared)
			if err != nil {
				return Dim{}, err
			}
			if bk.Value == "low" {
				low = x
			} else {
				high = x
			}
		case "unlimited":
			var b bool
			if d.Kind != KindInt || !d.Unlimited || bv.Decode(&b) != nil {
				return Dim{}, fmt.Errorf("%s.unlimited (line %d) is allowed only as true or false for an integer that may be null; %s", key, bk.Line, declared)
			}
			d.Unlimited = b
		default:
			return Dim{}, fmt.Errorf("%s.%s (line %d) is not low, high or unlimited", key, bk.Value, bk.Line)
		}
	}
	if low > high {
		return Dim{}, fmt.Errorf("%s has low %v above high %v", key, low, high)
	}
	if d.Kind == KindInt && math.Mod(low-d.Low, float64(d.Step)) != 0 {
		return Dim{}, fmt.Errorf("%s.low is %v; it must be on the grid of step %d from %v", key, low, d.Step, d.Low)
	}
	d.Low, d.High = low, high
	if d.Low == d.High && (d.Kind != KindInt || !d.Unlimited) {
		return Dim{Key: d.Key, Kind: KindCategorical, Choices: []any{d.Value(boundsLow(d))}}, nil
	}
	return d, nil
}

// boundsLow is d's lowest internal value.
func boundsLow(d Dim) float64 {
	low, _, _ := d.Bounds()
	return low
}

// fix narrows d to the single value v.
func fix(key string, d Dim, v *yaml.Node, declared string) (Dim, error) {
	switch {
	case d.Kind == KindCategorical:
		i := choiceIndex(d, v)
		if i < 0 {
			return Dim{}, fmt.Errorf("%s is %q (line %d), not a choice; %s", key, v.Value, v.Line, declared)
		}
		return Categorical(d.Key, d.Choices[i]), nil
	case v.ShortTag() == "!!null":
		if d.Kind != KindInt || !d.Unlimited {
			return Dim{}, fmt.Errorf("%s is null (line %d); %s", key, v.Line, declared)
		}
		return Categorical(d.Key, nil), nil
	}
	x, err := number(key, d, v, declared)
	if err != nil {
		return Dim{}, err
	}
	if d.Kind == KindInt {
		return Categorical(d.Key, int(x)), nil
	}
	return Categorical(d.Key, x), nil
}

// number reads a bound or a fixed value of d: a number inside d's range,
// an integer for an integer dimension.
func number(key string, d Dim, v *yaml.Node, declared string) (float64, error) {
	var x float64
	if v.Kind != yaml.ScalarNode || (v.ShortTag() != "!!int" && v.ShortTag() != "!!float") || v.Decode(&x) != nil {
		return 0, fmt.Errorf("%s is %q (line %d); it must be a number; %s", key, v.Value, v.Line, declared)
	}
	if d.Kind == KindInt && x != math.Trunc(x) {
		return 0, fmt.Errorf("%s is %v (line %d); it must be an integer; %s", key, x, v.Line, declared)
	}
	if x < d.Low || x > d.High {
		return 0, fmt.Errorf("%s is %v (line %d), outside the declared range; %s", key, x, v.Line, declared)
	}
	return x, nil
}

// choiceIndex returns the index of the choice of d that v writes, or -1.
func choiceIndex(d Dim, v *yaml.Node) int {
	if v.Kind != yaml.ScalarNode {
		return -1
	}
	var x any
	if v.Decode(&x) != nil {
		return -1
	}
	for i, c := range d.Choices {
		if c == x || (v.ShortTag() == "!!int" && c == any(float64(x.(int)))) {
			return i
		}
	}
	return -1
}
