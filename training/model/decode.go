package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// decode decodes a bundle strictly. A random forest or boosted trees, nearly
// all of whose bytes are long arrays of numbers, are decoded by hand when the
// document is well formed (see decodeFast); anything else, and every error,
// goes through encoding/json alone.
func decode(data []byte) (Bundle, error) {
	if b, ok := decodeFast(data); ok {
		return b, nil
	}
	return decodeJSON(data)
}

// decodeJSON decodes with encoding/json, names the format of a document of
// another kind or version, and locates syntax errors.
func decodeJSON(data []byte) (Bundle, error) {
	// One strict decode on the happy path. Only when it fails or finds
	// another format is the format probed on its own, so that a file of
	// another kind or version is reported as such rather than as malformed.
	b, err := decodeStrict(data)
	if err != nil || b.Format != FormatVersion {
		if ferr := checkFormat(data); ferr != nil {
			return Bundle{}, ferr
		}
		if err != nil {
			return Bundle{}, fmt.Errorf("%w: %w", ErrMalformed, describeJSONError(data, err))
		}
	}
	return b, nil
}

// decodeStrict decodes exactly one JSON object into a Bundle, rejecting
// unknown fields.
func decodeStrict(data []byte) (Bundle, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Bundle
	err := dec.Decode(&b)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the bundle")
	}
	return b, err
}

// decodeFast decodes a bundle whose model is a random forest or boosted
// trees: the "model" value is parsed by hand, the rest of the document (with
// an empty "model") by encoding/json. It reports false, and the caller
// decodes the whole document with encoding/json, whenever the document is
// not exactly what encoding/json would accept and decode to the same value:
// another model kind, a key spelt in another case or repeated, a null or a
// number encoding/json would reject, or any error.
//
// The result equals encoding/json's. FuzzDecodeFast checks that on any
// input decodeFast accepts.
func decodeFast(data []byte) (Bundle, bool) {
	start, end, model, ok := splitModel(data)
	if !ok {
		return Bundle{}, false
	}
	rest := make([]byte, 0, len(data)-(end-start)+2)
	rest = append(append(append(rest, data[:start]...), "{}"...), data[end:]...)
	b, err := decodeStrict(rest)
	if err != nil || b.Format != FormatVersion {
		return Bundle{}, false
	}
	b.Model = model
	return b, true
}

// splitModel finds the value of the top-level "model" member of data and
// parses it when it holds only a forest or boosted trees, returning its
// offsets. The rest of the document is only skipped over: the caller
// validates it with encoding/json.
func splitModel(data []byte) (start, end int, model Params, ok bool) {
	r := fastReader{data: data}
	found := false
	ok = r.object(func(key []byte) bool {
		if !bytes.EqualFold(key, []byte("model")) {
			return r.skipValue()
		}
		// encoding/json matches keys without regard to case and lets a
		// repeated key win: leave those to it.
		if found || string(key) != "model" {
			return false
		}
		found = true
		r.space()
		start = r.i
		if !r.params(&model) {
			return false
		}
		end = r.i
		return true
	})
	return start, end, model, ok && found
}

// fastReader parses the parts of a bundle decodeFast handles. Its methods
// report false on anything they do not expect, leaving the reader at an
// unspecified position.
type fastReader struct {
	data []byte
	i    int
}

func (r *fastReader) space() {
	for r.i < len(r.data) && isSpace(r.data[r.i]) {
		r.i++
	}
}

// byte consumes c after optional whitespace.
func (r *fastReader) byte(c byte) bool {
	r.space()
	if r.i < len(r.data) && r.data[r.i] == c {
		r.i++
		return true
	}
	return false
}

// object parses an object, calling member after each key and its colon to
// parse the value.
func (r *fastReader) object(member func(key []byte) bool) bool {
	if !r.byte('{') {
		return false
	}
	if r.byte('}') {
		return true
	}
	for {
		key, ok := r.key()
		if !ok || !r.byte(':') || !member(key) {
			return false
		}
		if r.byte('}') {
			return true
		}
		if !r.byte(',') {
			return false
		}
	}
}

