package algorithm

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// spacePoints returns points of s to check: for each dimension its lowest
// and highest internal value with the others drawn at random (a
// conditional dimension's parent set to its first value that makes it
// active), then n random points.
func spacePoints(s space.Space, rng *rand.Rand, n int) []space.Point {
	var points []space.Point
	for i, d := range s {
		low, high, _ := d.Bounds()
		for _, x := range []float64{low, high} {
			v := s.Random(rng)
			if c := d.Condition; c != nil {
				p := slices.IndexFunc(s, func(d space.Dim) bool { return d.Key == c.Param })
				v[p] = float64(slices.Index(s[p].Choices, c.Values[0]))
			}
			v[i] = x
			points = append(points, s.Point(v))
		}
	}
	for range n {
		points = append(points, s.Point(s.Random(rng)))
	}
	return points
}

// TestSpaces checks every algorithm's search space: each point sampled
// from it, the ranges' ends included, is accepted by the algorithm's own
// validation when laid over the defaults and over a section that sets
// other parameters, lands in the configuration under its key (a space key
// the Config decodes elsewhere, or ignores, fails here), and fits at the
// ends of the ranges.
func TestSpaces(t *testing.T) {
	sections := map[string]string{
		LogisticRegression: "{max_iter: 200, standardize: true}",
		DecisionTree:       "{min_impurity_decrease: 0.0}",
		RandomForest:       "{bootstrap: false}",
		SVM:                "{kernel: rbf, gamma: scale}",
		XGBoost:            "{base_score: 0.5}",
	}
	d := classifiertest.Blobs(rand.NewPCG(1, 2), 60, 4, 3)
	for _, name := range Names() {
		a, _ := Lookup(name)
		s := a.Space()
		if len(s) == 0 {
			t.Errorf("%s declares no search space", name)
			continue
		}
		for _, text := range []string{"", sections[name]} {
			t.Run(name+" "+text, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, 7))
				for i, p := range spacePoints(s, rng, 200) {
					spec, err := a.Configure(space.Overlay(section(t, text), p))
					if err != nil {
						t.Fatalf("point %v: %v", p, err)
					}
					for _, setting := range p {
						got := spec.Hyperparameters[setting.Key]
						want := setting.Value
						// The forest records a fraction of 1 (all features)
						// as null, the same setting.
						if name == RandomForest && setting.Key == "max_features" && want == 1.0 {
							want = nil
						}
						if got != want {
							t.Errorf("point %v: %s configured as %v (%T), want %v (%T)", p, setting.Key, got, got, want, want)
						}
					}
					if i >= 2*len(s) || text != "" {
						continue // fit only the ranges' ends, on the defaults
					}
					tr, err := spec.NewTrainer(1, uint64(i))
					if err != nil {
						t.Fatalf("point %v: %v", p, err)
					}
					if _, err := tr.Fit(t.Context(), d.X, d.Y, len(d.Classes)); err != nil {
						t.Errorf("point %v: fit: %v", p, err)
					}
				}
			})
		}
	}
}
