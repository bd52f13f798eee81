package tracking_test

import (
	"fmt"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// iristune returns a tune run shaped like `mlops tune --trials 20` on this
// repository's Iris params: 5 models, 51 searches each (10 x 5 outer folds
// and the final one), 20 trials a search, 5,100 trials, each with up to 7
// parameters and 3 inner scores.
func iristune() *tracking.Run {
	r := trackingtest.TuneRuns()[0]
	base := r.Tune.Models[1]
	r.Tune.Models = nil
	for i := range 5 {
		m := base
		m.Name = fmt.Sprintf("model_%d", i)
		m.Searches = nil
		for f := range 51 {
			s := tracking.TuneSearch{Fold: f, Rows: 120, Best: 3}
			if f == 50 {
				s.Fold = -1
			} else {
				test := 0.9333
				s.Test = &test
			}
			for n := range 20 {
				params := map[string]any{}
				for k := range 7 {
					params[fmt.Sprintf("param_%d", k)] = 0.123456789012345 * float64(n+k+1)
				}
				s.Trials = append(s.Trials, tracking.TuneTrial{
					Number: n, Params: params, Scores: []float64{0.9772727272727273, 1, 0.8409090909090909},
					State: "complete", DurationSeconds: 0.011188759,
				})
			}
			m.Searches = append(m.Searches, s)
		}
		r.Tune.Models = append(r.Tune.Models, m)
	}
	return r
}

// BenchmarkTuneRunJSON measures writing and reading the run.json of an
// Iris-sized tune run (README, "The run store": a real one is 2.6 MB).
func BenchmarkTuneRunJSON(b *testing.B) {
	data, err := tracking.Encode(iristune())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		r := iristune()
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tracking.Encode(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tracking.Parse("run.json", data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
