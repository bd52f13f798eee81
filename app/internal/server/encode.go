package server

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/mlopsgo/mlops/training/model"
)

// The prediction responses are written by hand: they are the hot path, and
// appending pre-quoted names and numbers to a pooled buffer costs a fraction
// of reflection-based encoding. Every other response uses encoding/json.

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > 1<<20 {
		return // let a huge batch's buffer go
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// appendFloat writes f as encoding/json does, and null for NaN and
// infinities, which JSON cannot hold (validated bundles never produce them).
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// timestampLayout is ISO 8601 in UTC with microseconds, like Python's
// isoformat() of an aware datetime, which every client parses.
const timestampLayout = "2006-01-02T15:04:05.000000+00:00"

func appendTimestamp(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, timestampLayout)
	return append(b, '"')
}

func timestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// appendPrediction writes one prediction object of the original API:
// species, species_code, model_used (when withModel), confidence,
// probabilities, and the timestamp when ts is not nil.
func appendPrediction(b []byte, sv *served, p []float64, withModel bool, ts []byte) []byte {
	k := model.ArgMax(p)
	b = append(b, `{"species":`...)
	b = append(b, sv.quotedClasses[k]...)
	b = append(b, `,"species_code":`...)
	b = strconv.AppendInt(b, int64(k), 10)
	if withModel {
		b = append(b, `,"model_used":`...)
		b = append(b, sv.quotedName...)
	}
	b = append(b, `,"confidence":`...)
	b = appendFloat(b, p[k])
	b = append(b, `,"probabilities":{`...)
	for i, v := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, sv.quotedClasses[i]...)
		b = append(b, ':')
		b = appendFloat(b, v)
	}
	b = append(b, '}')
	if ts != nil {
		b = append(b, `,"timestamp":`...)
		b = append(b, ts...)
	}
	return append(b, '}')
}
