package pyfmt

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Expected values are what CPython 3 prints for repr(f).
func TestFormatFloat(t *testing.T) {
	tests := map[string]struct {
		in   float64
		want string
	}{
		"one":             {1.0, "1.0"},
		"tol":             {0.0001, "0.0001"},
		"small":           {1e-05, "1e-05"},
		"third":           {1.0 / 3, "0.3333333333333333"},
		"1e15 positional": {1e15, "1000000000000000.0"},
		"1e16 scientific": {1e16, "1e+16"},
		"huge":            {1.5e300, "1.5e+300"},
		"tiny":            {2.5e-300, "2.5e-300"},
		"negative":        {-0.5, "-0.5"},
		"zero":            {0, "0.0"},
		"negative zero":   {math.Copysign(0, -1), "-0.0"},
		"fraction":        {123456789.123, "123456789.123"},
		"hundred":         {100, "100.0"},
		"test size":       {0.2, "0.2"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := FormatFloat(tc.in); got != tc.want {
				t.Errorf("FormatFloat(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// Expected values are what Python's json.dumps(v, sort_keys=True) prints.
func TestMarshalJSON(t *testing.T) {
	tests := map[string]struct {
		in   any
		want string
	}{
		"sorted keys and separators": {Map{{"relpath", "foo"}, {"md5", "acbd"}}, `{"md5": "acbd", "relpath": "foo"}`},
		"list":                       {[]any{1, 2.5, nil, true, "x"}, `[1, 2.5, null, true, "x"]`},
		"ascii escapes":              {"café\n\"q\"\\\x01\x7f", `"caf\u00e9\n\"q\"\\\u0001\u007f"`},
		"astral":                     {"😀", `"\ud83d\ude00"`},
		"html kept":                  {"<&>", `"<&>"`},
		"floats":                     {[]any{1.0, math.Inf(1), math.NaN()}, `[1.0, Infinity, NaN]`},
		"empty":                      {Map{}, `{}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := MarshalJSON(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("MarshalJSON = %s, want %s", got, tc.want)
			}
		})
	}
}

// Expected texts were produced by ruamel.yaml 0.17.21 configured as DVC
// configures it (dvc/utils/serialize/_yaml.py); TestE2ERuamel checks many
// more against the library itself.
func TestMarshalYAML(t *testing.T) {
	long := "mlops train --params params.yaml --models-dir models --metrics metrics.json --extra-long-flag value"
	tests := map[string]struct {
		in   Map
		want string
	}{
		"lock folds a long cmd at column 80": {
			Map{{"stages", Map{{"train", Map{{"cmd", long}}}}}},
			"stages:\n  train:\n    cmd: mlops train --params params.yaml --models-dir models --metrics metrics.json\n      --extra-long-flag value\n",
		},
		"sequences in mappings are not indented": {
			Map{{"outs", []any{Map{{"md5", "x"}, {"size", 3}, {"path", "p"}}}}},
			"outs:\n- md5: x\n  size: 3\n  path: p\n",
		},
		"quoting": {
			Map{{"schema", "2.0"}, {"colon", "a: b"}, {"hash", "a #b"}, {"star", "*x"}, {"date", "2001-01-01"},
				{"int", "12"}, {"null", "null"}, {"yes", "yes"}, {"quote", "it's"}, {"lead", "'b' c"}, {"tab", "a\tb"}, {"empty", ""}},
			"schema: '2.0'\ncolon: 'a: b'\nhash: 'a #b'\nstar: '*x'\ndate: '2001-01-01'\nint: '12'\n'null': 'null'\nyes: yes\nquote: it's\nlead: \"'b' c\"\ntab: \"a\\tb\"\nempty: ''\n",
		},
		"scalars": {
			Map{{"none", nil}, {"t", true}, {"f", 1.0}, {"e", 1e-05}, {"i", -3}, {"inf", math.Inf(1)}},
			"none:\nt: true\nf: 1.0\ne: 1e-05\ni: -3\ninf: .inf\n",
		},
		"empty and nested collections": {
			Map{{"l", []any{nil, "a", []any{}, Map{}, []any{1, 2}, Map{{"x", nil}}}}, {"m", Map{}}},
			"l:\n- \n- a\n- []\n- {}\n- - 1\n  - 2\n- x:\nm: {}\n",
		},
		"single-quoted value folds too": {
			Map{{"outs", []any{Map{{"path", strings.Repeat("p ", 45)}}}}},
			"outs:\n- path: 'p p p p p p p p p p p p p p p p p p p p p p p p p p p p p p p p p p p p p\n    p p p p p p p p '\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := MarshalYAML(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("MarshalYAML:\ngot:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestEqual(t *testing.T) {
	tests := map[string]struct {
		a, b any
		want bool
	}{
		"int and float":       {1, 1.0, true},
		"different numbers":   {1, 2, false},
		"map order ignored":   {Map{{"a", 1}, {"b", 2}}, Map{{"b", 2}, {"a", 1}}, true},
		"missing key":         {Map{{"a", 1}}, Map{{"a", 1}, {"b", 2}}, false},
		"lists":               {[]any{"x", nil}, []any{"x", nil}, true},
		"string is no number": {"1", 1, false},
		"nil":                 {nil, nil, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Equal(tc.a, tc.b); got != tc.want {
				t.Errorf("Equal(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// FuzzMarshalYAML checks that whatever string values MarshalYAML writes
// parse back to the same document.
func FuzzMarshalYAML(f *testing.F) {
	for _, s := range []string{"foo", "2.0", "a: b", " lead", "x\ny", "'q'", "#", "- x", "café", strings.Repeat("ab ", 40)} {
		f.Add("key", s)
	}
	f.Fuzz(func(t *testing.T, k, v string) {
		if !isValidUTF8(k) || !isValidUTF8(v) || resolverDiffers(k) || resolverDiffers(v) {
			t.Skip()
		}
		in := Map{{Key: k, Value: v}, {Key: "list", Value: []any{v}}}
		out, err := MarshalYAML(in)
		if err != nil {
			return // keys that need "? key" syntax
		}
		var n yaml.Node
		if err := yaml.NewDecoder(bytes.NewReader(out)).Decode(&n); err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		back, err := FromNode(&n)
		if err != nil {
			t.Fatalf("FromNode: %v", err)
		}
		if !Equal(back, in) {
			t.Fatalf("round trip changed the value:\nin:  %#v\nout: %#v\ntext:\n%s", in, back, out)
		}
	})
}

// resolverDiffers reports plain scalars yaml.v3 (YAML 1.1 leaning) reads
// as something other than what ruamel's YAML 1.2 resolver reads, such as
// "0X1F" or "0b1"; the round trip through yaml.v3 cannot judge those.
func resolverDiffers(s string) bool {
	var n yaml.Node
	if yaml.Unmarshal([]byte("k: "+s), &n) != nil || len(n.Content) == 0 || len(n.Content[0].Content) < 2 {
		return false
	}
	v := n.Content[0].Content[1]
	return v.Kind == yaml.ScalarNode && v.Style == 0 && (v.ShortTag() == "!!str") != resolvesToString(s)
}

func isValidUTF8(s string) bool {
	for _, r := range s {
		if r == '\uFFFD' || r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0xfeff || r >= 0xd800 && r < 0xe000 {
			return false
		}
	}
	return true
}