// key reads a string without escapes or control characters and returns
// its contents.
func (r *fastReader) key() ([]byte, bool) {
	if !r.byte('"') {
		return nil, false
	}
	start := r.i
	for ; r.i < len(r.data); r.i++ {
		switch c := r.data[r.i]; {
		case c == '"':
			r.i++
			return r.data[start : r.i-1], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
	}
	return nil, false
}

// array parses an array, calling elem to parse each element.
func (r *fastReader) array(elem func() bool) bool {
	if !r.byte('[') {
		return false
	}
	if r.byte(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if r.byte(']') {
			return true
		}
		if !r.byte(',') {
			return false
		}
	}
}

// skipValue skips a value without checking it: encoding/json checks what
// decodeFast skips.
func (r *fastReader) skipValue() bool {
	r.space()
	depth := 0
	for ; r.i < len(r.data); r.i++ {
		switch r.data[r.i] {
		case '"':
			for r.i++; r.i < len(r.data) && r.data[r.i] != '"'; r.i++ {
				if r.data[r.i] == '\\' {
					r.i++
				}
			}
			if depth == 0 {
				r.i++
				return true
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return true // the end of the object or array holding a scalar
			}
			if depth--; depth == 0 {
				r.i++
				return true
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return true
			}
		}
	}
	return false
}

// number reads a number in JSON's grammar and returns its text.
func (r *fastReader) number() []byte {
	r.space()
	d, i := r.data, r.i
	digits := func() bool {
		n := i
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return i > n
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		return nil
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			return nil
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			return nil
		}
	}
	s := d[r.i:i]
	r.i = i
	return s
}

// float parses a number as encoding/json does into a float of the given
// size.
func (r *fastReader) float(bits int) (float64, bool) {
	s := r.number()
	if s == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(s), bits)
	return v, err == nil
}

// int parses a number as encoding/json does into an int of the given range.
func (r *fastReader) int(lo, hi int64) (int64, bool) {
	s := r.number()
	if s == nil {
		return 0, false
	}
	v, err := strconv.ParseInt(string(s), 10, 64)
	return v, err == nil && lo <= v && v <= hi
}

// numbers parses an array of numbers with parse into *dst. It sizes the
// slice first: the arrays are long, and growing one allocates and copies
// about twice its size.
func numbers[T int | int32 | float32 | float64](r *fastReader, dst *[]T, parse func() (T, bool)) bool {
	r.space()
	n := 0
	if end := bytes.IndexByte(r.data[r.i:], ']'); end > 0 {
		// Up to the first ']', a count of the commas, which numbers do not
		// contain; wrong only when the array is, and then only a hint.
		n = 1 + bytes.Count(r.data[r.i:r.i+end], []byte{','})
	}
	s := make([]T, 0, n)
	ok := r.array(func() bool {
		v, ok := parse()
		s = append(s, v)
		return ok
	})
	*dst = s
	return ok
}

func (r *fastReader) float64s(dst *[]float64) bool {
	return numbers(r, dst, func() (float64, bool) { return r.float(64) })
}

func (r *fastReader) float32s(dst *[]float32) bool {
	return numbers(r, dst, func() (float32, bool) {
		v, ok := r.float(32)
		return float32(v), ok
	})
}

func (r *fastReader) ints(dst *[]int) bool {
	return numbers(r, dst, func() (int, bool) {
		v, ok := r.int(math.MinInt, math.MaxInt)
		return int(v), ok
	})
}

func (r *fastReader) int32s(dst *[]int32) bool {
	return numbers(r, dst, func() (int32, bool) {
		v, ok := r.int(math.MinInt32, math.MaxInt32)
		return int32(v), ok
	})
}

// bools parses an array of true and false into *dst, sized as numbers
// sizes its slices.
func (r *fastReader) bools(dst *[]bool) bool {
	r.space()
	n := 0
	if end := bytes.IndexByte(r.data[r.i:], ']'); end > 0 {
		n = 1 + bytes.Count(r.data[r.i:r.i+end], []byte{','})
	}
	s := make([]bool, 0, n)
	ok := r.array(func() bool {
		r.space()
		switch {
		case bytes.HasPrefix(r.data[r.i:], []byte("true")):
			r.i += len("true")
			s = append(s, true)
		case bytes.HasPrefix(r.data[r.i:], []byte("false")):
			r.i += len("false")
			s = append(s, false)
		default:
			return false
		}
		return true
	})
	*dst = s
	return ok
}

