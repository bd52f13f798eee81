package model

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// FuzzParse checks that no input makes Parse panic and that whatever it
// accepts predicts valid probabilities and round-trips to the same bytes.
func FuzzParse(f *testing.F) {
	for _, p := range []Params{linearParams(), standardizedParams(), treeParams()} {
		data := sealedFile(f, "seed_model", p)
		f.Add(data)
		f.Add(data[:len(data)/3])
	}
	f.Add([]byte(`{"format": "mlops.model/v1"}`))
	f.Add([]byte(`{"format": "mlops.model/v1", "model": {"tree": {"feature": [0], "left": [0]}}}`))
	if data, err := os.ReadFile("testdata/iris_decision_tree.json"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(data)
		if err != nil {
			return
		}
		x := make([]float64, b.NumFeatures())
		for i, feat := range b.Features {
			x[i] = (feat.Valid.Min + feat.Valid.Max) / 2
		}
		checkProbabilities(t, b.Predict(x))
		out, err := b.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse of accepted bundle: %v", err)
		}
		out2, _ := again.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatal("accepted bundle does not round-trip")
		}
	})
}

// FuzzCompactJSON checks compactJSON against json.Compact on valid JSON.
func FuzzCompactJSON(f *testing.F) {
	f.Add([]byte(" {\n  \"a\": [1, 2.5, \"x \\\" y\"],\n  \"b\": null\n}\n"))
	f.Add([]byte(`"\\"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var want bytes.Buffer
		if json.Compact(&want, data) != nil {
			return
		}
		if got := compactJSON(nil, data, nil); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("compactJSON(%q) = %q, want %q", data, got, want.Bytes())
		}
		// In pieces, through a small buffer that keeps its last 3 bytes.
		var pieces []byte
		rest := compactJSON(make([]byte, 0, 8), data, func(dst []byte) []byte {
			n := max(len(dst)-3, 0)
			pieces = append(pieces, dst[:n]...)
			return append(dst[:0], dst[n:]...)
		})
		if got := append(pieces, rest...); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("compactJSON(%q) in pieces = %q, want %q", data, got, want.Bytes())
		}
	})
}

// FuzzDecodeFast checks that whatever the hand decoder takes, encoding/json
// takes too and decodes to the same value.
func FuzzDecodeFast(f *testing.F) {
	for _, p := range []Params{forestParams(), boostedParams(), boostedMissingRight()} {
		data := sealedFile(f, "seed_model", p)
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte(`{"format": "mlops.model/v1", "model": {"forest": {"trees": [{"value": [null, [1e-3]]}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := decodeFast(data)
		if !ok {
			return
		}
		want, err := decodeStrict(data)
		if err != nil {
			t.Fatalf("decodeFast took what encoding/json rejects: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeFast gave\n%+v\nencoding/json\n%+v", got, want)
		}
	})
}
