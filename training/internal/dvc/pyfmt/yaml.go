package pyfmt

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// bestWidth is ruamel.yaml's default line width: a plain or quoted scalar
// is folded at the first single space after the column passes it.
const bestWidth = 80

// maxSimpleKey is the length from which ruamel writes a string key in the
// explicit "? key" form: its check_simple_key adds the length of the
// prepared tag ("!!str", 5) to the key's and compares with 128.
const maxSimpleKey = 128 - len("!!str")

// MarshalYAML returns v serialized as DVC's YAML writer (ruamel.yaml's
// round-trip dumper with default_flow_style False) writes it: block style,
// mappings indented by two, sequences inside mappings not indented, empty
// collections as [] and {}, None as an empty value, strings quoted only
// when the YAML 1.2 resolver would read them as something else or an
// indicator forbids a plain scalar (single quotes preferred, double quotes
// for control characters, line breaks and values with a quote), long
// scalars folded at column 80. It fails on a type outside the value model.
func MarshalYAML(v any) ([]byte, error) {
	e := &emitter{}
	if err := e.root(v); err != nil {
		return nil, err
	}
	return e.buf, nil
}

type emitter struct {
	buf    []byte
	column int
}

func (e *emitter) write(s string) {
	e.buf = append(e.buf, s...)
	e.column += utf8.RuneCountInString(s)
}

// newline starts a new line indented by indent, unless nothing has been
// written yet.
func (e *emitter) newline(indent int) {
	if len(e.buf) > 0 {
		e.buf = append(e.buf, '\n')
	}
	e.column = 0
	e.write(strings.Repeat(" ", indent))
}

func (e *emitter) root(v any) error {
	switch x := v.(type) {
	case Map:
		if len(x) == 0 {
			e.write("{}")
		} else if err := e.mapping(x, 0, false); err != nil {
			return err
		}
	case []any:
		if len(x) == 0 {
			e.write("[]")
		} else if err := e.sequence(x, 0, false); err != nil {
			return err
		}
	default:
		s, err := scalarText(v)
		if err != nil {
			return err
		}
		e.scalar(s, isString(v), 2, false)
	}
	e.buf = append(e.buf, '\n')
	return nil
}

// mapping writes m's entries with keys at column indent. When inline is
// true the first key continues the current line (after "- ").
func (e *emitter) mapping(m Map, indent int, inline bool) error {
	for i, kv := range m {
		if a := analyze(kv.Key); a.multiline || utf8.RuneCountInString(kv.Key) >= maxSimpleKey {
			// ruamel would write a complex key ("? key"); no DVC file
			// has one.
			return fmt.Errorf("pyfmt: mapping key %.20q... needs complex-key syntax, which is not supported", kv.Key)
		}
		if i > 0 || !inline {
			e.newline(indent)
		}
		e.scalar(kv.Key, true, indent+2, true)
		e.write(":")
		if err := e.value(kv.Value, indent, true); err != nil {
			return fmt.Errorf("%s: %w", kv.Key, err)
		}
	}
	return nil
}

// sequence writes items with their dashes at column indent.
func (e *emitter) sequence(items []any, indent int, inline bool) error {
	for i, item := range items {
		if i > 0 || !inline {
			e.newline(indent)
		}
		e.write("- ")
		if err := e.value(item, indent, false); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
	}
	return nil
}

// value writes v after a mapping key's colon (inMapping) or after a
// sequence dash; indent is the column of that key or dash.
func (e *emitter) value(v any, indent int, inMapping bool) error {
	// The separator a scalar needs after "key:"; after "- " there is
	// already one.
	sep := ""
	if inMapping {
		sep = " "
	}
	switch x := v.(type) {
	case nil:
		if !inMapping {
			return nil // "- " stays as is, as ruamel writes it
		}
		return nil
	case Map:
		if len(x) == 0 {
			e.write(sep + "{}")
			return nil
		}
		if inMapping {
			return e.mapping(x, indent+2, false)
		}
		return e.mapping(x, indent+2, true)
	case []any:
		if len(x) == 0 {
			e.write(sep + "[]")
			return nil
		}
		if inMapping {
			// Sequences inside a mapping are not indented.
			return e.sequence(x, indent, false)
		}
		return e.sequence(x, indent+2, true)
	}
	s, err := scalarText(v)
	if err != nil {
		return err
	}
	e.write(sep)
	e.scalar(s, isString(v), indent+2, false)
	return nil
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// scalarText returns the plain text of a non-collection value.
func scalarText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		switch {
		case math.IsNaN(x):
			return ".nan", nil
		case math.IsInf(x, 1):
			return ".inf", nil
		case math.IsInf(x, -1):
			return "-.inf", nil
		}
		return FormatFloat(x), nil
	}
	return "", fmt.Errorf("pyfmt: cannot encode %T as YAML", v)
}

