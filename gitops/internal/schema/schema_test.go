package schema

import (
	"strings"
	"testing"
)

const testSchema = `
type: object
required: [spec]
properties:
  spec:
    type: object
    required: [name]
    properties:
      name: {type: string}
      count: {type: integer, format: int64}
      small: {type: integer, format: int32}
      ratio: {type: number}
      enabled: {type: boolean}
      mode: {type: string, enum: [a, b]}
      port: {x-kubernetes-int-or-string: true}
      tags: {type: array, items: {type: string}}
      labels: {type: object, additionalProperties: {type: string}}
      free: {type: object, x-kubernetes-preserve-unknown-fields: true}
`

func TestValidate(t *testing.T) {
	s, err := Parse([]byte(testSchema))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		doc  string
		want []string // "path: message fragment", in path order
	}{
		{name: "valid", doc: `spec: {name: x, count: 3, small: 1, ratio: 0.5, enabled: true, mode: a, port: http, tags: [a], labels: {k: v}, free: {any: [1, {x: y}]}}`},
		{name: "int-or-string number", doc: `spec: {name: x, port: 8080}`},
		{name: "missing root field", doc: `other: 1`, want: []string{"(root): required field \"spec\"", "other: unknown field"}},
		{name: "missing nested field", doc: `spec: {}`, want: []string{"spec: required field \"name\""}},
		{name: "unknown field with a hint", doc: `spec: {name: x, Name: y}`, want: []string{`spec.Name: unknown field (did you mean "name"?)`}},
		{name: "wrong types", doc: `spec: {name: 1, count: "3", enabled: "yes", ratio: x, tags: a}`, want: []string{
			"spec.count: want an integer, got the string", "spec.enabled: want a boolean",
			"spec.name: want a string, got the number 1", "spec.ratio: want a number", "spec.tags: want an array"}},
		{name: "fraction is not an integer", doc: `spec: {name: x, count: 1.5}`, want: []string{"spec.count: want an integer"}},
		{name: "int32 overflow", doc: `spec: {name: x, small: 3000000000}`, want: []string{"spec.small: 3e+09 does not fit in int32"}},
		{name: "enum", doc: `spec: {name: x, mode: c}`, want: []string{"spec.mode: c is not one of [a b]"}},
		{name: "array items", doc: `spec: {name: x, tags: [a, 1]}`, want: []string{"spec.tags[1]: want a string"}},
		{name: "map values", doc: `spec: {name: x, labels: {k: 1}}`, want: []string{"spec.labels.k: want a string"}},
		{name: "null", doc: `spec: {name: null}`, want: []string{"spec.name: null is not allowed"}},
		{name: "int-or-string bool", doc: `spec: {name: x, port: true}`, want: []string{"spec.port: want an integer or a string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, err := s.ValidateYAML([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("%s: got %d errors %v, want %d %v", tt.name, len(errs), errs, len(tt.want), tt.want)
			}
			for i, e := range errs {
				if !strings.HasPrefix(e.Error(), tt.want[i]) {
					t.Errorf("%s: error %d is %q, want it to start with %q", tt.name, i, e, tt.want[i])
				}
			}
		})
	}
}

func TestParseRejectsUnknownKeywords(t *testing.T) {
	if _, err := Parse([]byte("type: object\npattern: '^a'\n")); err == nil {
		t.Fatal("Parse accepted a keyword it does not check (pattern)")
	}
}
