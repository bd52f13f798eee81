package classifiertest

import (
	"fmt"
	"math/rand/v2"
)

// Blobs returns n observations of the given number of features, drawn from
// one unit-variance Gaussian per class around centres spaced 2 apart along
// each feature, with labels cycling through the classes. The draws come from
// src, so a fixed seed gives a fixed data set; benchmarks use it to sweep
// sizes beyond Iris.
func Blobs(src rand.Source, n, features, classes int) Dataset {
	rng := rand.New(src)
	d := newDataset(n, features, classes)
	for i := range n {
		k := i % classes
		row := make([]float64, features)
		for j := range row {
			// Shifting each feature's centre differently keeps the classes
			// apart on every axis without making any one feature perfect.
			row[j] = 2*float64((k+j)%classes) + rng.NormFloat64()
		}
		d.X[i] = row
		d.Y[i] = k
	}
	return d
}

// newDataset returns a data set of n rows to fill, its features named x0,
// x1, ... and its classes c0, c1, ...
func newDataset(n, features, classes int) Dataset {
	d := Dataset{
		Features: make([]string, features),
		Classes:  make([]string, classes),
		X:        make([][]float64, n),
		Y:        make([]int, n),
	}
	for j := range features {
		d.Features[j] = fmt.Sprintf("x%d", j)
	}
	for k := range classes {
		d.Classes[k] = fmt.Sprintf("c%d", k)
	}
	return d
}
