package space

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Setting is one parameter's value, as params.yaml writes it.
type Setting struct {
	Key   string
	Value any
}

// Point is one value per tuned parameter, in the space's order; a
// conditional parameter inactive at the point is left out.
type Point []Setting

// String formats p as a flow mapping, "{C: 0.5, kernel: rbf}", with floats
// to 4 significant digits: for tables and logs, not for writing back.
func (p Point) String() string {
	parts := make([]string, len(p))
	for i, s := range p {
		v := formatValue(s.Value)
		if f, ok := s.Value.(float64); ok {
			v = strconv.FormatFloat(f, 'g', 4, 64)
		}
		parts[i] = s.Key + ": " + v
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// ValueNode returns v as a YAML scalar node whose tag keeps its type: a
// float stays a float even when whole (1.0, not 1, which the forest's
// max_features would read as one feature), and a string that would read
// as another type is quoted.
func ValueNode(v any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode}
	switch v := v.(type) {
	case nil:
		n.Tag, n.Value = "!!null", "null"
	case bool:
		n.Tag, n.Value = "!!bool", strconv.FormatBool(v)
	case int:
		n.Tag, n.Value = "!!int", strconv.Itoa(v)
	case float64:
		n.Tag, n.Value = "!!float", formatFloat(v)
	case string:
		n.Tag, n.Value = "!!str", v
		var probe yaml.Node
		if yaml.Unmarshal([]byte(v), &probe) != nil || len(probe.Content) != 1 || probe.Content[0].ShortTag() != "!!str" {
			n.Style = yaml.DoubleQuotedStyle
		}
	default:
		panic(fmt.Sprintf("space: value %v of type %T", v, v))
	}
	return n
}

// formatFloat writes f in the shortest form that reads back as the same
// float64, with a decimal point or an exponent so YAML reads a float.
func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEnN") { // n: NaN and Inf, which the ranges exclude
		s += ".0"
	}
	return s
}

// formatValue writes v as params.yaml would.
func formatValue(v any) string {
	if f, ok := v.(float64); ok {
		return formatFloat(f)
	}
	if v == nil {
		return "null"
	}
	return fmt.Sprint(v)
}

// Overlay returns a new model section: section's settings (nil or null:
// none) with p's values in place of those it sets, and p's other keys
// appended in p's order. section is not modified.
func Overlay(section *yaml.Node, p Point) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	done := make(map[string]bool, len(p))
	if section != nil && section.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(section.Content); i += 2 {
			k, v := section.Content[i], section.Content[i+1]
			for _, s := range p {
				if s.Key == k.Value {
					v, done[s.Key] = ValueNode(s.Value), true
				}
			}
			out.Content = append(out.Content, k, v)
		}
	}
	for _, s := range p {
		if !done[s.Key] {
			out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s.Key}, ValueNode(s.Value))
		}
	}
	return out
}
