package request

import (
	"fmt"
	"math"

	"github.com/mlopsgo/mlops/training/model"
)

// Output names an inference response can hold.
const (
	OutputLabel         = "label"
	OutputProbabilities = "probabilities"
)

// Infer is a decoded Open Inference Protocol inference request.
type Infer struct {
	// ID is the request's "id", to be echoed; HasID says it was given.
	ID    string
	HasID bool
	// Rows is the batch size.
	Rows int
	// Outputs lists the requested outputs; nil means all.
	Outputs []string
	// Values holds Rows rows of len(features) values, row-major, in the
	// model's feature order. It is valid until the Decoder is reused.
	Values []float64
}

// inferInput is one element of "inputs".
type inferInput struct {
	idx      int
	name     []byte // views of the request; valid while the Decoder is
	datatype []byte
	shape    []int
	data     int32
}

// Infer parses and validates an inference request for a model with the given
// features. Inputs are either one tensor of shape [N, len(feats)] (data
// nested or flat) or one tensor per feature, named after it, of shape [N] or
// [N, 1]. The datatype must be FP32 or FP64. A null element of a feature
// with an impute value (data.missing: impute) is filled with it and
// counted in [Decoder.Imputed]; of any other feature it is an error. Batches over maxRows fail with
// [ErrTooLarge] (wrapped); everything else wrong is a *ValidationError.
func (d *Decoder) Infer(body []byte, feats []model.Feature, maxRows int) (Infer, error) {
	if err := d.doc.parse(body); err != nil {
		return Infer{}, syntaxItem(err)
	}
	doc := &d.doc
	root := doc.root()
	var c collector
	if doc.nodes[root].kind != kindObject {
		c.add(locBody, "an inference request must be a JSON object", TypeDict)
		return Infer{}, c.err()
	}
	var req Infer
	inputs := int32(-1)
	for i := doc.nodes[root].first; i >= 0; i = doc.nodes[i].next {
		n := &doc.nodes[i]
		switch key := doc.bytes(n.key); string(key) {
		case "id":
			if n.kind != kindString {
				c.add([]any{"body", "id"}, "id must be a string", TypeString)
				continue
			}
			req.ID, req.HasID = doc.str(n.val), true
		case "parameters":
			d.checkParameters(&c, []any{"body", "parameters"}, i)
		case "inputs":
			inputs = i
		case "outputs":
			req.Outputs = d.outputs(&c, i)
		default:
			c.add([]any{"body", string(key)}, "unknown field; expected id, parameters, inputs or outputs", TypeExtra)
		}
	}
	if inputs < 0 {
		c.add([]any{"body", "inputs"}, "field required", TypeMissing)
		return Infer{}, c.err()
	}
	if err := c.err(); err != nil {
		return Infer{}, err
	}
	ins, err := d.inputs(inputs)
	if err != nil {
		return Infer{}, err
	}
	rows, err := d.layout(ins, feats, maxRows)
	if err != nil {
		return Infer{}, err
	}
	req.Rows = rows
	req.Values, err = d.tensorValues(ins, feats, rows)
	if err != nil {
		return Infer{}, err
	}
	return req, nil
}

func (d *Decoder) checkParameters(c *collector, loc []any, i int32) {
	if d.doc.nodes[i].kind != kindObject {
		c.add(loc, "parameters must be an object", TypeDict)
	}
}

// outputs reads the requested outputs' names.
func (d *Decoder) outputs(c *collector, i int32) []string {
	doc := &d.doc
	loc := []any{"body", "outputs"}
	if doc.nodes[i].kind != kindArray {
		c.add(loc, "outputs must be an array", TypeList)
		return nil
	}
	names := make([]string, 0, doc.nodes[i].n)
	k := 0
	for o := doc.nodes[i].first; o >= 0; o, k = doc.nodes[o].next, k+1 {
		oloc := at(loc, k)
		if doc.nodes[o].kind != kindObject {
			c.add(oloc, "an output must be an object with a name", TypeDict)
			continue
		}
		name := ""
		for m := doc.nodes[o].first; m >= 0; m = doc.nodes[m].next {
			switch key := doc.bytes(doc.nodes[m].key); string(key) {
			case "name":
				if doc.nodes[m].kind == kindString {
					name = doc.str(doc.nodes[m].val)
				}
			case "parameters":
				d.checkParameters(c, at(oloc, "parameters"), m)
			default:
				c.add(at(oloc, string(key)), "unknown field; expected name or parameters", TypeExtra)
			}
		}
		switch name {
		case OutputLabel, OutputProbabilities:
			names = append(names, name)
		case "":
			c.add(at(oloc, "name"), "an output needs a name", TypeMissing)
		default:
			c.add(at(oloc, "name"), fmt.Sprintf("unknown output %q; this model has %q and %q", name, OutputLabel, OutputProbabilities), TypeExtra)
		}
	}
	return names
}

// inputLoc is the location of a field of input tensor k.
func inputLoc(k int, field ...any) []any {
	return append([]any{"body", "inputs", k}, field...)
}

