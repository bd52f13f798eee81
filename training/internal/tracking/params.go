package tracking

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

// Param is one run parameter, flattened: a dotted key and its value as
// text.
type Param struct {
	Key   string
	Value string
}

// FlattenParams turns nested parameters (Run.Params) into dotted keys,
// sorted by key: maps recurse, strings are themselves, anything else
// (lists, numbers, booleans, null) is its compact JSON. An empty map
// contributes nothing.
func FlattenParams(params map[string]any) []Param {
	var out []Param
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, e := range m {
				key := k
				if prefix != "" {
					key = prefix + "." + k
				}
				walk(key, e)
			}
			return
		}
		if s, ok := v.(string); ok {
			out = append(out, Param{Key: prefix, Value: s})
			return
		}
		data, err := json.Marshal(v)
		if err != nil {
			data = []byte(fmt.Sprint(v))
		}
		out = append(out, Param{Key: prefix, Value: string(data)})
	}
	if len(params) > 0 {
		walk("", params)
	}
	slices.SortFunc(out, func(a, b Param) int { return cmp.Compare(a.Key, b.Key) })
	return out
}
