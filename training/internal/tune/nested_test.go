package tune

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/progress"
	"github.com/mlopsgo/mlops/training/internal/tune/sampler"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// testPlan lays out a tuning run over rows labelled y: 4 outer folds, the
// first 3/4 of the rows as the final search's, 3 inner folds, 12 trials in
// batches of 4.
func testPlan(t *testing.T, y []int, classes int, prune bool, workers int) plan {
	t.Helper()
	outer, err := dataset.RepeatedStratifiedKFold(y, classes, 4, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	pl := plan{
		final: outer[0].Train,
		innerFolds: func(rows []int) ([]fold, error) {
			return innerFolds(y, classes, rows, 3, 7)
		},
		seed:       7,
		newSampler: func(s space.Space, src rand.Source) sampler.Sampler { return sampler.NewTPE(s, src) },
		opts: searchOptions{trials: 12, batch: 4, prune: prune, workers: workers,
			bar: progress.New(nil, "", 0)},
	}
	for _, f := range outer {
		pl.outer = append(pl.outer, fold{Train: f.Train, Test: f.Test})
	}
	return pl
}

func labels(n, classes int) []int {
	y := make([]int, n)
	for i := range y {
		y[i] = i % classes
	}
	return y
}

// fakeScore scores a point without data: best at C = 10, as a real model
// would peak somewhere in its range, plus a little of the rows so that
// folds differ. Its log loss falls as the accuracy rises.
func fakeScore(c fitCall) fitScore {
	v := 0.9
	if c.Point != nil {
		v = 1 - math.Abs(math.Log10(c.Point[0].Value.(float64))-1)/10
	}
	v -= float64(len(c.Test)%3) / 1000
	return fitScore{Accuracy: v, LogLoss: 1 - v}
}

var testModel = Model{Name: "fake", Space: space.New(space.Float("C", 1e-4, 1e4, true))}

// TestOuterTestFoldNeverSearched records every row each search fits or
// scores on: the search of an outer fold must see exactly that fold's
// training part, never a row of its test fold, and the final search
// exactly the training split. Only the nested estimate's outer fits, made
// outside any search, score the test folds.
func TestOuterTestFoldNeverSearched(t *testing.T) {
	y := labels(60, 3)
	pl := testPlan(t, y, 3, true, 2)
	var mu sync.Mutex
	seen := map[int]map[int]bool{}
	scoredOuter := map[int]bool{}
	fs := func(_ context.Context, c fitCall) (fitScore, error) {
		mu.Lock()
		defer mu.Unlock()
		if seen[c.Study] == nil {
			seen[c.Study] = map[int]bool{}
		}
		for _, r := range slices.Concat(c.Train, c.Test) {
			seen[c.Study][r] = true
		}
		if c.Study == -1 {
			for _, r := range c.Test {
				scoredOuter[r] = true
			}
		}
		return fakeScore(c), nil
	}
	if _, err := tuneModel(t.Context(), testModel, fs, pl); err != nil {
		t.Fatal(err)
	}
	for f, o := range pl.outer {
		for _, r := range o.Test {
			if seen[f][r] {
				t.Errorf("the search of outer fold %d used row %d of its test fold", f, r)
			}
		}
		if got, want := len(seen[f]), len(o.Train); got != want {
			t.Errorf("the search of outer fold %d used %d rows, want its %d training rows", f, got, want)
		}
	}
	final := len(pl.outer)
	for r := range seen[final] {
		if !slices.Contains(pl.final, r) {
			t.Errorf("the final search used row %d outside the training split", r)
		}
	}
	if len(scoredOuter) != len(y) {
		t.Errorf("the outer fits scored %d rows, want every row once per repeat (%d)", len(scoredOuter), len(y))
	}
}

// TestWorkersDoNotChangeResults runs the same tuning on 1 and 4 workers,
// with pruning, and requires identical results.
func TestWorkersDoNotChangeResults(t *testing.T) {
	y := labels(60, 3)
	fs := func(_ context.Context, c fitCall) (fitScore, error) { return fakeScore(c), nil }
	var results []*ModelResult
	for _, workers := range []int{1, 4} {
		r, err := tuneModel(t.Context(), testModel, fs, testPlan(t, y, 3, true, workers))
		if err != nil {
			t.Fatal(err)
		}
		zeroDurations(r)
		results = append(results, r)
	}
	a, b := results[0], results[1]
	if a.Chosen.String() != b.Chosen.String() || a.Nested.Mean != b.Nested.Mean || a.Pruned != b.Pruned ||
		!slices.EqualFunc(a.Outer, b.Outer, func(p, q space.Point) bool { return slices.Equal(p, q) }) ||
		!reflect.DeepEqual(a.Searches, b.Searches) {
		t.Errorf("1 worker: %+v\n4 workers: %+v", a, b)
	}
}

// TestPruning checks successive halving: with pruning some trials stop
// after fewer inner folds and the best point is still found among the
// complete ones; without it every trial runs every fold.
func TestPruning(t *testing.T) {
	y := labels(60, 3)
	var fits [2]int
	for i, prune := range []bool{false, true} {
		var mu sync.Mutex
		fs := func(_ context.Context, c fitCall) (fitScore, error) {
			mu.Lock()
			fits[i]++
			mu.Unlock()
			return fakeScore(c), nil
		}
		r, err := tuneModel(t.Context(), testModel, fs, testPlan(t, y, 3, prune, 2))
		if err != nil {
			t.Fatal(err)
		}
		if prune != (r.Pruned > 0) {
			t.Errorf("prune %v: %d trials pruned", prune, r.Pruned)
		}
		if c := r.Chosen[0].Value.(float64); math.Abs(math.Log10(c)-1) > 1.5 {
			t.Errorf("prune %v: chose C = %v, far from the best 10", prune, c)
		}
	}
	if fits[1] >= fits[0] {
		t.Errorf("%d fits with pruning, %d without: pruning saved nothing", fits[1], fits[0])
	}
}

func TestStudyPrune(t *testing.T) {
	mk := func(scores ...float64) *trial { return &trial{scores: scores} }
	tests := []struct {
		name       string
		earlier    []*trial
		batch      []*trial
		wantPruned []bool
	}{
		// 6 reached the rung: the best 6/3 = 2 go on.
		{"top third", nil, []*trial{mk(0.9), mk(0.5), mk(0.8), mk(0.7), mk(0.6), mk(0.4)}, []bool{false, true, false, true, true, true}},
		{"ties go on", nil, []*trial{mk(0.9), mk(0.9), mk(0.9), mk(0.1)}, []bool{false, false, false, true}},
		// Earlier batches' trials compete too: none of this batch is in the
		// top 3 of 9.
		{"earlier batches", []*trial{mk(1), mk(1), mk(1), mk(0.2, 0.2)}, []*trial{mk(0.5), mk(0.4), mk(0.3), mk(0.2), mk(0.1)}, []bool{true, true, true, true, true}},
		{"fewer than the factor", nil, []*trial{mk(0.5), mk(0.6)}, []bool{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &study{trials: slices.Concat(tt.earlier, tt.batch)}
			s.prune(tt.batch, 0)
			for i, tr := range tt.batch {
				if tr.pruned != tt.wantPruned[i] {
					t.Errorf("trial %d (score %v): pruned %v, want %v", i, tr.scores, tr.pruned, tt.wantPruned[i])
				}
			}
		})
	}
}

// TestInfeasiblePoints tunes a model that rejects every C above 100, as the
// SVM rejects kernel rbf where params.yaml says standardize: true: the run
// must finish, choosing a feasible point, and a model with no feasible
// point must fail saying so.
func TestInfeasiblePoints(t *testing.T) {
	y := labels(60, 3)
	rejectAbove := func(limit float64) fitScorer {
		return func(_ context.Context, c fitCall) (fitScore, error) {
			if c.Point != nil && c.Point[0].Value.(float64) > limit {
				return fitScore{}, fmt.Errorf("tune fake: the point %v: %w: C above %v", c.Point, errInfeasible, limit)
			}
			return fakeScore(c), nil
		}
	}
	r, err := tuneModel(t.Context(), testModel, rejectAbove(100), testPlan(t, y, 3, true, 2))
	if err != nil {
		t.Fatalf("tune with infeasible points: %v", err)
	}
	if c := r.Chosen[0].Value.(float64); c > 100 {
		t.Errorf("chose C = %v, an infeasible point", c)
	}
	for f, p := range r.Outer {
		if c := p[0].Value.(float64); c > 100 {
			t.Errorf("outer fold %d chose C = %v, an infeasible point", f, c)
		}
	}
	_, err = tuneModel(t.Context(), testModel, rejectAbove(-1), testPlan(t, y, 3, true, 2))
	if err == nil || !strings.Contains(err.Error(), "every trial") {
		t.Errorf("no feasible point: got %v, want an error saying every trial was rejected", err)
	}
}
