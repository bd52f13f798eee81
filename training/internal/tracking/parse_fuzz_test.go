package tracking_test

import (
	"bytes"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// FuzzParse checks that Parse never panics on any input and that whatever
// it accepts encodes and parses back to the same record.
func FuzzParse(f *testing.F) {
	for _, r := range append(trackingtest.Runs(), trackingtest.TuneRuns()...) {
		data, err := tracking.Encode(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"format":1,"id":"x","status":"running","process":{"host":"h","pid":1}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := tracking.Parse("fuzz", data)
		if err != nil {
			return
		}
		enc, err := tracking.Encode(r)
		if err != nil {
			t.Fatalf("accepted record does not encode: %v", err)
		}
		r2, err := tracking.Parse("again", enc)
		if err != nil {
			t.Fatalf("re-encoded record does not parse: %v\n%s", err, enc)
		}
		enc2, err := tracking.Encode(r2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("round trip changed the record:\n%s\n%s", enc, enc2)
		}
	})
}
