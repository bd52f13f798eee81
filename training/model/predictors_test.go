package model

import "testing"

// The predictors the prediction tests share; predict_alloc_test.go, which
// is built only without -race, and batch_test.go use them.

// reloaded returns b after a save and a load, so the parsed form is measured.
func reloaded(t *testing.T, b *Bundle) *Bundle {
	t.Helper()
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return loaded
}

func compiled(t *testing.T, p Params, classes int) Predictor {
	t.Helper()
	pred, err := p.Compile(2, classes)
	if err != nil {
		t.Fatal(err)
	}
	return pred
}
