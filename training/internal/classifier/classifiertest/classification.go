package classifiertest

import (
	"math/rand/v2"
)

// Classification returns n observations of features features, of which the
// first informative carry the class and the rest are noise, in the spirit
// of scikit-learn's make_classification: each class is a unit-variance
// Gaussian around a centre drawn uniformly in [-1, 1] per informative
// feature, so classes overlap and a tree must grow deep to fit them. Labels
// cycle through the classes; the draws come from src. Benchmarks and
// accuracy comparisons use it where blobs are too easy.
func Classification(src rand.Source, n, features, informative, classes int) Dataset {
	rng := rand.New(src)
	d := newDataset(n, features, classes)
	centres := make([][]float64, classes)
	for k := range classes {
		centres[k] = make([]float64, informative)
		for j := range centres[k] {
			centres[k][j] = 2*rng.Float64() - 1
		}
	}
	for i := range n {
		k := i % classes
		row := make([]float64, features)
		for j := range row {
			row[j] = rng.NormFloat64()
			if j < informative {
				row[j] += centres[k][j]
			}
		}
		d.X[i] = row
		d.Y[i] = k
	}
	return d
}
