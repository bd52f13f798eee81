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
