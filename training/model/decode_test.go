package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// TestDecodeFast checks which documents the hand decoder takes and that what
// it takes decodes to encoding/json's value; the rest go to encoding/json.
func TestDecodeFast(t *testing.T) {
	forest := sealedFile(t, "random_forest", forestParams())
	boosted := sealedFile(t, "xgboost", boostedParams())
	replace := func(data []byte, old, new string) []byte { return replaceOnce(t, data, old, new) }
	var compact bytes.Buffer
	if err := json.Compact(&compact, forest); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		fast bool
		want error // of Parse; nil: accepted
	}{
		{"forest as written", forest, true, nil},
		{"boosted trees as written", boosted, true, nil},
		{"boosted trees with default directions", sealedFile(t, "xgboost", boostedMissingRight()), true, nil},
		{"default directions not booleans", replace(boosted, `"base_score": 0.5`, `"default_left": [1, 0], "base_score": 0.5`), false, ErrMalformed},
		{"default directions null", replace(boosted, `"base_score": 0.5`, `"default_left": null, "base_score": 0.5`), false, nil},
		{"forest, compact", compact.Bytes(), true, nil},
		{"internal node value null", replace(forest, `"value": [
            [],`, `"value": [null,`), true, ErrChecksum},
		{"decision tree", sealedFile(t, "decision_tree", treeParams()), false, nil},
		{"linear", sealedFile(t, "logistic_regression", linearParams()), false, nil},
		{"key in another case", replace(forest, `"trees"`, `"Trees"`), false, nil},
		{"model key in another case", replace(forest, `"model"`, `"Model"`), false, nil},
		{"repeated model", replace(forest, `"model": {`, `"model": {}, "model": {`), false, nil},
		{"repeated key", replace(forest, `"trees": [`, `"trees": [], "trees": [`), false, nil},
		{"boosted null beside the forest", replace(forest, `"forest": {`, `"boosted": null, "forest": {`), false, nil},
		{"unknown key", replace(forest, `"feature": [`, `"extra": 1, "feature": [`), false, ErrMalformed},
		{"null number", replace(forest, `"threshold": [`, `"threshold": [null, `), false, ErrInvalid},
		{"float for an int", replace(forest, `"samples": [
            6,`, `"samples": [
            6.0,`), false, ErrMalformed},
		{"int32 overflow", replace(boosted, `"feature": [`, `"feature": [2147483648, `), false, ErrMalformed},
		{"float32 overflow", replace(boosted, `"gain": [`, `"gain": [1e39, `), false, ErrMalformed},
		{"leading zero", replace(forest, `"threshold": [`, `"threshold": [01, `), false, ErrMalformed},
		{"string for a number", replace(boosted, `"base_score": 0.5`, `"base_score": "0.5"`), false, ErrMalformed},
		{"truncated", forest[:len(forest)/2], false, ErrMalformed},
		{"trailing data", append(append([]byte{}, forest...), "{}"...), false, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := decodeFast(tt.data)
			if ok != tt.fast {
				t.Fatalf("decodeFast took it: %v, want %v", ok, tt.fast)
			}
			if ok {
				want, err := decodeStrict(tt.data)
				if err != nil {
					t.Fatalf("decodeFast took what encoding/json rejects: %v", err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("decodeFast gave\n%+v\nencoding/json\n%+v", got, want)
				}
			}
			if _, err := Parse(tt.data); !errors.Is(err, tt.want) {
				t.Fatalf("Parse error %v, want %v", err, tt.want)
			}
		})
	}
}
