// Package trackingtest provides fixture runs and golden-file checks for the
// tests of the run store, its commands, the exporters and the report.
package trackingtest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

var regen = flag.Bool("regen", false, "rewrite the golden files in testdata/ with the current output")

// Golden compares got with testdata/<name>, or rewrites the file when the
// test runs with -regen. Review the diff of a regenerated file before
// committing it.
func Golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *regen {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run the test with -regen to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -regen to accept it, then review the diff)\n--- got:\n%s\n--- want:\n%s", path, clip(got), clip(want))
	}
}

func clip(b []byte) []byte {
	if len(b) > 4000 {
		return append(b[:4000:4000], "\n..."...)
	}
	return b
}

// T0 is the start time of the first fixture run.
var T0 = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

// Classes and Features of the fixture runs (Iris).
var (
	Classes  = []string{"Iris-setosa", "Iris-versicolor", "Iris-virginica"}
	Features = []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
)

// Runs returns three fixture runs, oldest first: two finished runs that
// differ in a hyper-parameter and in their scores, and one failed run.
// Values are made up but shaped like real Iris runs.
func Runs() []*tracking.Run {
	end1 := T0.Add(4*time.Second + 250*time.Millisecond)
	r1 := &tracking.Run{
		Format: tracking.FormatVersion, ID: "20261120-093000-a1b2c3", Status: tracking.StatusFinished,
		Start: T0, End: &end1, Command: []string{"mlops", "train"},
		Process:    tracking.Process{Host: "builder", PID: 4242},
		Git:        &tracking.Git{Commit: "0123456789abcdef0123456789abcdef01234567", Branch: "main"},
		ParamsFile: "params.yaml", Params: params(1.0, 3),
		Data:     data(),
		CV:       &tracking.CVSpec{Folds: 5, Repeats: 2},
		Champion: "logistic_regression",
		Models: []tracking.Model{
			lr([]float64{1, 1, 0.9667, 0.9333, 1, 0.9667, 1, 0.9333, 0.9667, 1}, [][]int{{10, 0, 0}, {0, 9, 1}, {0, 0, 10}}),
			dt([]float64{0.9333, 0.9667, 0.9, 0.9667, 0.9333, 1, 0.9, 0.9667, 0.9333, 0.9667}, [][]int{{10, 0, 0}, {0, 8, 2}, {0, 1, 9}}),
		},
	}
	start2 := T0.Add(26 * time.Hour)
	end2 := start2.Add(3*time.Second + 500*time.Millisecond)
	r2 := &tracking.Run{
		Format: tracking.FormatVersion, ID: "20261121-113000-d4e5f6", Status: tracking.StatusFinished,
		Start: start2, End: &end2, Command: []string{"mlops", "train"},
		Process:    tracking.Process{Host: "builder", PID: 4343},
		Git:        &tracking.Git{Commit: "89abcdef0123456789abcdef0123456789abcdef", Branch: "main", Dirty: true},
		ParamsFile: "params.yaml", Params: params(0.5, 4),
		Data:     data(),
		CV:       &tracking.CVSpec{Folds: 5, Repeats: 2},
		Champion: "logistic_regression",
		Models: []tracking.Model{
			lr([]float64{1, 0.9667, 0.9667, 0.9333, 1, 0.9333, 1, 0.9333, 0.9667, 0.9667}, [][]int{{10, 0, 0}, {0, 9, 1}, {0, 1, 9}}),
			dt([]float64{0.9667, 0.9667, 0.9333, 0.9667, 0.9667, 1, 0.9333, 0.9667, 0.9333, 0.9667}, [][]int{{10, 0, 0}, {0, 9, 1}, {0, 1, 9}}),
		},
	}
	r2.Models[0].Test.Accuracy, r2.Models[0].CV.Mean = 0.9333, 0.9633
	r2.Models[1].Test.Accuracy, r2.Models[1].CV.Mean = 0.9333, 0.9600
	start3 := T0.Add(27 * time.Hour)
	end3 := start3.Add(200 * time.Millisecond)
	r3 := &tracking.Run{
		Format: tracking.FormatVersion, ID: "20261121-123000-0f0f0f", Status: tracking.StatusFailed,
		Error: "params.yaml: invalid parameters: cv.folds is 1; it must be at least 2",
		Start: start3, End: &end3, Command: []string{"mlops", "train"},
		Process:    tracking.Process{Host: "builder", PID: 4444},
		Git:        &tracking.Git{Commit: "89abcdef0123456789abcdef0123456789abcdef", Branch: "main", Dirty: true},
		ParamsFile: "params.yaml", Params: map[string]any{"cv": map[string]any{"folds": 1}},
	}
	return []*tracking.Run{r1, r2, r3}
}

