package request

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseAgreesWithEncodingJSON(t *testing.T) {
	tests := []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `-12.5E+10`, `"x"`, ` {"a" : [1, 2, {"b": null}] } `,
		`"\u00e9\ud83d\ude00\n\t\"\\\/"`, `"\ud800"`, `"\ud800\u0041"`, `{"a":1,"a":2}`,
		``, ` `, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `01`, `1.`, `.5`, `1e`, `-`, `+1`, `NaN`, `Infinity`,
		`tru`, `nul`, `"abc`, "\"a\x01b\"", `"\x"`, `"\u12"`, `"\u12g4"`, `{"a":1}x`, `[1]]`, `{'a':1}`, `{a:1}`,
		"\xff", `"` + "\xff" + `"`,
	}
	for _, in := range tests {
		var d document
		err := d.parse([]byte(in))
		if got, want := err == nil, json.Valid([]byte(in)); got != want {
			t.Errorf("parse(%q): accepted %v, encoding/json accepts %v (err %v)", in, got, want, err)
		}
	}
}

func TestParseDepthLimit(t *testing.T) {
	var d document
	ok := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	if err := d.parse([]byte(ok)); err != nil {
		t.Errorf("depth %d: %v", maxDepth, err)
	}
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	var se *SyntaxError
	if err := d.parse([]byte(deep)); !errors.As(err, &se) || !strings.Contains(se.Msg, "nesting") {
		t.Errorf("depth %d: error %v, want a nesting error", maxDepth+1, err)
	}
}

func TestParseStrings(t *testing.T) {
	tests := map[string]string{
		`"plain"`:                 "plain",
		`"tab\there"`:             "tab\there",
		`"\u0073epal"`:            "sepal",
		`"\ud83d\ude00"`:          "\U0001F600",
		`"lone \ud800 surrogate"`: "lone \uFFFD surrogate",
		`"\ud800\u0041"`:          "\uFFFDA",
	}
	for in, want := range tests {
		var d document
		if err := d.parse([]byte(in)); err != nil {
			t.Fatalf("parse(%s): %v", in, err)
		}
		var std string
		if err := json.Unmarshal([]byte(in), &std); err != nil {
			t.Fatal(err)
		}
		if got := d.str(d.nodes[0].val); got != want || got != std {
			t.Errorf("parse(%s) = %q, want %q (encoding/json: %q)", in, got, want, std)
		}
	}
}
