package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"
)

var fuzzSeeds = []string{
	`{"features":{"a":1,"b":0.5},"model_name":"m"}`,
	`{"features":{"a":1,"b":0.5,"a":2}}`,
	`{"features_list":[{"a":1,"b":0},{"a":2,"b":-1}]}`,
	`{"features_list":[]}`,
	`{"a":1,"b":0}`,
	`{"features":{"\u0061":1e400,"b":"x"}}`,
	`{"id":"1","inputs":[{"name":"x","shape":[1,2],"datatype":"FP64","data":[[1,0]]}],"outputs":[{"name":"label"}]}`,
	`{"inputs":[{"name":"a","shape":[1],"datatype":"FP32","data":[1]},{"name":"b","shape":[1,1],"datatype":"FP64","data":[[0]]}]}`,
	`{"inputs":[{"name":"x","shape":[1e9,2],"datatype":"FP64","data":[]}]}`,
	`[[[[[[[[`, `"\ud800"`, ``, `nul`,
}

// FuzzParseJSON checks the parser against encoding/json: it accepts exactly
// the documents encoding/json accepts (nesting limit aside) and never panics.
func FuzzParseJSON(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d document
		err := d.parse(data)
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("parse returned %T, want *SyntaxError", err)
		}
		if se != nil && (se.Offset < 0 || se.Offset > len(data)) {
			t.Fatalf("error offset %d outside the %d-byte input", se.Offset, len(data))
		}
		if se != nil && bytes.Contains([]byte(se.Msg), []byte("nesting")) {
			return
		}
		if got, want := err == nil, json.Valid(data); got != want {
			t.Fatalf("parse(%q): accepted %v, encoding/json accepts %v (err %v)", data, got, want, err)
		}
	})
}

// FuzzPredict decodes /predict and /predict/all-models bodies: no panic,
// errors are typed, and whatever is accepted has every feature, in range,
// with the value encoding/json reads.
func FuzzPredict(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := Get()
		defer Put(d)
		for _, wrapped := range []bool{true, false} {
			var err error
			if wrapped {
				_, err = d.Predict(data)
			} else {
				err = d.Features(data)
			}
			if err != nil {
				checkTyped(t, err)
				continue
			}
			values, err := d.Rows(testFeatures)
			if err != nil {
				checkTyped(t, err)
				continue
			}
			checkValues(t, values, 1)
			// encoding/json reads the same numbers (keys may repeat only
			// in rejected bodies, so last-wins does not matter here).
			var std struct {
				Features map[string]float64 `json:"features"`
			}
			var raw map[string]float64
			target := any(&raw)
			if wrapped {
				target = &std
			}
			if err := json.Unmarshal(data, target); err != nil {
				t.Fatalf("accepted %q, encoding/json fails: %v", data, err)
			}
			if wrapped {
				raw = std.Features
			}
			for j, f := range testFeatures {
				if raw[f.Name] != values[j] {
					t.Fatalf("%q: feature %s is %v, encoding/json reads %v", data, f.Name, values[j], raw[f.Name])
				}
			}
		}
	})
}

// FuzzBatch decodes /predict/batch bodies.
func FuzzBatch(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := Get()
		defer Put(d)
		if _, err := d.Batch(data, 10); err != nil {
			checkTyped(t, err)
			return
		}
		values, err := d.Rows(testFeatures)
		if err != nil {
			checkTyped(t, err)
			return
		}
		rows := d.NumRows()
		if rows < 1 || rows > 10 {
			t.Fatalf("accepted %d rows, want 1..10", rows)
		}
		checkValues(t, values, rows)
	})
}

// FuzzInfer decodes Open Inference Protocol requests.
func FuzzInfer(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := Get()
		defer Put(d)
		req, err := d.Infer(data, testFeatures, 10)
		if err != nil {
			checkTyped(t, err)
			return
		}
		if req.Rows < 1 || req.Rows > 10 {
			t.Fatalf("accepted %d rows, want 1..10", req.Rows)
		}
		checkValues(t, req.Values, req.Rows)
		for _, o := range req.Outputs {
			if o != OutputLabel && o != OutputProbabilities {
				t.Fatalf("accepted output %q", o)
			}
		}
	})
}

func checkTyped(t *testing.T, err error) {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) && !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %T %v, want a *ValidationError or ErrTooLarge", err, err)
	}
	if verr != nil && len(verr.Items) == 0 {
		t.Fatal("a ValidationError with no items")
	}
}

func checkValues(t *testing.T, values []float64, rows int) {
	t.Helper()
	if len(values) != rows*len(testFeatures) {
		t.Fatalf("%d values for %d rows of %d features", len(values), rows, len(testFeatures))
	}
	for i, v := range values {
		f := testFeatures[i%len(testFeatures)]
		if math.IsNaN(v) || math.IsInf(v, 0) || !f.Valid.Contains(v) {
			t.Fatalf("accepted %v for %s, outside %v", v, f.Name, f.Valid)
		}
	}
}