func params(c float64, depth int) map[string]any {
	return map[string]any{
		"data": map[string]any{"name": "iris", "path": "data/iris.csv", "label": "species"},
		"cv":   map[string]any{"folds": 5, "repeats": 2},
		"seed": 42,
		"models": map[string]any{
			"logistic_regression": map[string]any{"C": c, "max_iter": 100},
			"decision_tree":       map[string]any{"criterion": "gini", "max_depth": depth},
		},
	}
}

func data() *tracking.Data {
	return &tracking.Data{
		Path: "data/iris.csv", MD5: "9f44d5c52de2354fb45e9dcfc0e90b16", Label: "species",
		Rows: 147, Duplicates: 3, TrainRows: 117, TestRows: 30, Classes: Classes, Features: Features,
	}
}

func lr(cv []float64, cm [][]int) tracking.Model {
	m := model("logistic_regression", "logistic_regression", cv, cm)
	m.History = []float64{1.0986, 0.7421, 0.5012, 0.3550, 0.2611, 0.1987, 0.1604, 0.1402, 0.1311, 0.1289}
	m.Iterations, m.Converged = len(m.History), true
	m.Test.LogLoss = 0.1111
	return m
}

func dt(cv []float64, cm [][]int) tracking.Model {
	m := model("decision_tree", "decision_tree", cv, cm)
	m.Test.LogLoss = 1.2015
	return m
}

func model(name, alg string, cv []float64, cm [][]int) tracking.Model {
	n, correct := 0, 0
	for i, row := range cm {
		for j, v := range row {
			n += v
			if i == j {
				correct += v
			}
		}
	}
	acc := float64(correct) / float64(n)
	mean, ss := 0.0, 0.0
	for _, v := range cv {
		mean += v
	}
	mean /= float64(len(cv))
	for _, v := range cv {
		ss += (v - mean) * (v - mean)
	}
	std := 0.0
	if ss > 0 {
		std = math.Sqrt(ss / float64(len(cv)))
	}
	return tracking.Model{
		Name: name, Algorithm: alg,
		Test: tracking.Test{
			Accuracy: acc, PrecisionWeighted: acc, RecallWeighted: acc, F1Weighted: acc,
			PrecisionMacro: acc, RecallMacro: acc, F1Macro: acc,
			Support: []int{10, 10, 10}, Confusion: cm,
		},
		CV:              tracking.CV{Metric: "accuracy", Mean: mean, Std: std, Values: cv},
		DurationSeconds: 0.5,
		Artifact:        tracking.Artifact{Path: "models/" + name + ".json", SHA256: "5f3c9e1d7a2b4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e"},
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Store returns a store in a temporary directory holding runs, with a
// fixed host and an Alive that says every process is gone.
func Store(t *testing.T, runs ...*tracking.Run) *tracking.Store {
	t.Helper()
	s := tracking.New(discard(), tracking.Options{
		Dir: filepath.Join(t.TempDir(), "runs"), Host: "builder", PID: 1,
		Now:   func() time.Time { return T0.Add(48 * time.Hour) },
		Alive: func(tracking.Process) bool { return false },
		Git:   func(_ context.Context) *tracking.Git { return nil },
	})
	for _, r := range runs {
		if err := os.MkdirAll(filepath.Join(s.Dir(), r.ID), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := s.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// ClosedPipe is a writer that takes the first After bytes, then fails with
// io.ErrClosedPipe, as standard output does once the reader of a pipe has
// gone (`mlops runs list | head -1`).
type ClosedPipe struct {
	After int
	n     int
}

func (w *ClosedPipe) Write(p []byte) (int, error) {
	if w.n+len(p) <= w.After {
		w.n += len(p)
		return len(p), nil
	}
	k := max(0, w.After-w.n)
	w.n += k
	return k, io.ErrClosedPipe
}

// CheckClosedPipe asserts that write, rendering some output to its
// writer, returns io.ErrClosedPipe when the reader goes away before the
// first byte, half-way, or just before the last byte: no write error is
// dropped, the last one included.
func CheckClosedPipe(t *testing.T, write func(io.Writer) error) {
	t.Helper()
	var full bytes.Buffer
	if err := write(&full); err != nil {
		t.Fatal(err)
	}
	for _, after := range []int{0, full.Len() / 2, full.Len() - 1} {
		if err := write(&ClosedPipe{After: after}); !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("pipe closed after %d of %d bytes: error %v, want io.ErrClosedPipe", after, full.Len(), err)
		}
	}
}
