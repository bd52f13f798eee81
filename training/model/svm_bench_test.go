package model

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkSVMPredictInto measures single-row prediction with the SVMs of
// testdata/sklearn_svm_predict.json (scikit-learn's fits on Iris), over the
// fixture's inputs.
func BenchmarkSVMPredictInto(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "sklearn_svm_predict.json"))
	if err != nil {
		b.Fatal(err)
	}
	var ref svmReference
	if err := json.Unmarshal(data, &ref); err != nil {
		b.Fatal(err)
	}
	for _, tc := range ref.Cases {
		b.Run(tc.Name, func(b *testing.B) {
			p := Params{SVM: &SVM{
				Kernel: tc.Kernel, Gamma: tc.Gamma, Labels: tc.Labels, NSupport: tc.NSupport,
				SupportVectors: tc.SupportVectors, DualCoef: tc.DualCoef, Intercept: tc.Intercept,
				ProbA: tc.ProbA, ProbB: tc.ProbB,
			}}
			pred, err := p.Compile(4, 3)
			if err != nil {
				b.Fatal(err)
			}
			dst := make([]float64, 3)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				pred.PredictInto(dst, tc.Inputs[i%len(tc.Inputs)])
				i++
			}
		})
	}
}
