package pyfmt

import (
	"errors"
	"fmt"
	"math"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the nodes FromNode visits, aliases expanded, so a small
// document of nested aliases ("billion laughs") cannot exhaust memory.
const maxNodes = 1 << 20

// ErrTooLarge is returned for a document that expands beyond maxNodes.
var ErrTooLarge = errors.New("pyfmt: YAML document expands to too many nodes")

// FromNode converts a parsed YAML node to the value model, keeping mapping
// order. Aliases are followed (within a bound on the expanded size); merge
// keys and non-string mapping keys are errors, since DVC's files never
// need them.
func FromNode(n *yaml.Node) (any, error) {
	budget := maxNodes
	return fromNode(n, &budget)
}

func fromNode(n *yaml.Node, budget *int) (any, error) {
	if *budget--; *budget < 0 {
		return nil, ErrTooLarge
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromNode(n.Content[0], budget)
	case yaml.AliasNode:
		return fromNode(n.Alias, budget)
	case yaml.MappingNode:
		m := make(Map, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
				return nil, fmt.Errorf("line %d: unsupported mapping key", k.Line)
			}
			if _, dup := m.Get(k.Value); dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			val, err := fromNode(v, budget)
			if err != nil {
				return nil, err
			}
			m = append(m, KV{Key: k.Value, Value: val})
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := fromNode(c, budget)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		return scalarValue(n)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

func scalarValue(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			if int64(int(i)) == i {
				return int(i), nil
			}
			return i, nil
		}
		var u uint64
		if err := n.Decode(&u); err != nil {
			return nil, fmt.Errorf("line %d: integer %q out of range", n.Line, n.Value)
		}
		return u, nil
	case "!!float":
		var f float64
		err := n.Decode(&f)
		return f, err
	case "!!str", "!!timestamp", "!!binary":
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unsupported tag %s", n.Line, n.ShortTag())
}

// Equal reports whether a and b are equal as Python's == compares the
// values a YAML file loads to: collections element by element (mapping
// order ignored), numbers by value across int and float.
func Equal(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb && !math.IsNaN(fa)
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case Map:
		y, ok := b.(Map)
		if !ok || len(x) != len(y) {
			return false
		}
		for _, kv := range x {
			v, ok := y.Get(kv.Key)
			if !ok || !Equal(kv.Value, v) {
				return false
			}
		}
		return true
	}
	return false
}

// number returns a numeric value as float64. Python compares int and
// float by exact value; float64 is exact for every integer a params file
// realistically holds.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}
