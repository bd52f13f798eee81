package train

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkFitRepoParams measures what `mlops train` computes with the
// repository's params.yaml (all five models, stratified 10-fold x 5 CV on
// Iris, the final fits and the metrics), without writing files.
func BenchmarkFitRepoParams(b *testing.B) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		b.Fatal(err)
	}
	// params.yaml names data/iris.csv relative to the repository root.
	b.Chdir(root)
	if _, err := os.Stat("params.yaml"); err != nil {
		b.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(b.Context(), logger, Options{ParamsPath: "params.yaml"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredictIntoRepoModels measures single-row prediction for each
// model trained with the repository's params.yaml, one sub-benchmark per
// model, on a fixed Iris row.
func BenchmarkPredictIntoRepoModels(b *testing.B) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		b.Fatal(err)
	}
	b.Chdir(root)
	res, err := Fit(b.Context(), slog.New(slog.DiscardHandler), Options{ParamsPath: "params.yaml"})
	if err != nil {
		b.Fatal(err)
	}
	x := []float64{6.1, 2.8, 4.7, 1.2}
	for _, m := range res.Models {
		dst := make([]float64, m.Bundle.NumClasses())
		b.Run(m.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Bundle.PredictInto(dst, x)
			}
		})
	}
}
