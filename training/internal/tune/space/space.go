package space

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Space is an algorithm's tuned parameters, in the order they are sampled
// and shown.
type Space []Dim

// New returns the space of dims. It panics on a declaration mistake (a
// duplicate key, an empty range, a log scale reaching 0): spaces are
// declared in code, so that is a programmer error.
func New(dims ...Dim) Space {
	seen := map[string]bool{}
	for _, d := range dims {
		if err := d.check(); err != nil {
			panic(err)
		}
		if seen[d.Key] {
			panic(fmt.Sprintf("space: %s is declared twice", d.Key))
		}
		seen[d.Key] = true
	}
	return Space(dims)
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
// dimension. It panics if len(x) != len(s).
func (s Space) Point(x []float64) Point {
	if len(x) != len(s) {
		panic(fmt.Sprintf("space: %d values for %d dimensions", len(x), len(s)))
	}
	p := make(Point, len(s))
	for i, d := range s {
		p[i] = Setting{Key: d.Key, Value: d.Value(x[i])}
	}
	return p
}

// Random draws one internal value per dimension with Dim.Random.
func (s Space) Random(rng *rand.Rand) []float64 {
	x := make([]float64, len(s))
	for i, d := range s {
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
