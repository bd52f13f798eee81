package model

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

var benchBundles = flag.String("bundles", "", "directory of bundle files BenchmarkParse also parses (e.g. the output of mlops train)")

// BenchmarkParse measures Parse over bundles the size of the Iris ones: a
// decision tree (~6 KB), gradient-boosted trees (~160 KB) and a random forest
// (~240 KB), built from a fixed seed. With -bundles dir it also parses every
// *.json bundle in dir except index.json.
func BenchmarkParse(b *testing.B) {
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	for _, s := range []struct {
		name string
		p    Params
	}{
		{"decision_tree", Params{Tree: ptr(randomTree(rand.New(rand.NewPCG(1, 1)), 4, 4, 3))}},
		{"xgboost", randomBoosted(rand.New(rand.NewPCG(1, 2)), 300, 4, 3)},
		{"random_forest", randomForest(rand.New(rand.NewPCG(1, 3)), 100, 4, 3)},
	} {
		bundle := sampleBundle(s.name, s.p)
		bundle.Features = append(bundle.Features,
			Feature{Name: "c", Valid: Range{Min: 0, Max: 10}, Stats: NewStats([]float64{1, 2, 3}, 3)},
			Feature{Name: "d", Valid: Range{Min: 0, Max: 10}, Stats: NewStats([]float64{1, 2, 3}, 3)})
		if err := bundle.Seal(); err != nil {
			b.Fatal(err)
		}
		data, err := bundle.Marshal()
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, input{s.name, data})
	}
	if *benchBundles != "" {
		paths, err := filepath.Glob(filepath.Join(*benchBundles, "*.json"))
		if err != nil {
			b.Fatal(err)
		}
		sort.Strings(paths)
		for _, p := range paths {
			if filepath.Base(p) == "index.json" {
				continue
			}
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			inputs = append(inputs, input{"file=" + filepath.Base(p), data})
		}
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(in.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// randomTree grows a random pre-order tree of the given depth whose leaves
// hold class frequencies, the shape scikit-learn's trees have.
func randomTree(rng *rand.Rand, depth, features, classes int) Tree {
	var t Tree
	var grow func(d, samples int) int
	grow = func(d, samples int) int {
		i := len(t.Feature)
		t.Feature = append(t.Feature, -1)
		t.Threshold = append(t.Threshold, 0)
		t.Left = append(t.Left, -1)
		t.Right = append(t.Right, -1)
		t.Value = append(t.Value, nil)
		t.Samples = append(t.Samples, samples)
		if d == 0 || samples < 4 || rng.IntN(4) == 0 {
			v := make([]float64, classes)
			counts := make([]int, classes)
			for range samples {
				counts[rng.IntN(classes)]++
			}
			for k := range v {
				v[k] = float64(counts[k]) / float64(samples)
			}
			t.Value[i] = v
			return i
		}
		t.Feature[i] = rng.IntN(features)
		t.Threshold[i] = float64(rng.IntN(80)) / 10
		split := 1 + rng.IntN(samples-1)
		t.Left[i] = grow(d-1, split)
		t.Right[i] = grow(d-1, samples-split)
		return i
	}
	grow(depth, 117)
	return t
}

func randomForest(rng *rand.Rand, trees, features, classes int) Params {
	f := &Forest{}
	for range trees {
		f.Trees = append(f.Trees, randomTree(rng, 6, features, classes))
	}
	return Params{Forest: f}
}

// randomBoosted converts random trees into XGBoost's layout with float32
// statistics of full precision.
func randomBoosted(rng *rand.Rand, trees, features, classes int) Params {
	bo := &Boosted{BaseScore: 0.5}
	for i := range trees {
		t := randomTree(rng, 3, features, classes)
		bo.TreeClass = append(bo.TreeClass, i%classes)
		bo.TreeStart = append(bo.TreeStart, len(bo.Feature))
		for n := range t.Feature {
			bo.Feature = append(bo.Feature, int32(t.Feature[n]))
			bo.Threshold = append(bo.Threshold, float32(t.Threshold[n]))
			bo.Left = append(bo.Left, int32(t.Left[n]))
			bo.Right = append(bo.Right, int32(t.Right[n]))
			leaf := float32(0)
			if t.Feature[n] < 0 {
				leaf = rng.Float32() - 0.5
			}
			bo.Value = append(bo.Value, leaf)
			bo.Gain = append(bo.Gain, rng.Float32()*50)
			bo.Cover = append(bo.Cover, rng.Float32()*50)
			bo.Weight = append(bo.Weight, rng.Float32()-0.5)
		}
	}
	return Params{Boosted: bo}
}
