package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestVerify checks both ways Parse verifies the checksum: hashing the file's
// own bytes without whitespace (fast), and re-encoding the decoded bundle
// (slow), which decides whenever the fast hash does not match.
func TestVerify(t *testing.T) {
	good := sealedFile(t, "decision_tree", treeParams())
	replace := func(old, new string) []byte { return replaceOnce(t, good, old, new) }
	var compact, tabs bytes.Buffer
	if err := json.Compact(&compact, good); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&tabs, compact.Bytes(), "\t", "\t"); err != nil {
		t.Fatal(err)
	}
	var sha struct {
		SHA256 string `json:"sha256"`
	}
	if err := json.Unmarshal(good, &sha); err != nil {
		t.Fatal(err)
	}
	shaFirst := []byte(`{"sha256": "` + sha.SHA256 + `", ` + strings.TrimPrefix(strings.Replace(compact.String(), `,"sha256":"`+sha.SHA256+`"`, "", 1), "{"))

	// Large enough to be hashed in several pieces.
	forest := sealedFile(t, "random_forest", randomForest(rand.New(rand.NewPCG(1, 3)), 20, 2, 3))
	tests := []struct {
		name string
		data []byte
		fast bool  // whether the file's own bytes hash to the checksum
		want error // nil: Parse accepts it
	}{
		{"as written", good, true, nil},
		{"forest as written", forest, true, nil},
		{"forest, edited", replaceOnce(t, forest, `"samples": [
            117,`, `"samples": [
            116,`), false, ErrChecksum},
		{"compact", compact.Bytes(), true, nil},
		{"other whitespace, same key order", append([]byte("\r\n "), tabs.Bytes()...), true, nil},
		// The rest differ from the canonical content in more than
		// whitespace; re-encoding decides.
		{"number spelled differently", replace(`2.5`, `2.50`), false, nil},
		{"escaped character in a string", replace(`"gini"`, `"g\u0069ni"`), false, nil},
		{"sha256 first", shaFirst, false, nil},
		{"edited number", replace(`2.5`, `2.4`), false, ErrChecksum},
		{"edited string", replace(`"z"`, `"w"`), false, ErrChecksum},
		{"edited checksum", replace(sha.SHA256, strings.Repeat("0", len(sha.SHA256))), false, ErrChecksum},
		{"whitespace inside a string", replace(`"gini"`, `"gi ni"`), false, ErrChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Bundle
			if err := json.Unmarshal(tt.data, &b); err != nil {
				t.Fatalf("fixture does not decode: %v", err)
			}
			if got := b.rawChecksumMatches(tt.data); got != tt.fast {
				t.Errorf("rawChecksumMatches = %v, want %v", got, tt.fast)
			}
			_, err := Parse(tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse error %v, want %v", err, tt.want)
			}
		})
	}
}

// TestVerifyLossyBundles checks that bundles whose decoding loses what
// json.Marshal wrote when they were sealed are still rejected: re-encoding
// them does not give the recorded checksum, and the fast path must not
// accept them either.
func TestVerifyLossyBundles(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(b *Bundle)
	}{
		{"integer hyper-parameter beyond 2^53", func(b *Bundle) { b.Hyperparameters["seed"] = int64(1<<53 + 1) }},
		{"invalid UTF-8 in a class name", func(b *Bundle) { b.Classes[2] = "z\xff" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := sampleBundle("decision_tree", treeParams())
			tt.mutate(b)
			if err := b.Seal(); err != nil {
				t.Fatal(err)
			}
			data, err := b.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Parse(data); !errors.Is(err, ErrChecksum) {
				t.Fatalf("Parse error %v, want %v", err, ErrChecksum)
			}
		})
	}
}

func TestCompactJSON(t *testing.T) {
	tests := []string{
		``,
		`{}`,
		" {\n\t\"a\" : [ 1 , 2.5e-3 , -0 ] ,\r\n \"b\" : null } \n",
		`{"s": "a b\t\"c \\\" d\\\\", "t" : "\\"}`,
		`[ "\u0020 x", true, false ]`,
	}
	for _, in := range tests {
		var want bytes.Buffer
		if in != "" {
			if err := json.Compact(&want, []byte(in)); err != nil {
				t.Fatalf("fixture %q: %v", in, err)
			}
		}
		if got := compactJSON(nil, []byte(in), nil); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("compactJSON(%q) = %q, want %q", in, got, want.Bytes())
		}
	}
}
