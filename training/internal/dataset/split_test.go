package dataset

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

// labels returns counts[c] labels of class c for each c, interleaved so
// that classes are not in blocks.
func labels(counts ...int) []int {
	var y []int
	left := slices.Clone(counts)
	for more := true; more; {
		more = false
		for c := range left {
			if left[c] > 0 {
				y = append(y, c)
				left[c]--
				more = true
			}
		}
	}
	return y
}

func TestStratifiedSplit(t *testing.T) {
	tests := map[string]struct {
		counts    []int
		testSize  float64
		wantTest  []int // per-class test counts
		wantTrain []int // per-class train counts
	}{
		// Iris after de-duplication: n_test = ceil(0.2*147) = 30,
		// n_train = 117. Train shares 117*[48,50,49]/147 =
		// [38.20, 39.80, 39.00]: floors [38, 39, 39] sum 116, the one left
		// goes to the largest remainder (class 1). The remaining
		// [10, 10, 10] are exactly the test counts. scikit-learn 1.2.1's
		// StratifiedShuffleSplit agrees, as it does on the skewed and
		// minimal cases.
		"iris":     {counts: []int{48, 50, 49}, testSize: 0.2, wantTrain: []int{38, 40, 39}, wantTest: []int{10, 10, 10}},
		"balanced": {counts: []int{10, 10}, testSize: 0.25, wantTrain: []int{7, 8}, wantTest: []int{3, 2}},
		"skewed":   {counts: []int{90, 10}, testSize: 0.1, wantTrain: []int{81, 9}, wantTest: []int{9, 1}},
		"minimal":  {counts: []int{2, 2}, testSize: 0.5, wantTrain: []int{1, 1}, wantTest: []int{1, 1}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			y := labels(tt.counts...)
			train, test, err := StratifiedSplit(y, len(tt.counts), tt.testSize, 1)
			if err != nil {
				t.Fatalf("StratifiedSplit: %v", err)
			}
			checkPartition(t, len(y), train, test)
			gotTrain, gotTest := countClasses(y, train, len(tt.counts)), countClasses(y, test, len(tt.counts))
			// A tie in remainders is broken at random, so only check the
			// per-class counts when the expected ones are tie-free.
			if name != "balanced" {
				if !reflect.DeepEqual(gotTrain, tt.wantTrain) || !reflect.DeepEqual(gotTest, tt.wantTest) {
					t.Errorf("per-class counts: train %v, test %v; want %v, %v", gotTrain, gotTest, tt.wantTrain, tt.wantTest)
				}
			}
			if len(test) != sum(tt.wantTest) {
				t.Errorf("len(test) = %d, want %d", len(test), sum(tt.wantTest))
			}

			train2, test2, _ := StratifiedSplit(y, len(tt.counts), tt.testSize, 1)
			if !slices.Equal(train, train2) || !slices.Equal(test, test2) {
				t.Errorf("same seed gave a different split")
			}
		})
	}

	y := labels(48, 50, 49)
	_, a, _ := StratifiedSplit(y, 3, 0.2, 1)
	_, b, _ := StratifiedSplit(y, 3, 0.2, 2)
	if slices.Equal(a, b) {
		t.Errorf("seeds 1 and 2 gave the same test set %v", a)
	}
}

