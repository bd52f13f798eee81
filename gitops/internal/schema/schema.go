// Package schema checks a YAML or JSON document against a structural
// OpenAPI v3 schema, the subset Kubernetes CustomResourceDefinitions use:
// type, properties, required, items, additionalProperties, enum, format
// int32/int64, and x-kubernetes-preserve-unknown-fields and
// x-kubernetes-int-or-string. A field the schema does not declare is an
// error, unlike the API server, which would silently prune it: a manifest in
// git should not carry fields that never reach the cluster.
package schema

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Schema is one node of a structural schema.
type Schema struct {
	Description          string             `json:"description,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
	Enum                 []any              `json:"enum,omitempty"`
	PreserveUnknown      bool               `json:"x-kubernetes-preserve-unknown-fields,omitempty"`
	IntOrString          bool               `json:"x-kubernetes-int-or-string,omitempty"`
}

// Parse reads a schema from YAML or JSON; unknown keywords are errors, so a
// schema cannot ask for a check this package does not make.
func Parse(b []byte) (*Schema, error) {
	var s Schema
	if err := yaml.UnmarshalStrict(b, &s); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return &s, nil
}

// Error is one violation, at a path such as "spec.syncPolicy.retry.limit".
type Error struct {
	Path, Msg string
}

func (e Error) Error() string { return e.Path + ": " + e.Msg }

// ValidateYAML decodes doc and validates it (see [Schema.Validate]).
func (s *Schema) ValidateYAML(doc []byte) ([]Error, error) {
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return s.Validate(v), nil
}

// Validate returns every violation of s by v, a value decoded from JSON (or
// from YAML through sigs.k8s.io/yaml: maps, slices, strings, float64, bool,
// nil), sorted by path.
func (s *Schema) Validate(v any) []Error {
	var errs []Error
	s.validate("", v, &errs)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
	return errs
}

func (s *Schema) validate(path string, v any, errs *[]Error) {
	fail := func(format string, args ...any) {
		p := path
		if p == "" {
			p = "(root)"
		}
		*errs = append(*errs, Error{Path: p, Msg: fmt.Sprintf(format, args...)})
	}
	if v == nil {
		fail("null is not allowed (want %s)", s.Type)
		return
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		fail("%v is not one of %v", v, s.Enum)
	}
	if s.IntOrString {
		if _, ok := v.(string); !ok && !isInteger(v) {
			fail("want an integer or a string, got %T", v)
		}
		return
	}
	switch s.Type {
	case "":
		// No type: anything goes (only under preserve-unknown-fields).
	case "string":
		if _, ok := v.(string); !ok {
			fail("want a string, got %s", describe(v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("want a boolean, got %s", describe(v))
		}
	case "integer":
		if !isInteger(v) {
			fail("want an integer, got %s", describe(v))
		} else if s.Format == "int32" && (v.(float64) > math.MaxInt32 || v.(float64) < math.MinInt32) {
			fail("%v does not fit in int32", v)
		}
	case "number":
		if _, ok := v.(float64); !ok {
			fail("want a number, got %s", describe(v))
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			fail("want an array, got %s", describe(v))
			return
		}
		if s.Items != nil {
			for i, e := range a {
				s.Items.validate(fmt.Sprintf("%s[%d]", path, i), e, errs)
			}
		}
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			fail("want an object, got %s", describe(v))
			return
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				fail("required field %q is missing", r)
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := join(path, k)
			switch p, ok := s.Properties[k]; {
			case ok:
				p.validate(child, m[k], errs)
			case s.AdditionalProperties != nil:
				s.AdditionalProperties.validate(child, m[k], errs)
			case s.PreserveUnknown:
			default:
				*errs = append(*errs, Error{Path: child, Msg: "unknown field" + suggest(k, s.Properties)})
			}
		}
	default:
		fail("schema: unsupported type %q", s.Type)
	}
}

func isInteger(v any) bool {
	f, ok := v.(float64)
	return ok && f == math.Trunc(f) && !math.IsInf(f, 0)
}

func describe(v any) string {
	switch v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case float64:
		return fmt.Sprintf("the number %v", v)
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// suggest names a declared field that differs from k only in case, the
// commonest slip (repoUrl for repoURL).
func suggest(k string, props map[string]*Schema) string {
	for p := range props {
		if strings.EqualFold(p, k) {
			return fmt.Sprintf(" (did you mean %q?)", p)
		}
	}
	return ""
}