// scalar writes s; str says whether it is a string (which may need
// quoting) rather than the text of a number or bool. cont is the column
// folded lines continue at.
func (e *emitter) scalar(s string, str bool, cont int, simpleKey bool) {
	if !str {
		e.write(s)
		return
	}
	switch chooseStyle(s, simpleKey) {
	case stylePlain:
		e.plain(s, cont, !simpleKey)
	case styleSingle:
		e.singleQuoted(s, cont, !simpleKey)
	default:
		e.doubleQuoted(s, cont, !simpleKey)
	}
}

// plain writes s unquoted, breaking the line at a single space once the
// column is past bestWidth (ruamel's Emitter.write_plain).
func (e *emitter) plain(s string, cont int, split bool) {
	r := []rune(s)
	spaces := false
	start := 0
	for end := 0; end <= len(r); end++ {
		ch := rune(-1)
		if end < len(r) {
			ch = r[end]
		}
		if spaces {
			if ch != ' ' {
				if start+1 == end && e.column > bestWidth && split {
					e.newline(cont)
				} else {
					e.write(string(r[start:end]))
				}
				start = end
			}
		} else if ch == -1 || ch == ' ' {
			e.write(string(r[start:end]))
			start = end
		}
		if ch != -1 {
			spaces = ch == ' '
		}
	}
}

// singleQuoted follows ruamel's Emitter.write_single_quoted for strings
// without line breaks (those are always double-quoted).
func (e *emitter) singleQuoted(s string, cont int, split bool) {
	e.write("'")
	r := []rune(s)
	spaces := false
	start := 0
	for end := 0; end <= len(r); end++ {
		ch := rune(-1)
		if end < len(r) {
			ch = r[end]
		}
		if spaces {
			if ch != ' ' {
				if start+1 == end && e.column > bestWidth && split && start != 0 && end != len(r) {
					e.newline(cont)
				} else {
					e.write(string(r[start:end]))
				}
				start = end
			}
		} else if ch == -1 || ch == ' ' || ch == '\'' {
			if start < end {
				e.write(string(r[start:end]))
				start = end
			}
		}
		if ch == '\'' {
			e.write("''")
			start = end + 1
		}
		if ch != -1 {
			spaces = ch == ' '
		}
	}
	e.write("'")
}

var escapes = map[rune]string{
	0: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0a: "n", 0x0b: "v", 0x0c: "f", 0x0d: "r", 0x1b: "e",
	'"': "\"", '\\': "\\", 0x85: "N", 0xa0: "_", 0x2028: "L", 0x2029: "P",
}

// doubleQuoted follows ruamel's Emitter.write_double_quoted with
// allow_unicode.
func (e *emitter) doubleQuoted(s string, cont int, split bool) {
	e.write("\"")
	r := []rune(s)
	start := 0
	for end := 0; end <= len(r); end++ {
		ch := rune(-1)
		if end < len(r) {
			ch = r[end]
		}
		if ch == -1 || ch == '"' || ch == '\\' || ch == 0x85 || ch == 0x2028 || ch == 0x2029 || ch == 0xfeff || !printableRaw(ch) {
			if start < end {
				e.write(string(r[start:end]))
				start = end
			}
			if ch != -1 {
				var data string
				switch esc, ok := escapes[ch]; {
				case ok:
					data = "\\" + esc
				case ch <= 0xff:
					data = fmt.Sprintf("\\x%02X", ch)
				case ch <= 0xffff:
					data = fmt.Sprintf("\\u%04X", ch)
				default:
					data = fmt.Sprintf("\\U%08X", ch)
				}
				e.write(data)
				start = end + 1
			}
		}
		if end > 0 && end < len(r)-1 && (ch == ' ' || start >= end) && e.column+(end-start) > bestWidth && split {
			data := "\\"
			if start < end {
				data = string(r[start:end]) + data
				start = end
			}
			e.write(data)
			e.newline(cont)
			if r[start] == ' ' {
				e.write("\\")
			}
		}
	}
	e.write("\"")
}

// printableRaw reports characters ruamel writes unescaped inside double
// quotes (with allow_unicode).
func printableRaw(ch rune) bool {
	return (ch >= 0x20 && ch <= 0x7e) || (ch >= 0xa0 && ch <= 0xd7ff) || (ch >= 0xe000 && ch <= 0xfffd)
}
