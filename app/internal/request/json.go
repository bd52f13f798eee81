package request

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting so a hostile body cannot exhaust the stack. No
// request shape here nests deeper than four levels.
const maxDepth = 64

// kind is the type of a JSON value.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindObject
	kindArray
)

func (k kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "object", "array"}[k]
}

// span is a byte range of the body or, when escaped, of the decoded-string
// buffer.
type span struct {
	start, end int32
	inBuf      bool
}

// node is one JSON value in the document's arena. Containers link their
// children through first and next, so a document is one slice and parsing
// allocates nothing once the arena has grown.
type node struct {
	kind  kind
	truth bool  // for kindBool
	off   int32 // byte offset of the value in the body
	val   span  // a number's literal or a string's content
	key   span  // the member name, for a value inside an object
	first int32 // first child, -1 if none
	next  int32 // next sibling, -1 if none
	n     int32 // number of children
}

// document is a parsed JSON text. Its methods return views into the body
// and the decoded-string buffer, valid until the next parse.
type document struct {
	body  []byte
	buf   []byte
	nodes []node
}

// SyntaxError reports malformed JSON at a byte offset.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return "request: invalid JSON at offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// parse parses body as one JSON value (RFC 8259, as encoding/json accepts
// it) into d, reusing d's arena.
func (d *document) parse(body []byte) error {
	d.body, d.buf, d.nodes = body, d.buf[:0], d.nodes[:0]
	p := parser{d: d}
	p.skipSpace()
	if p.i >= len(body) {
		return p.fail("empty body, expected a JSON value")
	}
	if _, err := p.value(0); err != nil {
		return err
	}
	p.skipSpace()
	if p.i < len(body) {
		return p.fail("unexpected data after the top-level value")
	}
	return nil
}

// root returns the top-level value.
func (d *document) root() int32 { return 0 }

func (d *document) bytes(s span) []byte {
	if s.inBuf {
		return d.buf[s.start:s.end]
	}
	return d.body[s.start:s.end]
}

// str returns a string value's content or a member's name.
func (d *document) str(s span) string { return string(d.bytes(s)) }

// number parses a number node. ok is false when the literal is outside the
// range of a float64 (for example 1e999).
func (d *document) number(i int32) (v float64, ok bool) {
	v, err := strconv.ParseFloat(string(d.bytes(d.nodes[i].val)), 64)
	return v, err == nil
}

type parser struct {
	d *document
	i int
}

func (p *parser) fail(msg string) error { return &SyntaxError{Offset: p.i, Msg: msg} }

func (p *parser) skipSpace() {
	b := p.d.body
	for p.i < len(b) {
		switch b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) add(n node) int32 {
	p.d.nodes = append(p.d.nodes, n)
	return int32(len(p.d.nodes) - 1)
}

// value parses the value at p.i (no leading space) and returns its index.
func (p *parser) value(depth int) (int32, error) {
	b := p.d.body
	start := p.i
	switch c := b[p.i]; {
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return 0, p.fail("nesting deeper than " + strconv.Itoa(maxDepth) + " levels")
		}
		if c == '{' {
			return p.object(depth)
		}
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return 0, err
		}
		return p.add(node{kind: kindString, off: int32(start), val: s, first: -1, next: -1}), nil
	case c == '-' || c >= '0' && c <= '9':
		if err := p.num(); err != nil {
			return 0, err
		}
		return p.add(node{kind: kindNumber, off: int32(start), val: span{start: int32(start), end: int32(p.i)}, first: -1, next: -1}), nil
	case p.lit("true"):
		return p.add(node{kind: kindBool, truth: true, off: int32(start), first: -1, next: -1}), nil
	case p.lit("false"):
		return p.add(node{kind: kindBool, off: int32(start), first: -1, next: -1}), nil
	case p.lit("null"):
		return p.add(node{kind: kindNull, off: int32(start), first: -1, next: -1}), nil
	default:
		return 0, p.fail("unexpected character " + strconv.QuoteRune(rune(c)) + ", expected a JSON value")
	}
}

