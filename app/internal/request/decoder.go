package request

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/mlopsgo/mlops/training/model"
)

// Decoder decodes and validates the bodies of the prediction endpoints. It
// keeps its buffers between requests, so steady-state decoding allocates
// nothing. A Decoder is not safe for concurrent use: take one with [Get] and
// return it with [Put] once its results are no longer used.
type Decoder struct {
	doc   document
	rows  int32 // the features object or the features_list array
	batch bool
	named bool  // the body gave "model_name" as a string
	loc   []any // where the features object sits, for messages
	vals  []float64
	seen  []bool
	// imputed counts, per feature, the nulls the last Rows or Infer
	// filled with the feature's impute value; nimputed is their sum.
	imputed  []int
	nimputed int
	// imputedAt holds the index in the returned values of each null the
	// last Rows or Infer filled, in order.
	imputedAt []int
	ins       []inferInput
	shapes    []int
}

// Locations shared by every request; [at] copies before extending them.
var (
	locBody         = []any{"body"}
	locFeatures     = []any{"body", "features"}
	locFeaturesList = []any{"body", "features_list"}
)

var pool = sync.Pool{New: func() any { return new(Decoder) }}

// Get returns a Decoder from a pool.
func Get() *Decoder { return pool.Get().(*Decoder) }

// Put returns d to the pool. Slices d returned must not be used afterwards.
func Put(d *Decoder) {
	// A huge request must not pin its buffers in the pool forever.
	if cap(d.doc.nodes) > 1<<16 || cap(d.vals) > 1<<16 || cap(d.doc.buf) > 1<<16 || cap(d.imputedAt) > 1<<16 {
		return
	}
	d.doc.body = nil
	clear(d.ins) // drop views of the request
	pool.Put(d)
}

// Predict parses a /predict body: {"features": {...}, "model_name": name}.
// It returns the model name, "" when it is omitted or null ([Decoder.Named]
// tells an explicit "" apart); call [Decoder.Rows] with that model's
// features next.
func (d *Decoder) Predict(body []byte) (modelName string, err error) {
	return d.wrapped(body, "features", false)
}

// Batch parses a /predict/batch body: {"features_list": [{...}, ...],
// "model_name": name}. It fails with [ErrTooLarge] (wrapped) when the list
// has more than maxRows rows. Call [Decoder.Rows] next.
func (d *Decoder) Batch(body []byte, maxRows int) (modelName string, err error) {
	name, err := d.wrapped(body, "features_list", true)
	if err != nil {
		return "", err
	}
	if n := int(d.doc.nodes[d.rows].n); n > maxRows {
		return "", fmt.Errorf("%w: %d rows, the limit is %d", ErrTooLarge, n, maxRows)
	}
	return name, nil
}

// Features parses a bare features object (the body of
// /predict/all-models). Call [Decoder.Rows] next.
func (d *Decoder) Features(body []byte) error {
	if err := d.doc.parse(body); err != nil {
		return syntaxItem(err)
	}
	d.rows, d.batch, d.named, d.loc = d.doc.root(), false, false, locBody
	if k := d.doc.nodes[d.rows].kind; k != kindObject {
		return &ValidationError{Items: []Item{{Loc: []any{"body"}, Msg: "value is not a valid dict", Type: TypeDict}}}
	}
	return nil
}

// wrapped parses an object holding the rows under field and an optional
// "model_name".
func (d *Decoder) wrapped(body []byte, field string, batch bool) (string, error) {
	if err := d.doc.parse(body); err != nil {
		return "", syntaxItem(err)
	}
	doc := &d.doc
	root := doc.root()
	if doc.nodes[root].kind != kindObject {
		return "", &ValidationError{Items: []Item{{Loc: []any{"body"}, Msg: "value is not a valid dict", Type: TypeDict}}}
	}
	var c collector
	rows, name, named := int32(-1), "", false
	for i := doc.nodes[root].first; i >= 0; i = doc.nodes[i].next {
		n := &doc.nodes[i]
		switch key := doc.bytes(n.key); string(key) {
		case field:
			rows = i
		case "model_name":
			switch n.kind {
			case kindString:
				name, named = doc.str(n.val), true
			case kindNull:
			default:
				c.add([]any{"body", "model_name"}, "str type expected", TypeString)
			}
		default:
			c.add([]any{"body", string(key)}, "extra fields not permitted", TypeExtra)
		}
	}
	switch {
	case rows < 0:
		c.add([]any{"body", field}, "field required", TypeMissing)
	case batch && doc.nodes[rows].kind != kindArray:
		c.add([]any{"body", field}, "value is not a valid list", TypeList)
	case batch && doc.nodes[rows].n == 0:
		it := Item{Loc: []any{"body", field}, Msg: "ensure this value has at least 1 items", Type: TypeMinItems, Ctx: map[string]any{"limit_value": 1}}
		c.items = append(c.items, it)
	case !batch && doc.nodes[rows].kind != kindObject:
		c.add([]any{"body", field}, "value is not a valid dict", TypeDict)
	}
	if err := c.err(); err != nil {
		return "", err
	}
	d.rows, d.batch, d.named, d.loc = rows, batch, named, locFeatures
	if batch {
		d.loc = locFeaturesList
	}
	return name, nil
}

// Named reports whether the last parsed body named a model with a string,
// even an empty one (which names no model, as in the original service).
func (d *Decoder) Named() bool { return d.named }

// NumRows returns the number of rows the last parse holds.
func (d *Decoder) NumRows() int {
	if d.batch {
		return int(d.doc.nodes[d.rows].n)
	}
	return 1
}