func TestStratifiedSplitErrors(t *testing.T) {
	tests := map[string]struct {
		y        []int
		testSize float64
		wantErr  error
	}{
		"test size 0":               {y: labels(5, 5), testSize: 0, wantErr: ErrInvalidSplit},
		"test size 1":               {y: labels(5, 5), testSize: 1, wantErr: ErrInvalidSplit},
		"negative test size":        {y: labels(5, 5), testSize: -0.1, wantErr: ErrInvalidSplit},
		"no rows":                   {y: nil, testSize: 0.5, wantErr: ErrInvalidSplit},
		"test smaller than classes": {y: labels(10, 10, 10), testSize: 0.05, wantErr: ErrInvalidSplit},
		"train empty":               {y: labels(2, 2), testSize: 0.9, wantErr: ErrInvalidSplit},
		"singleton class":           {y: labels(5, 1), testSize: 0.5, wantErr: ErrClassTooSmall},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := StratifiedSplit(tt.y, 3, tt.testSize, 1)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestRepeatedStratifiedKFold(t *testing.T) {
	tests := map[string]struct {
		counts  []int
		folds   int
		repeats int
		// perFold[f] is the per-class count of test fold f, from
		// scikit-learn 1.2.1's RepeatedStratifiedKFold on the same labels
		// (the allocation does not depend on the random state).
		perFold [][]int
	}{
		"iris 5x3": {counts: []int{48, 50, 49}, folds: 5, repeats: 3,
			perFold: [][]int{{10, 10, 10}, {10, 10, 10}, {10, 10, 9}, {9, 10, 10}, {9, 10, 10}}},
		"uneven 3x2": {counts: []int{7, 3, 11}, folds: 3, repeats: 2,
			perFold: [][]int{{3, 1, 3}, {2, 1, 4}, {2, 1, 4}}},
		"exact 2x1":   {counts: []int{2, 2}, folds: 2, repeats: 1, perFold: [][]int{{1, 1}, {1, 1}}},
		"empty class": {counts: []int{6, 0, 6}, folds: 3, repeats: 2},
		"many folds 10": {counts: []int{10, 25}, folds: 10, repeats: 1,
			perFold: [][]int{{1, 3}, {1, 3}, {1, 3}, {1, 3}, {1, 3}, {1, 2}, {1, 2}, {1, 2}, {1, 2}, {1, 2}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			y := labels(tt.counts...)
			k := len(tt.counts)
			folds, err := RepeatedStratifiedKFold(y, k, tt.folds, tt.repeats, 7)
			if err != nil {
				t.Fatalf("RepeatedStratifiedKFold: %v", err)
			}
			if len(folds) != tt.folds*tt.repeats {
				t.Fatalf("got %d folds, want %d", len(folds), tt.folds*tt.repeats)
			}
			for r := range tt.repeats {
				inTest := make([]int, len(y))
				minC, maxC := make([]int, k), make([]int, k)
				for c := range k {
					minC[c] = len(y)
				}
				minSize, maxSize := len(y), 0
				for f := range tt.folds {
					fold := folds[r*tt.folds+f]
					if fold.Repeat != r || fold.Fold != f {
						t.Errorf("folds[%d] is repeat %d fold %d, want %d %d", r*tt.folds+f, fold.Repeat, fold.Fold, r, f)
					}
					if !slices.IsSorted(fold.Train) || !slices.IsSorted(fold.Test) {
						t.Errorf("repeat %d fold %d: indices not sorted", r, f)
					}
					checkPartition(t, len(y), fold.Train, fold.Test)
					for _, i := range fold.Test {
						inTest[i]++
					}
					perClass := countClasses(y, fold.Test, k)
					if tt.perFold != nil && !slices.Equal(perClass, tt.perFold[f]) {
						t.Errorf("repeat %d fold %d: per-class test counts %v, want %v", r, f, perClass, tt.perFold[f])
					}
					for c, n := range perClass {
						minC[c], maxC[c] = min(minC[c], n), max(maxC[c], n)
					}
					minSize, maxSize = min(minSize, len(fold.Test)), max(maxSize, len(fold.Test))
				}
				for i, n := range inTest {
					if n != 1 {
						t.Errorf("repeat %d: row %d is in %d test folds, want 1", r, i, n)
					}
				}
				for c := range k {
					if maxC[c]-minC[c] > 1 {
						t.Errorf("repeat %d: class %d test counts range from %d to %d", r, c, minC[c], maxC[c])
					}
				}
				if maxSize-minSize > 1 {
					t.Errorf("repeat %d: test fold sizes range from %d to %d", r, minSize, maxSize)
				}
			}

			again, _ := RepeatedStratifiedKFold(y, k, tt.folds, tt.repeats, 7)
			if !reflect.DeepEqual(folds, again) {
				t.Errorf("same seed gave different folds")
			}
			other, _ := RepeatedStratifiedKFold(y, k, tt.folds, tt.repeats, 8)
			if name != "exact 2x1" && reflect.DeepEqual(folds, other) {
				t.Errorf("seeds 7 and 8 gave the same folds")
			}
		})
	}
}

func TestRepeatedStratifiedKFoldRepeatsDiffer(t *testing.T) {
	folds, err := RepeatedStratifiedKFold(labels(48, 50, 49), 3, 5, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(folds[0].Test, folds[5].Test) {
		t.Errorf("repeats 0 and 1 have the same first test fold")
	}
}

func TestRepeatedStratifiedKFoldErrors(t *testing.T) {
	tests := map[string]struct {
		y       []int
		folds   int
		repeats int
		wantErr error
	}{
		"one fold":        {y: labels(5, 5), folds: 1, repeats: 1, wantErr: ErrInvalidSplit},
		"no repeats":      {y: labels(5, 5), folds: 2, repeats: 0, wantErr: ErrInvalidSplit},
		"no rows":         {y: nil, folds: 2, repeats: 1, wantErr: ErrInvalidSplit},
		"class too small": {y: labels(5, 4), folds: 5, repeats: 1, wantErr: ErrClassTooSmall},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := RepeatedStratifiedKFold(tt.y, 2, tt.folds, tt.repeats, 1)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
		})
	}
	_, err := RepeatedStratifiedKFold(labels(5, 4), 2, 5, 1, 1)
	if want := "dataset: class too small to stratify: class 1 has 4 members, need at least 5 for 5 folds"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

// checkPartition asserts that train and test are disjoint and together
// hold each of 0..n-1 exactly once.
func checkPartition(t *testing.T, n int, train, test []int) {
	t.Helper()
	seen := make([]int, n)
	for _, i := range train {
		seen[i]++
	}
	for _, i := range test {
		if seen[i] > 0 {
			t.Errorf("row %d is in both train and test", i)
		}
		seen[i]++
	}
	for i, c := range seen {
		if c != 1 {
			t.Errorf("row %d appears %d times in train and test, want 1", i, c)
		}
	}
}

func countClasses(y, idx []int, classes int) []int {
	counts := make([]int, classes)
	for _, i := range idx {
		counts[y[i]]++
	}
	return counts
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}