// inputs reads the metadata of every input tensor.
func (d *Decoder) inputs(i int32) ([]inferInput, error) {
	doc := &d.doc
	var c collector
	if doc.nodes[i].kind != kindArray || doc.nodes[i].n == 0 {
		c.add([]any{"body", "inputs"}, "inputs must be a non-empty array of tensors", TypeList)
		return nil, c.err()
	}
	ins := d.ins[:0]
	d.shapes = d.shapes[:0]
	k := 0
	for t := doc.nodes[i].first; t >= 0; t, k = doc.nodes[t].next, k+1 {
		if doc.nodes[t].kind != kindObject {
			c.add(inputLoc(k), "a tensor must be an object", TypeDict)
			continue
		}
		in := inferInput{idx: k, data: -1}
		var have [4]bool // name, shape, datatype, data
		for m := doc.nodes[t].first; m >= 0; m = doc.nodes[m].next {
			n := &doc.nodes[m]
			switch key := doc.bytes(n.key); string(key) {
			case "name":
				have[0] = true
				if n.kind != kindString {
					c.add(inputLoc(k, "name"), "name must be a string", TypeString)
					continue
				}
				in.name = doc.bytes(n.val)
			case "shape":
				have[1] = true
				in.shape = d.shape(&c, k, m)
			case "datatype":
				have[2] = true
				if n.kind != kindString {
					c.add(inputLoc(k, "datatype"), "datatype must be a string", TypeString)
					continue
				}
				in.datatype = doc.bytes(n.val)
				if string(in.datatype) != "FP32" && string(in.datatype) != "FP64" {
					c.add(inputLoc(k, "datatype"), fmt.Sprintf("datatype %q is not supported; use FP32 or FP64", in.datatype), TypeFloat)
				}
			case "data":
				have[3] = true
				in.data = m
			case "parameters":
				d.checkParameters(&c, inputLoc(k, "parameters"), m)
			default:
				c.add(inputLoc(k, string(key)), "unknown field; expected name, shape, datatype, parameters or data", TypeExtra)
			}
		}
		for j, field := range [...]string{"name", "shape", "datatype", "data"} {
			if !have[j] {
				c.add(inputLoc(k, field), "field required", TypeMissing)
			}
		}
		ins = append(ins, in)
	}
	d.ins = ins
	if err := c.err(); err != nil {
		return nil, err
	}
	return ins, nil
}

// maxDim bounds a declared dimension before any arithmetic on it.
const maxDim = 1 << 31

// shape reads a shape: an array of non-negative integers. The slice is a
// view of the decoder's scratch space.
func (d *Decoder) shape(c *collector, k int, i int32) []int {
	doc := &d.doc
	const msg = "shape must be an array of 1 to 8 non-negative integers, each at most 2147483648"
	if doc.nodes[i].kind != kindArray || doc.nodes[i].n == 0 || doc.nodes[i].n > 8 {
		c.add(inputLoc(k, "shape"), msg, TypeList)
		return nil
	}
	start := len(d.shapes)
	for s := doc.nodes[i].first; s >= 0; s = doc.nodes[s].next {
		v, ok := 0.0, doc.nodes[s].kind == kindNumber
		if ok {
			v, ok = doc.number(s)
		}
		if !ok || v < 0 || v != math.Trunc(v) || v > maxDim {
			c.add(inputLoc(k, "shape"), msg, TypeList)
			return nil
		}
		d.shapes = append(d.shapes, int(v))
	}
	return d.shapes[start:len(d.shapes):len(d.shapes)]
}

// layout checks the tensors' shapes against the model and returns the batch
// size.
func (d *Decoder) layout(ins []inferInput, feats []model.Feature, maxRows int) (int, error) {
	var c collector
	nf := len(feats)
	rows := -1
	seen := d.seenFor(nf)
	switch {
	case isMatrix(ins, feats):
		// One [N, F] tensor.
		in := ins[0]
		if len(in.shape) != 2 || in.shape[1] != nf {
			c.add([]any{"body", "inputs", 0, "shape"}, fmt.Sprintf("shape %v does not fit this model: want [N, %d] (N rows of %d features)", in.shape, nf, nf), TypeList)
			break
		}
		rows = in.shape[0]
	case len(ins) == nf:
		// One [N] or [N, 1] tensor per feature, named after it.
		for _, in := range ins {
			j := indexOf(feats, in.name)
			if j < 0 || seen[j] {
				c.add(inputLoc(in.idx, "name"), fmt.Sprintf("input %q: with one tensor per feature, each must be named after a different feature of %v", in.name, names(feats)), TypeExtra)
				continue
			}
			seen[j] = true
			if len(in.shape) < 1 || len(in.shape) > 2 || len(in.shape) == 2 && in.shape[1] != 1 {
				c.add(inputLoc(in.idx, "shape"), fmt.Sprintf("shape %v: a per-feature tensor has shape [N] or [N, 1]", in.shape), TypeList)
				continue
			}
			if rows >= 0 && in.shape[0] != rows {
				c.add(inputLoc(in.idx, "shape"), fmt.Sprintf("shape %v: every per-feature tensor must have the same N (%d)", in.shape, rows), TypeList)
				continue
			}
			rows = in.shape[0]
		}
	default:
		c.add([]any{"body", "inputs"}, fmt.Sprintf("%d input tensors: send one [N, %d] tensor, or one tensor per feature of %v", len(ins), nf, names(feats)), TypeList)
	}
	if err := c.err(); err != nil {
		return 0, err
	}
	switch {
	case rows == 0:
		c.add([]any{"body", "inputs", 0, "shape"}, "the batch is empty (N = 0)", TypeMinItems)
		return 0, c.err()
	case rows > maxRows:
		return 0, fmt.Errorf("%w: %d rows, the limit is %d", ErrTooLarge, rows, maxRows)
	}
	return rows, nil
}

