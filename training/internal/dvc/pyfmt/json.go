package pyfmt

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MarshalJSON returns v serialized as Python's json.dumps(v, sort_keys=True)
// does with its defaults: separators ", " and ": ", keys sorted, non-ASCII
// and control characters escaped as \uXXXX (lower-case hex), NaN and
// infinities as NaN, Infinity and -Infinity. It fails on a type outside the
// value model (see the package comment).
func MarshalJSON(v any) ([]byte, error) {
	return appendJSON(nil, v)
}

func appendJSON(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		if x {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case float64:
		switch {
		case math.IsNaN(x):
			return append(dst, "NaN"...), nil
		case math.IsInf(x, 1):
			return append(dst, "Infinity"...), nil
		case math.IsInf(x, -1):
			return append(dst, "-Infinity"...), nil
		}
		return append(dst, FormatFloat(x)...), nil
	case string:
		return AppendJSONString(dst, x), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			var err error
			if dst, err = appendJSON(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case Map:
		sorted := slices.Clone(x)
		// Python sorts str keys by code point, which is byte order for
		// valid UTF-8.
		slices.SortStableFunc(sorted, func(a, b KV) int {
			switch {
			case a.Key < b.Key:
				return -1
			case a.Key > b.Key:
				return 1
			}
			return 0
		})
		dst = append(dst, '{')
		for i, kv := range sorted {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendJSONString(dst, kv.Key)
			dst = append(dst, ": "...)
			var err error
			if dst, err = appendJSON(dst, kv.Value); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	}
	return nil, fmt.Errorf("pyfmt: cannot encode %T as JSON", v)
}

// AppendJSONString appends s as Python's json module writes a str with
// ensure_ascii=True: printable ASCII as is, the usual short escapes, and
// every other character as \uXXXX (a surrogate pair above U+FFFF). Invalid
// UTF-8 bytes are written as U+FFFD.
func AppendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	u4 := func(dst []byte, r rune) []byte {
		return append(dst, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				if c < 0x20 || c == 0x7f {
					dst = u4(dst, rune(c))
				} else {
					dst = append(dst, c)
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			dst = u4(u4(dst, r1), r2)
			continue
		}
		dst = u4(dst, r)
	}
	return append(dst, '"')
}