// fields parses an object whose keys are among keys, each at most once,
// calling parse with the key to parse its value.
func (r *fastReader) fields(keys []string, parse func(key string) bool) bool {
	var seen uint64 // bit i: keys[i] was seen
	return r.object(func(key []byte) bool {
		for i, k := range keys {
			if string(key) == k {
				if seen&(1<<i) != 0 {
					return false
				}
				seen |= 1 << i
				return parse(k)
			}
		}
		return false
	})
}

var paramsKeys = []string{"forest", "boosted"}

// params parses a "model" object holding only "forest" or only "boosted".
func (r *fastReader) params(p *Params) bool {
	return r.fields(paramsKeys, func(key string) bool {
		if p.Forest != nil || p.Boosted != nil {
			return false
		}
		if key == "forest" {
			p.Forest = &Forest{}
			return r.forest(p.Forest)
		}
		p.Boosted = &Boosted{}
		return r.boosted(p.Boosted)
	})
}

var forestKeys = []string{"trees"}

func (r *fastReader) forest(f *Forest) bool {
	return r.fields(forestKeys, func(string) bool {
		f.Trees = []Tree{}
		return r.array(func() bool {
			f.Trees = append(f.Trees, Tree{})
			return r.tree(&f.Trees[len(f.Trees)-1])
		})
	})
}

var treeKeys = []string{"feature", "threshold", "left", "right", "value", "samples"}

func (r *fastReader) tree(t *Tree) bool {
	return r.fields(treeKeys, func(key string) bool {
		switch key {
		case "feature":
			return r.ints(&t.Feature)
		case "threshold":
			return r.float64s(&t.Threshold)
		case "left":
			return r.ints(&t.Left)
		case "right":
			return r.ints(&t.Right)
		case "value":
			return r.values(&t.Value, len(t.Feature))
		case "samples":
			return r.ints(&t.Samples)
		}
		return false
	})
}

// values parses a tree's Value: one row per node, null for an internal
// node. nodes is a hint of their number. The leaves' rows are parsed into
// one slab, sized for a full binary tree's (nodes+1)/2 leaves once the
// first row gives the class count: a forest has thousands of leaves, and
// one allocation each was most of what loading it allocated.
func (r *fastReader) values(dst *[][]float64, nodes int) bool {
	s := make([][]float64, 0, nodes)
	var slab []float64
	ok := r.array(func() bool {
		r.space()
		if bytes.HasPrefix(r.data[r.i:], []byte("null")) {
			r.i += len("null")
			s = append(s, nil)
			return true
		}
		if slab == nil {
			var first []float64
			if !r.float64s(&first) {
				return false
			}
			slab = make([]float64, 0, max(1, (nodes+1)/2)*len(first))
			slab = append(slab, first...)
			s = append(s, slab[:len(first):len(first)])
			return true
		}
		// Should a malformed tree have more leaves or longer rows, append
		// moves the slab and the rows taken so far keep the old one:
		// correct, only not compact.
		start := len(slab)
		ok := r.array(func() bool {
			v, ok := r.float(64)
			slab = append(slab, v)
			return ok
		})
		s = append(s, slab[start:len(slab):len(slab)])
		return ok
	})
	*dst = s
	return ok
}

var boostedKeys = []string{"base_score", "tree_class", "tree_start", "feature", "threshold", "left", "right", "value", "gain", "cover", "weight", "default_left"}

func (r *fastReader) boosted(b *Boosted) bool {
	return r.fields(boostedKeys, func(key string) bool {
		switch key {
		case "base_score":
			v, ok := r.float(64)
			b.BaseScore = v
			return ok
		case "tree_class":
			return r.ints(&b.TreeClass)
		case "tree_start":
			return r.ints(&b.TreeStart)
		case "feature":
			return r.int32s(&b.Feature)
		case "threshold":
			return r.float32s(&b.Threshold)
		case "left":
			return r.int32s(&b.Left)
		case "right":
			return r.int32s(&b.Right)
		case "value":
			return r.float32s(&b.Value)
		case "gain":
			return r.float32s(&b.Gain)
		case "cover":
			return r.float32s(&b.Cover)
		case "weight":
			return r.float32s(&b.Weight)
		case "default_left":
			return r.bools(&b.DefaultLeft)
		}
		return false
	})
}
