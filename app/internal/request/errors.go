package request

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors the decoders return; a *ValidationError or a *SyntaxError says more.
var (
	// ErrTooLarge is returned (wrapped) when a batch has more rows than
	// allowed.
	ErrTooLarge = errors.New("request: batch too large")
)

// Item is one validation problem, in the shape FastAPI (pydantic v1) used
// inside {"detail": [...]}, so the original service's clients can read it.
type Item struct {
	// Loc is the path to the offending value: "body", then member names
	// and array indices.
	Loc []any `json:"loc"`
	// Msg says what is wrong.
	Msg string `json:"msg"`
	// Type is pydantic's error type, e.g. "value_error.missing".
	Type string `json:"type"`
	// Ctx holds the limit of a range error.
	Ctx map[string]any `json:"ctx,omitempty"`
}

// ValidationError lists every problem found in a request body.
type ValidationError struct {
	Items []Item
}

func (e *ValidationError) Error() string {
	var sb strings.Builder
	for i, it := range e.Items {
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(LocString(it.Loc))
		sb.WriteString(": ")
		sb.WriteString(it.Msg)
	}
	return sb.String()
}

// Has reports whether any item has the given type.
func (e *ValidationError) Has(typ string) bool {
	for _, it := range e.Items {
		if it.Type == typ {
			return true
		}
	}
	return false
}

// LocString renders a location as a dotted path with indices in brackets,
// e.g. body.features_list[2].sepal_length.
func LocString(loc []any) string {
	var sb strings.Builder
	for i, l := range loc {
		switch v := l.(type) {
		case int:
			sb.WriteString("[" + strconv.Itoa(v) + "]")
		default:
			if i > 0 {
				sb.WriteByte('.')
			}
			fmt.Fprint(&sb, v)
		}
	}
	return sb.String()
}

// Validation error types, as pydantic v1 named them; notFinite, outOfRange
// names and jsonDecode have no pydantic equivalent and follow its style.
const (
	TypeMissing     = "value_error.missing"
	TypeExtra       = "value_error.extra"
	TypeFloat       = "type_error.float"
	TypeString      = "type_error.str"
	TypeDict        = "type_error.dict"
	TypeList        = "type_error.list"
	TypeNone        = "type_error.none.not_allowed"
	TypeNotGE       = "value_error.number.not_ge"
	TypeNotLE       = "value_error.number.not_le"
	TypeNotFinite   = "value_error.number.not_finite"
	TypeMinItems    = "value_error.list.min_items"
	TypeDuplicate   = "value_error.duplicate"
	TypeJSONDecode  = "value_error.jsondecode"
	TypeContentType = "value_error.content_type"
)

// collector accumulates items with a location prefix.
type collector struct {
	items []Item
}

func (c *collector) add(loc []any, msg, typ string) {
	c.items = append(c.items, Item{Loc: loc, Msg: msg, Type: typ})
}

func (c *collector) err() error {
	if len(c.items) == 0 {
		return nil
	}
	return &ValidationError{Items: c.items}
}

// at returns loc extended by one element, without sharing loc's array.
func at(loc []any, elem any) []any {
	out := make([]any, len(loc), len(loc)+1)
	copy(out, loc)
	return append(out, elem)
}

func syntaxItem(err error) error {
	var se *SyntaxError
	if errors.As(err, &se) {
		return &ValidationError{Items: []Item{{Loc: []any{"body", se.Offset}, Msg: "invalid JSON: " + se.Msg, Type: TypeJSONDecode}}}
	}
	return err
}