// Rows validates the parsed rows against feats and returns their values,
// row-major, len(feats) per row, in feats order. A null value of a feature
// with an impute value (a model trained with data.missing: impute) is
// filled with it and counted in [Decoder.Imputed]; an absent feature is
// not, as the original API required every feature. Every missing, unknown,
// duplicate, non-numeric, null, non-finite or out-of-range value is
// reported, each as one [Item]. The slice is valid until the next call or
// [Put].
func (d *Decoder) Rows(feats []model.Feature) ([]float64, error) {
	doc := &d.doc
	nf := len(feats)
	nrows := d.NumRows()
	d.vals = grow(d.vals, nrows*nf)
	d.resetImputed(nf)
	seen := d.seenFor(nf)
	var c collector
	row := 0
	each := func(obj int32) {
		var loc []any
		if d.batch {
			loc = at(d.loc, row)
		} else {
			loc = d.loc
		}
		if doc.nodes[obj].kind != kindObject {
			c.add(loc, "value is not a valid dict", TypeDict)
			return
		}
		clear(seen)
		for i := doc.nodes[obj].first; i >= 0; i = doc.nodes[i].next {
			n := &doc.nodes[i]
			key := doc.bytes(n.key)
			j := indexOf(feats, key)
			switch {
			case j < 0:
				c.add(at(loc, string(key)), "extra fields not permitted", TypeExtra)
				continue
			case seen[j]:
				c.add(at(loc, string(key)), "field given more than once", TypeDuplicate)
				continue
			}
			seen[j] = true
			d.value(&c, loc, i, j, &feats[j], row*nf+j)
		}
		for j, ok := range seen {
			if !ok {
				c.add(at(loc, feats[j].Name), "field required", TypeMissing)
			}
		}
	}
	if d.batch {
		for i := doc.nodes[d.rows].first; i >= 0; i = doc.nodes[i].next {
			each(i)
			row++
		}
	} else {
		each(d.rows)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return d.vals[:nrows*nf], nil
}

// Imputed returns, per feature, how many null values the last Rows or
// Infer filled with the feature's impute value, and their total. The slice
// is valid until the next call or [Put].
func (d *Decoder) Imputed() (perFeature []int, total int) { return d.imputed, d.nimputed }

// ImputedAt returns the indices, in the values the last Rows or Infer
// returned, of the nulls it filled, in increasing order. The slice is valid
// until the next call or [Put].
func (d *Decoder) ImputedAt() []int {
	// Rows fills a row's values in the request's key order.
	slices.Sort(d.imputedAt)
	return d.imputedAt
}

// resetImputed clears the imputed counts for n features.
func (d *Decoder) resetImputed(n int) {
	if cap(d.imputed) < n {
		d.imputed = make([]int, n)
	}
	d.imputed = d.imputed[:n]
	clear(d.imputed)
	d.nimputed = 0
	d.imputedAt = d.imputedAt[:0]
}

// impute fills d.vals[at], a value of feature j, with f's impute value and
// counts it, or reports that f has none.
func (d *Decoder) impute(j int, f *model.Feature, at int) bool {
	if f.Impute == nil {
		return false
	}
	d.vals[at] = *f.Impute
	d.imputed[j]++
	d.nimputed++
	d.imputedAt = append(d.imputedAt, at)
	return true
}

// noImpute is the message for a null value of a feature without an impute
// value: pydantic's, then why.
const noImpute = "none is not an allowed value: the model was trained with data.missing: error, so it has no value to impute for a missing feature"

// seenFor returns the cleared scratch flags for n features.
func (d *Decoder) seenFor(n int) []bool {
	if cap(d.seen) < n {
		d.seen = make([]bool, n)
	}
	s := d.seen[:n]
	clear(s)
	return s
}

// value checks one value of feature j and stores it in dst; a null is
// filled with the feature's impute value when it has one.
func (d *Decoder) value(c *collector, loc []any, i int32, j int, f *model.Feature, k int) {
	dst := &d.vals[k]
	n := &d.doc.nodes[i]
	switch n.kind {
	case kindNumber:
	case kindNull:
		if !d.impute(j, f, k) {
			c.add(at(loc, f.Name), noImpute, TypeNone)
		}
		return
	default:
		c.add(at(loc, f.Name), "value is not a valid float", TypeFloat)
		return
	}
	v, ok := d.doc.number(i)
	if !ok || math.IsInf(v, 0) {
		c.add(at(loc, f.Name), "value is not a finite number", TypeNotFinite)
		return
	}
	if msg, typ, limit, bad := checkRange(v, f.Valid); bad {
		c.items = append(c.items, Item{Loc: at(loc, f.Name), Msg: msg, Type: typ, Ctx: map[string]any{"limit_value": limit}})
		return
	}
	*dst = v
}

// checkRange reports whether v lies outside r, with pydantic's message.
func checkRange(v float64, r model.Range) (msg, typ string, limit float64, bad bool) {
	switch {
	case v < r.Min:
		return "ensure this value is greater than or equal to " + formatNumber(r.Min), TypeNotGE, r.Min, true
	case v > r.Max:
		return "ensure this value is less than or equal to " + formatNumber(r.Max), TypeNotLE, r.Max, true
	}
	return "", "", 0, false
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func indexOf(feats []model.Feature, key []byte) int {
	for j := range feats {
		if feats[j].Name == string(key) {
			return j
		}
	}
	return -1
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
