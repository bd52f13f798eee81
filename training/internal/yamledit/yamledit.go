// Package yamledit sets keys of a mapping in a YAML document in place:
// only the bytes of the values it replaces, or of the keys it adds, change.
// Comments, blank lines, quoting, spacing and key order everywhere else
// stay byte for byte, as when a person edits the file (ruamel.yaml's round
// trip, which DVC's exp run --set-param uses, keeps a file the same way).
// Re-encoding the document with yaml.v3 keeps comments but not the rest.
//
// It edits plain, single- and double-quoted scalars in block or flow
// mappings, and appends keys to either. Anything else (a block scalar, a
// plain scalar over several lines, a tagged or aliased value) is
// ErrUnsupported, and the caller falls back to re-encoding.
package yamledit

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ErrUnsupported reports a layout this package does not edit in place.
var ErrUnsupported = errors.New("yamledit: not editable in place")

// Field is a key and the scalar value to set it to.
type Field struct {
	Key   string
	Value *yaml.Node // a scalar node, as yaml.v3 would encode it
}

// Set returns data with the fields set in the mapping found by following
// path (keys from the document's root mapping). An existing key gets its
// value replaced where it stands; a missing one is appended after the
// mapping's last entry, in the mapping's style (a new line in a block
// mapping, ", key: value" in a flow one). A null mapping (key: with no
// value, ~ or null) becomes a flow mapping of the fields.
func Set(data []byte, path []string, fields []Field) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("yamledit: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%w: the document is empty", ErrUnsupported)
	}
	n := doc.Content[0]
	for i, k := range path {
		if n.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("yamledit: %s is not a mapping", strings.Join(path[:i], "."))
		}
		if n = Lookup(n, k); n == nil {
			return nil, fmt.Errorf("yamledit: no key %s", strings.Join(path[:i+1], "."))
		}
	}
	f := newFile(data)
	var edits []edit
	var err error
	switch {
	case n.Kind == yaml.MappingNode && n.Anchor == "":
		edits, err = f.setInMapping(n, fields)
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		edits, err = f.replaceNull(n, fields)
	default:
		err = fmt.Errorf("%w: %s is a %s", ErrUnsupported, strings.Join(path, "."), kindName(n))
	}
	if err != nil {
		return nil, err
	}
	return splice(data, edits)
}

// edit replaces the bytes [start, end) of the file by text (an insertion
// when start == end).
type edit struct {
	start, end int
	text       string
}

// file is the document's bytes with the offset of every line.
type file struct {
	data  []byte
	lines []int  // byte offset of each line's first byte
	nl    string // the file's line break: \r\n if its first one is
}

func newFile(data []byte) *file {
	f := &file{data: data, lines: []int{0}, nl: "\n"}
	for i, b := range data {
		if b == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		f.nl = "\r\n"
	}
	return f
}

// offset converts yaml.v3's 1-based line and column (counted in runes) to
// a byte offset.
func (f *file) offset(line, col int) (int, error) {
	if line < 1 || line > len(f.lines) {
		return 0, fmt.Errorf("%w: line %d out of range", ErrUnsupported, line)
	}
	off := f.lines[line-1]
	for range col - 1 {
		if off >= len(f.data) || f.data[off] == '\n' {
			return 0, fmt.Errorf("%w: column %d beyond line %d", ErrUnsupported, col, line)
		}
		_, size := utf8.DecodeRune(f.data[off:])
		off += size
	}
	return off, nil
}

func (f *file) setInMapping(m *yaml.Node, fields []Field) ([]edit, error) {
	flow := m.Style&yaml.FlowStyle != 0
	var edits []edit
	var missing []string
	for _, fl := range fields {
		text, err := encode(fl.Value)
		if err != nil {
			return nil, err
		}
		old := Lookup(m, fl.Key)
		if old == nil {
			missing = append(missing, fl.Key+": "+text)
			continue
		}
		start, end, err := f.scalarSpan(old, flow)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fl.Key, err)
		}
		if start == end {
			text = " " + text // key: with no value; start is just after the colon
		}
		edits = append(edits, edit{start, end, text})
	}
	if len(missing) == 0 {
		return edits, nil
	}
	if flow && len(m.Content) == 0 {
		open, err := f.offset(m.Line, m.Column)
		if err != nil || f.data[open] != '{' {
			return nil, fmt.Errorf("%w: an empty flow mapping that does not start with {", ErrUnsupported)
		}
		return append(edits, edit{open + 1, open + 1, strings.Join(missing, ", ")}), nil
	}
	if len(m.Content) == 0 {
		return nil, fmt.Errorf("%w: an empty block mapping", ErrUnsupported)
	}
	_, end, err := f.scalarSpan(m.Content[len(m.Content)-1], flow)
	if err != nil {
		return nil, fmt.Errorf("the last entry: %w", err)
	}
	if flow {
		return append(edits, edit{end, end, ", " + strings.Join(missing, ", ")}), nil
	}
	// After the last entry's line, comment included, at its key's indent.
	eol := end + bytes.IndexByte(f.data[end:], '\n')
	if eol < end {
		eol = len(f.data)
	} else if eol > 0 && f.data[eol-1] == '\r' {
		eol--
	}
	indent := strings.Repeat(" ", m.Content[0].Column-1)
	var b strings.Builder
	for _, kv := range missing {
		b.WriteString(f.nl + indent + kv)
	}
	return append(edits, edit{eol, eol, b.String()}), nil
}

