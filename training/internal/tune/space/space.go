package space

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Space is an algorithm's tuned parameters, in the order they are sampled
// and shown.
type Space []Dim

// New returns the space of dims. It panics on a declaration mistake (a
// duplicate key, an empty range, a log scale reaching 0, a condition on a
// parameter that is not a categorical one declared before): spaces are
// declared in code, so that is a programmer error.
func New(dims ...Dim) Space {
	s := Space(dims)
	for i, d := range dims {
		if err := d.check(); err != nil {
			panic(err)
		}
		if s.index(d.Key) < i {
			panic(fmt.Sprintf("space: %s is declared twice", d.Key))
		}
		if err := s.checkCondition(i); err != nil {
			panic(err)
		}
	}
	return s
}

// checkCondition reports a mistake in the condition of dimension i: it
// must name a categorical dimension declared before i and some of its
// choices.
func (s Space) checkCondition(i int) error {
	c := s[i].Condition
	if c == nil {
		return nil
	}
	p := s.index(c.Param)
	if p < 0 || p >= i || s[p].Kind != KindCategorical {
		return fmt.Errorf("space: %s depends on %s, which is not a categorical parameter declared before it", s[i].Key, c.Param)
	}
	if len(c.Values) == 0 {
		return fmt.Errorf("space: %s depends on %s taking no value", s[i].Key, c.Param)
	}
	for _, v := range c.Values {
		if !slices.Contains(s[p].Choices, v) {
			return fmt.Errorf("space: %s depends on %s taking %v, not one of its choices", s[i].Key, c.Param, v)
		}
	}
	return nil
}

// index returns the index of the dimension of key, or -1.
func (s Space) index(key string) int {
	return slices.IndexFunc(s, func(d Dim) bool { return d.Key == key })
}

// Active reports whether dimension i exists for the internal values x
// (one per dimension, NaN for an inactive one): always for an
// unconditional dimension, and for a conditional one when the dimension
// it depends on is active and takes one of the condition's values. Only
// x's values before i are read, so a sampler can decide dimension by
// dimension, in order.
func (s Space) Active(x []float64, i int) bool {
	c := s[i].Condition
	if c == nil {
		return true
	}
	p := s.index(c.Param)
	if math.IsNaN(x[p]) || !s.Active(x, p) {
		return false
	}
	return c.holds(s[p].Value(x[p]))
}

// Keys returns the tuned parameters' keys in order.
func (s Space) Keys() []string {
	keys := make([]string, len(s))
	for i, d := range s {
		keys[i] = d.Key
	}
	return keys
}

// Lookup returns the dimension of key.
func (s Space) Lookup(key string) (Dim, bool) {
	for _, d := range s {
		if d.Key == key {
			return d, true
		}
	}
	return Dim{}, false
}

// Point returns the params.yaml values of the internal values x, one per
// dimension, leaving out the dimensions inactive at x (see Active): a
// point never sets a parameter its other values make meaningless. It
// panics if len(x) != len(s), or if an active dimension's value is NaN.
func (s Space) Point(x []float64) Point {
	if len(x) != len(s) {
		panic(fmt.Sprintf("space: %d values for %d dimensions", len(x), len(s)))
	}
	p := make(Point, 0, len(s))
	for i, d := range s {
		if !s.Active(x, i) {
			continue
		}
		if math.IsNaN(x[i]) {
			panic(fmt.Sprintf("space: %s is active but has no value", d.Key))
		}
		p = append(p, Setting{Key: d.Key, Value: d.Value(x[i])})
	}
	return p
}

// Random draws one internal value per active dimension with Dim.Random,
// in order, and NaN for each inactive one, which draws nothing.
func (s Space) Random(rng *rand.Rand) []float64 {
	x := make([]float64, len(s))
	for i, d := range s {
		if !s.Active(x, i) {
			x[i] = math.NaN()
			continue
		}
		x[i] = d.Random(rng)
	}
	return x
}

// String lists the dimensions, one "key: range" per line.
func (s Space) String() string {
	var b strings.Builder
	for _, d := range s {
		fmt.Fprintf(&b, "%s: %s\n", d.Key, d)
	}
	return b.String()
}

// Encode returns the internal values of the settings in values (a model's
// configured hyper-parameters by key, typed as Point values are), NaN for
// the dimensions they leave inactive, and the point they make, its values
// exactly those given. ok is false when a dimension's value is not one the
// space can take (out of its range, off its grid, or of another kind, such
// as "sqrt" for a fraction): no trial can stand for those settings.
func (s Space) Encode(values map[string]any) (x []float64, p Point, ok bool) {
	x = make([]float64, len(s))
	for i, d := range s {
		if !s.Active(x, i) {
			x[i] = math.NaN()
			continue
		}
		v, present := values[d.Key]
		if !present {
			return nil, nil, false
		}
		if x[i], ok = d.encode(v); !ok {
			return nil, nil, false
		}
		p = append(p, Setting{Key: d.Key, Value: v})
	}
	return x, p, true
}