// tensorValues reads every tensor's data into row-major values.
func (d *Decoder) tensorValues(ins []inferInput, feats []model.Feature, rows int) ([]float64, error) {
	nf := len(feats)
	d.vals = grow(d.vals, rows*nf)
	d.resetImputed(nf)
	var c collector
	if isMatrix(ins, feats) {
		d.tensor(&c, ins[0], feats, rows, nf, -1)
	} else {
		for _, in := range ins {
			d.tensor(&c, in, feats, rows, 1, indexOf(feats, in.name))
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return d.vals, nil
}

// tensor reads one tensor of rows×cols numbers. col < 0 means the tensor
// holds whole rows; otherwise it is the one feature column col.
func (d *Decoder) tensor(c *collector, in inferInput, feats []model.Feature, rows, cols, col int) {
	doc := &d.doc
	loc := func() []any { return inputLoc(in.idx, "data") }
	data := in.data
	want := rows * cols
	if doc.nodes[data].kind != kindArray {
		c.add(loc(), "data must be an array of numbers", TypeList)
		return
	}
	k := 0 // flat element index
	store := func(e int32) bool {
		kind := doc.nodes[e].kind
		if kind != kindNumber && kind != kindNull {
			c.add(loc(), fmt.Sprintf("element %d is a %s, want a number", k, kind), TypeFloat)
			return false
		}
		if k >= want {
			return true // counted below
		}
		r, j := k/cols, k%cols
		if col >= 0 {
			j = col
		}
		if kind == kindNull {
			// A missing value: filled when the model was trained with
			// data.missing: impute.
			if d.impute(j, &feats[j], r*len(feats)+j) {
				return true
			}
			c.add(loc(), fmt.Sprintf("element %d (row %d, feature %s) is null: the model was trained with data.missing: error, so it has no value to impute", k, r, feats[j].Name), TypeNone)
			return false
		}
		v, ok := doc.number(e)
		if ok && string(in.datatype) == "FP32" && math.Abs(v) > math.MaxFloat32 {
			ok = false
		}
		if !ok {
			c.add(loc(), fmt.Sprintf("row %d, feature %s: value is not a finite %s number", r, feats[j].Name, in.datatype), TypeNotFinite)
			return false
		}
		if msg, typ, _, bad := checkRange(v, feats[j].Valid); bad {
			c.add(loc(), fmt.Sprintf("row %d, feature %s: %v is outside the valid range [%s, %s] (%s)", r, feats[j].Name, v, formatNumber(feats[j].Valid.Min), formatNumber(feats[j].Valid.Max), msg), typ)
			return false
		}
		d.vals[r*len(feats)+j] = v
		return true
	}
	first := doc.nodes[data].first
	nested := first >= 0 && doc.nodes[first].kind == kindArray
	for e := first; e >= 0; e = doc.nodes[e].next {
		if !nested {
			if !store(e) {
				return
			}
			k++
			continue
		}
		// Nested data follows the shape: one inner array per row.
		if doc.nodes[e].kind != kindArray || int(doc.nodes[e].n) != cols {
			c.add(loc(), fmt.Sprintf("row %d: nested data must be arrays of %d numbers, as the shape says", k/max(cols, 1), cols), TypeList)
			return
		}
		for x := doc.nodes[e].first; x >= 0; x = doc.nodes[x].next {
			if !store(x) {
				return
			}
			k++
		}
	}
	if k != want {
		c.add(loc(), fmt.Sprintf("data holds %d numbers, the shape %v needs %d", k, in.shape, want), TypeList)
	}
}

// isMatrix reports whether the inputs are one [N, F] tensor rather than one
// tensor per feature. With a single feature, a lone [N] tensor named after
// it is a column.
func isMatrix(ins []inferInput, feats []model.Feature) bool {
	if len(ins) != 1 {
		return false
	}
	return len(feats) != 1 || string(ins[0].name) != feats[0].Name || len(ins[0].shape) != 1
}

func names(feats []model.Feature) []string {
	out := make([]string, len(feats))
	for i, f := range feats {
		out[i] = f.Name
	}
	return out
}