// replaceNull makes the null n (key:, key: ~ or key: null) a flow mapping
// of fields.
func (f *file) replaceNull(n *yaml.Node, fields []Field) ([]edit, error) {
	kvs := make([]string, len(fields))
	for i, fl := range fields {
		text, err := encode(fl.Value)
		if err != nil {
			return nil, err
		}
		kvs[i] = fl.Key + ": " + text
	}
	start, end, err := f.scalarSpan(n, false)
	if err != nil {
		return nil, err
	}
	text := "{" + strings.Join(kvs, ", ") + "}"
	if start == end {
		text = " " + text
	}
	return []edit{{start, end, text}}, nil
}

// scalarSpan returns the bytes [start, end) of the scalar n in the file,
// checking that they read back as n; an empty value (key: alone) is the
// empty span just after its colon.
func (f *file) scalarSpan(n *yaml.Node, flow bool) (int, int, error) {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || n.Style&^(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return 0, 0, fmt.Errorf("%w: a %s value at line %d", ErrUnsupported, kindName(n), n.Line)
	}
	start, err := f.offset(n.Line, n.Column)
	if err != nil {
		return 0, 0, err
	}
	if n.Tag == "!!null" && n.Value == "" {
		if start == 0 || f.data[start-1] != ':' {
			return 0, 0, fmt.Errorf("%w: an empty value at line %d not after a colon", ErrUnsupported, n.Line)
		}
		return start, start, nil
	}
	end := scanScalar(f.data, start, n.Style, flow)
	var back yaml.Node
	if yaml.Unmarshal(f.data[start:end], &back) != nil || len(back.Content) != 1 ||
		back.Content[0].Kind != yaml.ScalarNode || back.Content[0].Value != n.Value {
		return 0, 0, fmt.Errorf("%w: the value at line %d spans more than its line", ErrUnsupported, n.Line)
	}
	return start, end, nil
}

// scanScalar returns the end of the scalar of style that starts at start:
// after its closing quote, or for a plain scalar the end of its line, its
// comment and (in a flow mapping) the next indicator excluded.
func scanScalar(data []byte, start int, style yaml.Style, flow bool) int {
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(data); i++ {
			switch data[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return len(data)
	case style&yaml.SingleQuotedStyle != 0:
		for i := start + 1; i < len(data); i++ {
			if data[i] == '\'' {
				if i+1 < len(data) && data[i+1] == '\'' {
					i++ // '' is an escaped quote
					continue
				}
				return i + 1
			}
		}
		return len(data)
	}
	i := start
scan:
	for ; i < len(data); i++ {
		switch c := data[i]; {
		case c == '\n' || c == '\r':
			break scan
		case c == '#' && i > start && (data[i-1] == ' ' || data[i-1] == '\t'):
			break scan
		case flow && (c == ',' || c == '}' || c == ']'):
			break scan
		}
	}
	for i > start && (data[i-1] == ' ' || data[i-1] == '\t') {
		i--
	}
	return i
}

// splice applies edits, which must not overlap, to data.
func splice(data []byte, edits []edit) ([]byte, error) {
	slices.SortStableFunc(edits, func(a, b edit) int { return a.start - b.start })
	var out bytes.Buffer
	at := 0
	for _, e := range edits {
		if e.start < at {
			return nil, fmt.Errorf("%w: two changes overlap at byte %d", ErrUnsupported, e.start)
		}
		out.Write(data[at:e.start])
		out.WriteString(e.text)
		at = e.end
	}
	out.Write(data[at:])
	return out.Bytes(), nil
}

// encode returns the text of the scalar v as yaml.v3 writes it.
func encode(v *yaml.Node) (string, error) {
	if v == nil || v.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("%w: only scalar values are set", ErrUnsupported)
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("yamledit: %w", err)
	}
	text := strings.TrimSuffix(string(b), "\n")
	if strings.Contains(text, "\n") {
		return "", fmt.Errorf("%w: the value %q takes more than one line", ErrUnsupported, v.Value)
	}
	return text, nil
}

// Lookup returns the value of key in the mapping node m, or nil.
func Lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func kindName(n *yaml.Node) string {
	if n.Anchor != "" {
		return "node with an anchor"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.AliasNode:
		return "alias"
	case yaml.ScalarNode:
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return "block scalar"
		}
		if n.Style&yaml.TaggedStyle != 0 {
			return "tagged scalar"
		}
		return "scalar"
	}
	return "node"
}
