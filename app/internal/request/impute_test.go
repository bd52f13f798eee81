package request

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/model"
)

// imputeFeatures are testFeatures with an impute value for a only, as a
// bundle trained with data.missing: impute has for every feature.
func imputeFeatures() []model.Feature {
	feats := slices.Clone(testFeatures)
	five := 5.0
	feats[0].Impute = &five
	return feats
}

// TestRowsImpute checks that a null value is filled with the feature's
// impute value and counted, that an absent feature is still required, and
// that a null for a feature without an impute value is an error that says
// why.
func TestRowsImpute(t *testing.T) {
	tests := []struct {
		name    string
		batch   bool
		body    string
		feats   []model.Feature
		values  []float64
		imputed []int
		err     string // a substring of the message
		errType string
	}{
		{name: "null filled", body: `{"features":{"a":null,"b":0.5}}`, feats: imputeFeatures(), values: []float64{5, 0.5}, imputed: []int{1, 0}},
		{name: "nothing null", body: `{"features":{"a":1,"b":0.5}}`, feats: imputeFeatures(), values: []float64{1, 0.5}, imputed: []int{0, 0}},
		{name: "batch, counted per feature", batch: true, body: `{"features_list":[{"a":null,"b":0},{"a":2,"b":1},{"a":null,"b":-1}]}`,
			feats: imputeFeatures(), values: []float64{5, 0, 2, 1, 5, -1}, imputed: []int{2, 0}},
		{name: "absent is still required", body: `{"features":{"b":0.5}}`, feats: imputeFeatures(),
			err: "body.features.a: field required", errType: TypeMissing},
		{name: "null without an impute value", body: `{"features":{"a":null,"b":null}}`, feats: imputeFeatures(),
			err: "body.features.b: none is not an allowed value: the model was trained with data.missing: error", errType: TypeNone},
		{name: "a model without impute values", body: `{"features":{"a":null,"b":0}}`, feats: testFeatures,
			err: "body.features.a: none is not an allowed value: the model was trained with data.missing: error", errType: TypeNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Get()
			defer Put(d)
			var err error
			if tt.batch {
				_, err = d.Batch([]byte(tt.body), 10)
			} else {
				_, err = d.Predict([]byte(tt.body))
			}
			if err != nil {
				t.Fatal(err)
			}
			values, err := d.Rows(tt.feats)
			if tt.err != "" {
				var verr *ValidationError
				if !errors.As(err, &verr) || len(verr.Items) != 1 || verr.Items[0].Type != tt.errType || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one %s item %q", err, tt.errType, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			perFeature, total := d.Imputed()
			if !slices.Equal(values, tt.values) || !slices.Equal(perFeature, tt.imputed) || total != tt.imputed[0]+tt.imputed[1] {
				t.Errorf("values %v, imputed %v (%d); want %v, %v", values, perFeature, total, tt.values, tt.imputed)
			}
			checkImputedAt(t, d, tt.feats, total)
		})
	}
}

// TestInferImpute checks null tensor elements of the Open Inference
// Protocol: filled for a feature with an impute value, an error naming the
// row and feature otherwise.
func TestInferImpute(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		values  []float64
		imputed []int
		err     string
	}{
		{name: "matrix", body: `{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP64","data":[[null,0],[2,-1]]}]}`,
			values: []float64{5, 0, 2, -1}, imputed: []int{1, 0}},
		{name: "flat", body: `{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[null,0,null,1]}]}`,
			values: []float64{5, 0, 5, 1}, imputed: []int{2, 0}},
		{name: "columns", body: `{"inputs":[{"name":"b","shape":[2],"datatype":"FP64","data":[0,-1]},{"name":"a","shape":[2],"datatype":"FP64","data":[1,null]}]}`,
			values: []float64{1, 0, 5, -1}, imputed: []int{1, 0}},
		{name: "null without an impute value", body: `{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP64","data":[1,null]}]}`,
			err: "element 1 (row 0, feature b) is null: the model was trained with data.missing: error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Get()
			defer Put(d)
			req, err := d.Infer([]byte(tt.body), imputeFeatures(), 10)
			if tt.err != "" {
				var verr *ValidationError
				if !errors.As(err, &verr) || !verr.Has(TypeNone) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want a %s item %q", err, TypeNone, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			perFeature, total := d.Imputed()
			if !slices.Equal(req.Values, tt.values) || !slices.Equal(perFeature, tt.imputed) {
				t.Errorf("values %v, imputed %v; want %v, %v", req.Values, perFeature, tt.values, tt.imputed)
			}
			checkImputedAt(t, d, imputeFeatures(), total)
		})
	}
}

// checkImputedAt requires ImputedAt to name, in increasing order, total
// values, each a null that was filled: the drift window leaves them out.
func checkImputedAt(t *testing.T, d *Decoder, feats []model.Feature, total int) {
	t.Helper()
	at := d.ImputedAt()
	if len(at) != total || !slices.IsSorted(at) {
		t.Fatalf("ImputedAt %v, want %d increasing indices", at, total)
	}
	for _, k := range at {
		f := feats[k%len(feats)]
		if f.Impute == nil || d.vals[k] != *f.Impute {
			t.Errorf("ImputedAt names value %d (%v of %s), not a filled null", k, d.vals[k], f.Name)
		}
	}
}