func (p *parser) lit(word string) bool {
	b := p.d.body
	if len(b)-p.i >= len(word) && string(b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

func (p *parser) object(depth int) (int32, error) {
	self := p.add(node{kind: kindObject, off: int32(p.i), first: -1, next: -1})
	p.i++ // {
	p.skipSpace()
	b := p.d.body
	if p.i < len(b) && b[p.i] == '}' {
		p.i++
		return self, nil
	}
	prev := int32(-1)
	for {
		p.skipSpace()
		if p.i >= len(b) {
			return 0, p.fail("unexpected end of input in an object")
		}
		if b[p.i] != '"' {
			return 0, p.fail("expected a member name in double quotes")
		}
		key, err := p.str()
		if err != nil {
			return 0, err
		}
		p.skipSpace()
		if p.i >= len(b) || b[p.i] != ':' {
			return 0, p.fail("expected ':' after a member name")
		}
		p.i++
		p.skipSpace()
		if p.i >= len(b) {
			return 0, p.fail("unexpected end of input, expected a value")
		}
		child, err := p.value(depth + 1)
		if err != nil {
			return 0, err
		}
		p.d.nodes[child].key = key
		p.link(self, prev, child)
		prev = child
		p.skipSpace()
		if p.i >= len(b) {
			return 0, p.fail("unexpected end of input in an object")
		}
		switch b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return self, nil
		default:
			return 0, p.fail("expected ',' or '}' in an object")
		}
	}
}

func (p *parser) array(depth int) (int32, error) {
	self := p.add(node{kind: kindArray, off: int32(p.i), first: -1, next: -1})
	p.i++ // [
	p.skipSpace()
	b := p.d.body
	if p.i < len(b) && b[p.i] == ']' {
		p.i++
		return self, nil
	}
	prev := int32(-1)
	for {
		p.skipSpace()
		if p.i >= len(b) {
			return 0, p.fail("unexpected end of input in an array")
		}
		child, err := p.value(depth + 1)
		if err != nil {
			return 0, err
		}
		p.link(self, prev, child)
		prev = child
		p.skipSpace()
		if p.i >= len(b) {
			return 0, p.fail("unexpected end of input in an array")
		}
		switch b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return self, nil
		default:
			return 0, p.fail("expected ',' or ']' in an array")
		}
	}
}

func (p *parser) link(parent, prev, child int32) {
	nodes := p.d.nodes
	if prev < 0 {
		nodes[parent].first = child
	} else {
		nodes[prev].next = child
	}
	nodes[parent].n++
}

// num scans a number literal per the JSON grammar.
func (p *parser) num() error {
	b := p.d.body
	if b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(b) && b[p.i] == '0':
		p.i++
	case p.i < len(b) && b[p.i] >= '1' && b[p.i] <= '9':
		p.digits()
	default:
		return p.fail("invalid number: expected a digit")
	}
	if p.i < len(b) && b[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return p.fail("invalid number: expected a digit after '.'")
		}
	}
	if p.i < len(b) && (b[p.i] == 'e' || b[p.i] == 'E') {
		p.i++
		if p.i < len(b) && (b[p.i] == '+' || b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return p.fail("invalid number: expected a digit in the exponent")
		}
	}
	return nil
}

func (p *parser) digits() int {
	b, start := p.d.body, p.i
	for p.i < len(b) && b[p.i] >= '0' && b[p.i] <= '9' {
		p.i++
	}
	return p.i - start
}

// str scans a string at p.i (at the opening quote). Content without escapes
// is a view of the body; escaped content is decoded into the buffer.
func (p *parser) str() (span, error) {
	b := p.d.body
	p.i++ // "
	start := p.i
	for p.i < len(b) {
		c := b[p.i]
		switch {
		case c == '"':
			s := span{start: int32(start), end: int32(p.i)}
			p.i++
			return s, nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return span{}, p.fail("control character in a string")
		default:
			p.i++
		}
	}
	return span{}, p.fail("unexpected end of input in a string")
}

// escaped continues a string that has an escape at p.i, decoding it into the
// buffer from start.
func (p *parser) escaped(start int) (span, error) {
	d := p.d
	b := d.body
	bufStart := len(d.buf)
	d.buf = append(d.buf, b[start:p.i]...)
	for p.i < len(b) {
		c := b[p.i]
		switch {
		case c == '"':
			p.i++
			return span{start: int32(bufStart), end: int32(len(d.buf)), inBuf: true}, nil
		case c < 0x20:
			return span{}, p.fail("control character in a string")
		case c != '\\':
			d.buf = append(d.buf, c)
			p.i++
			continue
		}
		p.i++ // backslash
		if p.i >= len(b) {
			break
		}
		e := b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			d.buf = append(d.buf, e)
		case 'b':
			d.buf = append(d.buf, '\b')
		case 'f':
			d.buf = append(d.buf, '\f')
		case 'n':
			d.buf = append(d.buf, '\n')
		case 'r':
			d.buf = append(d.buf, '\r')
		case 't':
			d.buf = append(d.buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return span{}, p.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				// A valid pair decodes to one rune; anything else becomes
				// U+FFFD, as encoding/json does.
				r2 := rune(-1)
				if p.i+1 < len(b) && b[p.i] == '\\' && b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					var ok2 bool
					if r2, ok2 = p.hex4(); !ok2 {
						return span{}, p.fail("invalid \\u escape")
					}
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						p.i, r2 = save, -1
					}
				}
				if r2 >= 0 {
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			d.buf = utf8.AppendRune(d.buf, r)
		default:
			return span{}, p.fail("invalid escape character " + strconv.QuoteRune(rune(e)))
		}
	}
	return span{}, p.fail("unexpected end of input in a string")
}

func (p *parser) hex4() (rune, bool) {
	b := p.d.body
	if len(b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[p.i : p.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}
