package space

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Kind is the type of a dimension.
type Kind int

// The kinds of dimension.
const (
	// KindFloat is a real number in [Low, High], uniform or log-uniform.
	KindFloat Kind = iota
	// KindInt is an integer in [Low, High] on a grid of Step, uniform or
	// log-uniform; with Unlimited, one more grid point past High stands for
	// null (no limit).
	KindInt
	// KindCategorical is one of Choices.
	KindCategorical
)

// kindNames are the kinds' names in a space's JSON form.
var kindNames = [...]string{KindFloat: "float", KindInt: "int", KindCategorical: "categorical"}

// MarshalText writes k as "float", "int" or "categorical".
func (k Kind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(kindNames) {
		return nil, fmt.Errorf("space: kind %d", int(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText reads the names MarshalText writes.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("space: unknown kind %q", b)
}

// Dim is one tuned parameter. Build it with Float, Int or Categorical.
// Its JSON form (the field tags) is what other tools read to search the
// same space, as the e2e comparison with scikit-learn and Optuna does.
type Dim struct {
	// Key is the parameter's params.yaml key.
	Key  string `json:"key"`
	Kind Kind   `json:"kind"`
	// Low and High bound a float or an integer dimension, both included.
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	// Log samples a float or an integer dimension log-uniformly (Low > 0).
	Log bool `json:"log,omitempty"`
	// Step is an integer dimension's grid: Low, Low+Step, ... ≤ High.
	Step int `json:"step,omitempty"`
	// Unlimited adds, to an integer dimension, the value null (no limit),
	// placed one step past High: a depth limit beyond the deepest tried is
	// closest to no limit at all.
	Unlimited bool `json:"unlimited,omitempty"`
	// Choices are a categorical dimension's values: string, bool, int,
	// float64 or nil, as params.yaml writes them.
	Choices []any `json:"choices,omitempty"`
	// When, if set, makes the dimension conditional: it exists only for
	// the points where another dimension takes one of some values (gamma
	// only for the RBF kernel). Elsewhere it is not sampled, not shown and
	// not applied, as a parameter Optuna's define-by-run objective never
	// suggests. Set it with Dim.When.
	Condition *Condition `json:"when,omitempty"`
}

// Condition says when a conditional dimension is active: when the
// categorical dimension Param, earlier in the space and active itself,
// takes one of Values.
type Condition struct {
	Param  string `json:"param"`
	Values []any  `json:"values"`
}

// holds reports whether v is one of c's values.
func (c *Condition) holds(v any) bool {
	for _, w := range c.Values {
		if w == v {
			return true
		}
	}
	return false
}

// String writes c as "kernel is rbf" or "kernel is one of rbf, poly".
func (c *Condition) String() string {
	if len(c.Values) == 1 {
		return c.Param + " is " + formatValue(c.Values[0])
	}
	s := c.Param + " is one of "
	for i, v := range c.Values {
		if i > 0 {
			s += ", "
		}
		s += formatValue(v)
	}
	return s
}

// Float returns a float dimension over [low, high], log-uniform if log.
func Float(key string, low, high float64, log bool) Dim {
	return Dim{Key: key, Kind: KindFloat, Low: low, High: high, Log: log}
}

// Int returns an integer dimension over [low, high] with step 1,
// log-uniform if log.
func Int(key string, low, high int, log bool) Dim {
	return Dim{Key: key, Kind: KindInt, Low: float64(low), High: float64(high), Log: log, Step: 1}
}

// IntStep returns an integer dimension over low, low+step, ... ≤ high.
func IntStep(key string, low, high, step int) Dim {
	return Dim{Key: key, Kind: KindInt, Low: float64(low), High: float64(high), Step: step}
}

// Categorical returns a dimension taking one of choices.
func Categorical(key string, choices ...any) Dim {
	return Dim{Key: key, Kind: KindCategorical, Choices: choices}
}

// When returns d active only where the categorical dimension param
// (declared before d) takes one of values, and absent elsewhere.
func (d Dim) When(param string, values ...any) Dim {
	d.Condition = &Condition{Param: param, Values: values}
	return d
}

// OrUnlimited returns d, an integer dimension, with null (no limit) as one
// more value.
func (d Dim) OrUnlimited() Dim {
	d.Unlimited = true
	return d
}

// Fixed reports whether d can take only one value.
func (d Dim) Fixed() bool {
	switch d.Kind {
	case KindCategorical:
		return len(d.Choices) == 1
	case KindInt:
		return d.Low == d.High && !d.Unlimited
	}
	return d.Low == d.High
}

// top is the highest integer value a sample can take: High rounded down
// to the grid, plus one step for Unlimited.
func (d Dim) top() float64 {
	t := d.Low + math.Floor((d.High-d.Low)/float64(d.Step))*float64(d.Step)
	if d.Unlimited {
		t += float64(d.Step)
	}
	return t
}

// Bounds returns the internal representation's range: [low, high] and the
// grid step (0 for a continuous range). A float is continuous over [Low,
// High] or [log Low, log High]; an integer on a linear scale is discrete
// with step Step; an integer on a log scale is continuous over [log(Low −
// Step/2), log(top + Step/2)] and rounded by Value, as Optuna 3.x handles
// log-scaled integers; a categorical dimension is discrete over the choice
// indices.
func (d Dim) Bounds() (low, high, step float64) {
	switch d.Kind {
	case KindCategorical:
		return 0, float64(len(d.Choices) - 1), 1
	case KindInt:
		if d.Log {
			s := float64(d.Step) / 2
			return math.Log(d.Low - s), math.Log(d.top() + s), 0
		}
		return d.Low, d.top(), float64(d.Step)
	}
	if d.Log {
		return math.Log(d.Low), math.Log(d.High), 0
	}
	return d.Low, d.High, 0
}

// Value returns the params.yaml value of the internal value x: a float64,
// an int, nil for an integer's unlimited value, or a choice.
func (d Dim) Value(x float64) any {
	switch d.Kind {
	case KindCategorical:
		i := min(max(int(math.Round(x)), 0), len(d.Choices)-1)
		return d.Choices[i]
	case KindInt:
		v := x
		if d.Log {
			v = math.Exp(x)
		}
		s := float64(d.Step)
		v = min(max(d.Low+math.Round((v-d.Low)/s)*s, d.Low), d.top())
		if d.Unlimited && v == d.top() {
			return nil
		}
		return int(v)
	}
	v := x
	if d.Log {
		v = math.Exp(x)
	}
	// exp(log(x)) may land a rounding error outside the range.
	return min(max(v, d.Low), d.High)
}

// Internal returns the internal value of the parameter value x stands
// for: x clipped to Bounds for a float, the index of the choice for a
// categorical dimension, the integer (its logarithm on a log scale; the
// value past High for null) for an integer, as Optuna records a trial's
// integer rather than the draw it was rounded from.
func (d Dim) Internal(x float64) float64 {
	switch d.Kind {
	case KindCategorical:
		return float64(min(max(int(math.Round(x)), 0), len(d.Choices)-1))
	case KindInt:
		v := d.top()
		if i, ok := d.Value(x).(int); ok {
			v = float64(i)
		}
		if d.Log {
			return math.Log(v)
		}
		return v
	}
	low, high, _ := d.Bounds()
	return min(max(x, low), high)
}

// Random draws an internal value uniformly over Bounds (log-uniformly in
// the parameter's own units for a log scale), as Optuna's RandomSampler
// does.
func (d Dim) Random(rng *rand.Rand) float64 {
	low, high, step := d.Bounds()
	if step > 0 {
		n := int(math.Round((high-low)/step)) + 1
		return low + float64(rng.IntN(n))*step
	}
	return low + rng.Float64()*(high-low)
}

// check reports a declaration mistake, a programmer error.
func (d Dim) check() error {
	switch d.Kind {
	case KindCategorical:
		if len(d.Choices) == 0 {
			return fmt.Errorf("space: %s has no choices", d.Key)
		}
		return nil
	case KindInt:
		if d.Step < 1 || d.Low != math.Trunc(d.Low) || d.High != math.Trunc(d.High) {
			return fmt.Errorf("space: %s is an integer range [%v, %v] with step %d", d.Key, d.Low, d.High, d.Step)
		}
	case KindFloat:
	default:
		return fmt.Errorf("space: %s has kind %d", d.Key, d.Kind)
	}
	if !(d.Low <= d.High) || math.IsInf(d.Low, 0) || math.IsInf(d.High, 0) || (d.Log && !(d.Low > 0)) {
		return fmt.Errorf("space: %s has range [%v, %v] (log %v)", d.Key, d.Low, d.High, d.Log)
	}
	if d.Log && d.Kind == KindInt && d.Low-float64(d.Step)/2 <= 0 {
		return fmt.Errorf("space: %s is log-scaled from %v with step %d; the grid must stay above 0", d.Key, d.Low, d.Step)
	}
	return nil
}

// String describes d as the errors and the tune table show it, e.g.
// "log-uniform [0.0001, 10000]", "one of gini, entropy" or "log-uniform
// [0.0001, 10] when kernel is rbf".
func (d Dim) String() string {
	if d.Condition != nil {
		return d.values() + " when " + d.Condition.String()
	}
	return d.values()
}

// values describes the values d takes.
func (d Dim) values() string {
	switch d.Kind {
	case KindCategorical:
		s := "one of "
		for i, c := range d.Choices {
			if i > 0 {
				s += ", "
			}
			s += formatValue(c)
		}
		return s
	case KindInt:
		scale := "integer"
		if d.Log {
			scale = "log-scaled integer"
		}
		s := fmt.Sprintf("%s [%v, %v]", scale, d.Low, d.High)
		if d.Step > 1 {
			s += fmt.Sprintf(" step %d", d.Step)
		}
		if d.Unlimited {
			s += " or null"
		}
		return s
	}
	if d.Log {
		return fmt.Sprintf("log-uniform [%v, %v]", d.Low, d.High)
	}
	return fmt.Sprintf("uniform [%v, %v]", d.Low, d.High)
}

// encode returns the internal value of the parameter value v, or false if
// d cannot take v.
func (d Dim) encode(v any) (float64, bool) {
	switch d.Kind {
	case KindCategorical:
		i := slices.IndexFunc(d.Choices, func(c any) bool { return c == v })
		return float64(i), i >= 0
	case KindInt:
		f := d.top() // null, no limit, stands one step past High
		if v != nil || !d.Unlimited {
			n, ok := v.(int)
			if f = float64(n); !ok || f < d.Low || f > d.High || math.Mod(f-d.Low, float64(d.Step)) != 0 {
				return 0, false
			}
		}
		if d.Log {
			return math.Log(f), true
		}
		return f, true
	}
	f, ok := v.(float64)
	if !ok || !(f >= d.Low && f <= d.High) {
		return 0, false
	}
	if d.Log {
		return math.Log(f), true
	}
	return f, true
}
