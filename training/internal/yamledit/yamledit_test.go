package yamledit

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func str(v string) *yaml.Node   { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
func float(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: v} }
func null() *yaml.Node          { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"} }

func TestSet(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		path   []string
		fields []Field
		want   string
	}{
		{
			name: "block value with a comment two spaces after it",
			in:   "data:\n  x: 1  # kept as is\nmodels:\n  svm:\n    C: 1    # the penalty\n    kernel: linear\n\n  tree: {}\n",
			path: []string{"models", "svm"}, fields: []Field{{"C", float("12.5")}},
			want: "data:\n  x: 1  # kept as is\nmodels:\n  svm:\n    C: 12.5    # the penalty\n    kernel: linear\n\n  tree: {}\n",
		},
		{
			name: "quoted values keep nothing of their quotes",
			in:   "m:\n  a: \"linear\" # c\n  b: 'it''s'\n",
			path: []string{"m"}, fields: []Field{{"a", str("rbf")}, {"b", str("x")}},
			want: "m:\n  a: rbf # c\n  b: x\n",
		},
		{
			name: "a key appended to a block mapping, after the last entry's comment",
			in:   "models:\n  svm:\n    C: 1.0 # c\n\n# next\n  tree: {}\n",
			path: []string{"models", "svm"}, fields: []Field{{"gamma", float("0.05")}, {"C", float("2.0")}},
			want: "models:\n  svm:\n    C: 2.0 # c\n    gamma: 0.05\n\n# next\n  tree: {}\n",
		},
		{
			name: "flow mapping: a value replaced, a key appended",
			in:   "models: {svm: {C: 1.0, kernel: linear}}  # one line\n",
			path: []string{"models", "svm"}, fields: []Field{{"kernel", str("rbf")}, {"gamma", float("0.5")}},
			want: "models: {svm: {C: 1.0, kernel: rbf, gamma: 0.5}}  # one line\n",
		},
		{
			name: "empty flow mapping",
			in:   "models:\n  svm: {}  # defaults\n",
			path: []string{"models", "svm"}, fields: []Field{{"C", float("2.0")}, {"kernel", str("rbf")}},
			want: "models:\n  svm: {C: 2.0, kernel: rbf}  # defaults\n",
		},
		{
			name: "a key with no value becomes a flow mapping",
			in:   "models:\n  svm: # linear\n  tree:\n",
			path: []string{"models", "svm"}, fields: []Field{{"C", float("2.0")}},
			want: "models:\n  svm: {C: 2.0} # linear\n  tree:\n",
		},
		{
			name: "so does ~",
			in:   "models:\n  svm: ~\n",
			path: []string{"models", "svm"}, fields: []Field{{"C", float("2.0")}},
			want: "models:\n  svm: {C: 2.0}\n",
		},
		{
			name: "a value set to null, and an empty value set",
			in:   "m:\n  depth: 3\n  leaf:\n",
			path: []string{"m"}, fields: []Field{{"depth", null()}, {"leaf", float("1.0")}},
			want: "m:\n  depth: null\n  leaf: 1.0\n",
		},
		{
			name: "columns count runes, not bytes",
			in:   "m: {s: \"éé\", C: 1}\n",
			path: []string{"m"}, fields: []Field{{"C", float("3.0")}},
			want: "m: {s: \"éé\", C: 3.0}\n",
		},
		{
			name: "CRLF line breaks, no final line break",
			in:   "m:\r\n  a: 1\r\n  b: 2",
			path: []string{"m"}, fields: []Field{{"a", float("5.0")}, {"c", str("x")}},
			want: "m:\r\n  a: 5.0\r\n  b: 2\r\n  c: x",
		},
		{
			name: "a string that needs quotes",
			in:   "m:\n  a: b\n",
			path: []string{"m"}, fields: []Field{{"a", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "1.5", Style: yaml.DoubleQuotedStyle}}},
			want: "m:\n  a: \"1.5\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Set([]byte(tt.in), tt.path, tt.fields)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestSetRefuses(t *testing.T) {
	tests := []struct {
		name, in    string
		path        []string
		unsupported bool // else another error
		want        string
	}{
		{"a plain scalar over two lines", "m:\n  a: one\n    two\n", []string{"m"}, true, "spans more than its line"},
		{"a block scalar", "m:\n  a: |\n    x\n", []string{"m"}, true, "block scalar"},
		{"a tagged value", "m:\n  a: !!str 1\n", []string{"m"}, true, "tagged scalar"},
		{"an alias", "x: &x 1\nm:\n  a: *x\n", []string{"m"}, true, "alias"},
		{"a sequence", "m: [1, 2]\n", []string{"m"}, true, "sequence"},
		{"an anchored mapping", "m: &m\n  a: 1\n", []string{"m"}, true, "m is a node with an anchor"},
		{"no such key", "m:\n  a: 1\n", []string{"n"}, false, "no key n"},
		{"not a mapping on the way", "m: 1\n", []string{"m", "a"}, false, "m is not a mapping"},
		{"not YAML", "m: [\n", []string{"m"}, false, "yamledit: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Set([]byte(tt.in), tt.path, []Field{{"a", float("2.0")}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if got := errors.Is(err, ErrUnsupported); got != tt.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupported) = %v, want %v", got, tt.unsupported)
			}
		})
	}
}
