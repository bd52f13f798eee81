package request

import (
	"errors"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/model"
)

// testFeatures are two features with declared ranges.
var testFeatures = []model.Feature{
	{Name: "a", Valid: model.Range{Min: 0, Max: 10}},
	{Name: "b", Valid: model.Range{Min: -1, Max: 1}},
}

func TestPredict(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		model    string
		values   []float64
		errTypes []string // the items' types, in order
	}{
		{name: "plain", body: `{"features":{"a":1,"b":0.5}}`, values: []float64{1, 0.5}},
		{name: "order free", body: `{"model_name":"m","features":{"b":-1,"a":10}}`, model: "m", values: []float64{10, -1}},
		{name: "escaped names", body: `{"features":{"\u0061":1,"b":0},"model_\u006eame":"x\"y"}`, model: `x"y`, values: []float64{1, 0}},
		{name: "exponents", body: `{"features":{"a":1e1,"b":-5E-1}}`, values: []float64{10, -0.5}},
		{name: "null model", body: `{"features":{"a":1,"b":0},"model_name":null}`, values: []float64{1, 0}},
		{name: "missing", body: `{"features":{"a":1}}`, errTypes: []string{TypeMissing}},
		{name: "extra and duplicate", body: `{"features":{"a":1,"a":2,"b":0,"c":3}}`, errTypes: []string{TypeDuplicate, TypeExtra}},
		{name: "ranges", body: `{"features":{"a":-0.5,"b":1.5}}`, errTypes: []string{TypeNotGE, TypeNotLE}},
		{name: "types", body: `{"features":{"a":"1","b":{}}}`, errTypes: []string{TypeFloat, TypeFloat}},
		{name: "overflow", body: `{"features":{"a":1e400,"b":-1e400}}`, errTypes: []string{TypeNotFinite, TypeNotFinite}},
		{name: "syntax", body: `{"features":{"a":1,"b":0}`, errTypes: []string{TypeJSONDecode}},
		{name: "top level", body: `{"features":1,"model_name":false,"x":1}`, errTypes: []string{TypeString, TypeExtra, TypeDict}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Get()
			defer Put(d)
			name, err := d.Predict([]byte(tt.body))
			var values []float64
			if err == nil {
				values, err = d.Rows(testFeatures)
			}
			if len(tt.errTypes) > 0 {
				var verr *ValidationError
				if !errors.As(err, &verr) {
					t.Fatalf("error %v, want a *ValidationError", err)
				}
				var types []string
				for _, it := range verr.Items {
					types = append(types, it.Type)
				}
				if !slices.Equal(types, tt.errTypes) {
					t.Errorf("error types %v, want %v (%v)", types, tt.errTypes, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if name != tt.model || !slices.Equal(values, tt.values) {
				t.Errorf("got model %q values %v, want %q %v", name, values, tt.model, tt.values)
			}
		})
	}
}

func TestBatchLimit(t *testing.T) {
	d := Get()
	defer Put(d)
	body := []byte(`{"features_list":[{"a":1,"b":0},{"a":2,"b":0},{"a":3,"b":0}]}`)
	if _, err := d.Batch(body, 2); !errors.Is(err, ErrTooLarge) {
		t.Errorf("3 rows with a limit of 2: error %v, want ErrTooLarge", err)
	}
	if _, err := d.Batch(body, 3); err != nil {
		t.Fatal(err)
	}
	values, err := d.Rows(testFeatures)
	if err != nil || !slices.Equal(values, []float64{1, 0, 2, 0, 3, 0}) {
		t.Errorf("Rows = %v, %v; want 3 rows", values, err)
	}
}

// TestPredictAllocations keeps the hot path lean: decoding a /predict body
// allocates only the model name. It reuses one decoder rather than the
// pool: under the race detector sync.Pool drops a random quarter of what is
// put back, which made the count vary.
func TestPredictAllocations(t *testing.T) {
	body := []byte(`{"features":{"a":1,"b":0.5},"model_name":"m"}`)
	d := Get()
	defer Put(d)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := d.Predict(body); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Rows(testFeatures); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Errorf("decoding a /predict body allocates %v times, want at most 1", allocs)
	}
}

func TestInferLayouts(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		rows   int
		values []float64
		err    bool
		large  bool
	}{
		{name: "nested", body: `{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP64","data":[[1,0],[2,-1]]}]}`, rows: 2, values: []float64{1, 0, 2, -1}},
		{name: "flat", body: `{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[1,0,2,-1]}]}`, rows: 2, values: []float64{1, 0, 2, -1}},
		{name: "columns", body: `{"inputs":[{"name":"b","shape":[2],"datatype":"FP64","data":[0,-1]},{"name":"a","shape":[2,1],"datatype":"FP64","data":[[1],[2]]}]}`, rows: 2, values: []float64{1, 0, 2, -1}},
		{name: "columns of different lengths", body: `{"inputs":[{"name":"b","shape":[2],"datatype":"FP64","data":[0,-1]},{"name":"a","shape":[1],"datatype":"FP64","data":[1]}]}`, err: true},
		{name: "column twice", body: `{"inputs":[{"name":"a","shape":[1],"datatype":"FP64","data":[0]},{"name":"a","shape":[1],"datatype":"FP64","data":[1]}]}`, err: true},
		{name: "too many rows", body: `{"inputs":[{"name":"x","shape":[3,2],"datatype":"FP64","data":[1,0,1,0,1,0]}]}`, large: true},
		{name: "huge declared shape", body: `{"inputs":[{"name":"x","shape":[2147483648,2],"datatype":"FP64","data":[]}]}`, large: true},
		{name: "shape over the bound", body: `{"inputs":[{"name":"x","shape":[2147483649,2],"datatype":"FP64","data":[]}]}`, err: true},
		{name: "nine dimensions", body: `{"inputs":[{"name":"x","shape":[1,1,1,1,1,1,1,1,2],"datatype":"FP64","data":[1,0]}]}`, err: true},
		{name: "bool data", body: `{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP64","data":[true,0]}]}`, err: true},
		{name: "parameters not an object", body: `{"parameters":[],"inputs":[{"name":"x","shape":[1,2],"datatype":"FP64","data":[1,0]}]}`, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Get()
			defer Put(d)
			req, err := d.Infer([]byte(tt.body), testFeatures, 2)
			switch {
			case tt.large:
				if !errors.Is(err, ErrTooLarge) {
					t.Errorf("error %v, want ErrTooLarge", err)
				}
			case tt.err:
				var verr *ValidationError
				if !errors.As(err, &verr) {
					t.Errorf("error %v, want a *ValidationError", err)
				}
			case err != nil:
				t.Errorf("unexpected error: %v", err)
			case req.Rows != tt.rows || !slices.Equal(req.Values, tt.values):
				t.Errorf("rows %d values %v, want %d %v", req.Rows, req.Values, tt.rows, tt.values)
			}
		})
	}
}
