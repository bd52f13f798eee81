package tunerun_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/params/paramstest"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trainrun"
	"github.com/mlopsgo/mlops/training/internal/tracking/tunerun"
	"github.com/mlopsgo/mlops/training/internal/tune"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

var logger = slog.New(slog.DiscardHandler)

// irisParams writes a params file tuning two models on data/iris.csv with
// 3 x 1 outer folds and 4 trials in batches of 2: small enough to run
// the real tuning in a test.
func irisParams(t *testing.T) string {
	t.Helper()
	return paramstest.Iris(t, `cv: {folds: 3, repeats: 1}
seed: 7
models:
  logistic_regression: {}
  svm: {}
tune:
  trials: 4
  batch: 2
`)
}

// tuned runs the real tuning of irisParams once per test binary.
func tuned(t *testing.T) *tune.Result {
	t.Helper()
	tunedOnce.Do(func() {
		tunedRes, tunedErr = tune.Run(context.Background(), logger, tune.Options{ParamsPath: irisParams(t), Workers: 2})
	})
	if tunedErr != nil {
		t.Fatal(tunedErr)
	}
	return tunedRes
}

var (
	tunedOnce sync.Once
	tunedRes  *tune.Result
	tunedErr  error
)

func options(t *testing.T) tunerun.Options {
	t.Helper()
	return tunerun.Options{Options: trainrun.Options{
		Command: []string{"mlops", "tune"}, ParamsPath: irisParams(t), RunsDir: filepath.Join(t.TempDir(), "runs"),
		Git:    func(context.Context) *tracking.Git { return nil },
		Getenv: func(string) string { return "" },
	}}
}

func listRuns(t *testing.T, dir string) []*tracking.Run {
	t.Helper()
	runs, err := tracking.New(logger, tracking.Options{Dir: dir, Git: func(context.Context) *tracking.Git { return nil }}).List()
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

func TestRun(t *testing.T) {
	res := tuned(t)
	ok := func(context.Context) (*tune.Result, error) { return res, nil }
	tests := []struct {
		name string
		edit func(o *tunerun.Options)
		fn   func(context.Context) (*tune.Result, error)
		// wantStatus is the one recorded run's status; "" when none is.
		wantStatus  tracking.Status
		wantErr     string
		wantTune    bool
		wantApplied bool
		wantTrials  int
	}{
		{name: "finished", fn: ok, wantStatus: tracking.StatusFinished, wantTune: true, wantTrials: 4},
		{name: "finished with --apply", edit: func(o *tunerun.Options) { o.Apply = true }, fn: ok,
			wantStatus: tracking.StatusFinished, wantTune: true, wantApplied: true, wantTrials: 4},
		{name: "--trials and --time override the file", edit: func(o *tunerun.Options) { o.Trials, o.Time = 9, time.Minute }, fn: ok,
			wantStatus: tracking.StatusFinished, wantTune: true, wantTrials: 9},
		{name: "--time alone bounds the searches", edit: func(o *tunerun.Options) { o.Time = time.Minute }, fn: ok,
			wantStatus: tracking.StatusFinished, wantTune: true, wantTrials: 0},
		{name: "tuning failed", fn: func(context.Context) (*tune.Result, error) { return nil, errors.New("tune svm: no data") },
			wantStatus: tracking.StatusFailed, wantErr: "tune svm: no data"},
		{name: "--apply failed after the searches", edit: func(o *tunerun.Options) { o.Apply = true },
			fn: func(context.Context) (*tune.Result, error) {
				return res, errors.New("write params.yaml: read-only file system")
			},
			wantStatus: tracking.StatusFailed, wantErr: "read-only file system", wantTune: true, wantTrials: 4},
		{name: "runs off", edit: func(o *tunerun.Options) { o.RunsDir = trainrun.Off }, fn: ok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := options(t)
			runsDir := opts.RunsDir
			if tt.edit != nil {
				tt.edit(&opts)
			}
			got, err := tunerun.Run(t.Context(), logger, opts, tt.fn)
			if tt.wantErr == "" && (err != nil || got != res) {
				t.Fatalf("Run = %v, %v; want the tuning's result", got, err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Run error %v, want one containing %q", err, tt.wantErr)
			}
			runs := listRuns(t, runsDir)
			if tt.wantStatus == "" {
				if len(runs) != 0 {
					t.Fatalf("%d runs recorded, want none", len(runs))
				}
				return
			}
			if len(runs) != 1 {
				t.Fatalf("%d runs recorded, want 1", len(runs))
			}
			r := runs[0]
			if r.Kind != tracking.KindTune || r.Status != tt.wantStatus || r.End == nil || !strings.Contains(r.Error, tt.wantErr) {
				t.Fatalf("run %s: kind %q status %q error %q; want tune, %s, %q", r.ID, r.Kind, r.Status, r.Error, tt.wantStatus, tt.wantErr)
			}
			if strings.Join(r.Command, " ") != "mlops tune" || r.Params["seed"] != 7.0 {
				t.Errorf("command %q params %v: want the command line and the file's content", r.Command, r.Params)
			}
			if (r.Tune != nil) != tt.wantTune {
				t.Fatalf("tune section %v, want one: %v", r.Tune, tt.wantTune)
			}
			if !tt.wantTune {
				return
			}
			if r.Tune.Applied != tt.wantApplied || r.Tune.Trials != tt.wantTrials {
				t.Errorf("applied %v trials %d; want %v and %d", r.Tune.Applied, r.Tune.Trials, tt.wantApplied, tt.wantTrials)
			}
			if len(r.Models) != 0 {
				t.Errorf("a tune run records %d training models, want none", len(r.Models))
			}
		})
	}
}

// TestFill checks the record of a real tuning against its result: the
// data and outer CV, the settings, and for each model the estimates, the
// chosen point, the space, and every search with every trial.
func TestFill(t *testing.T) {
	res := tuned(t)
	opts := options(t)
	run := &tracking.Run{}
	tunerun.Fill(run, res, opts, true)

	if run.Kind != tracking.KindTune || run.Data == nil || run.Data.MD5 != "9f44d5c52de2354fb45e9dcfc0e90b16" || run.Data.Rows != 147 ||
		run.Data.TrainRows+run.Data.TestRows != 147 || run.Data.Label != "species" {
		t.Fatalf("kind %q data %+v; want tune on Iris (147 rows after duplicates)", run.Kind, run.Data)
	}
	if run.CV == nil || *run.CV != (tracking.CVSpec{Folds: 3, Repeats: 1}) {
		t.Errorf("cv %+v, want the outer 3 x 1", run.CV)
	}
	tu := run.Tune
	want := tracking.Tune{Sampler: "tpe", Trials: 4, Batch: 2, InnerFolds: 3, Pruning: true}
	if tu.Sampler != want.Sampler || tu.Trials != want.Trials || tu.Batch != want.Batch || tu.InnerFolds != want.InnerFolds ||
		tu.Pruning != want.Pruning || tu.Applied || tu.TimeBudgetSeconds != 0 {
		t.Errorf("settings %+v, want %+v (not applied: opts.Apply is false)", *tu, want)
	}
	if len(tu.Models) != len(res.Models) {
		t.Fatalf("%d models recorded, want %d", len(tu.Models), len(res.Models))
	}
	for i, m := range res.Models {
		tm := tu.Models[i]
		if tm.Name != m.Name || tm.Status != tracking.ModelTrained || tm.Nested.Mean != m.Nested.Mean || tm.DefaultCV.Mean != m.DefaultCV.Mean ||
			tm.InnerBest.Mean != m.InnerBest.Mean || len(tm.Nested.Values) != 3 || tm.ChosenInner != m.ChosenInner || tm.Pruned != m.Pruned {
			t.Errorf("model %d: %s %s nested %v default %v inner %v; want %s's estimates", i, tm.Name, tm.Status, tm.Nested, tm.DefaultCV, tm.InnerBest, m.Name)
		}
		if len(tm.Chosen) != len(m.Chosen) || len(tm.Space) != len(m.Space) {
			t.Errorf("%s: chosen %v space %v; want %v over %d dimensions", m.Name, tm.Chosen, tm.Space, m.Chosen, len(m.Space))
		}
		for _, s := range m.Chosen {
			if tm.Chosen[s.Key] != s.Value {
				t.Errorf("%s: chosen %s = %v, want %v", m.Name, s.Key, tm.Chosen[s.Key], s.Value)
			}
		}
		if len(tm.Searches) != 4 {
			t.Fatalf("%s: %d searches, want 3 outer and the final one", m.Name, len(tm.Searches))
		}
		pruned := 0
		for j, s := range tm.Searches {
			rs := m.Searches[j]
			final := j == 3
			if s.Fold != rs.Fold || (final != (s.Fold == -1)) || s.Rows != rs.Rows || s.Best != rs.Best || len(s.Trials) != len(rs.Trials) {
				t.Errorf("%s search %d: fold %d rows %d best %d trials %d; want %+v", m.Name, j, s.Fold, s.Rows, s.Best, len(s.Trials), rs)
			}
			if final != (s.Test == nil) || (!final && *s.Test != m.Nested.Values[j]) {
				t.Errorf("%s search %d (fold %d): test %v; want the outer fold's share of the nested estimate, none for the final search", m.Name, j, s.Fold, s.Test)
			}
			for k, tr := range s.Trials {
				rt := rs.Trials[k]
				if tr.Number != rt.Number || tr.State != string(rt.State) || len(tr.Scores) != len(rt.Scores) ||
					len(tr.Params) != len(rt.Point) || tr.DurationSeconds != rt.Duration.Seconds() {
					t.Errorf("%s search %d trial %d: %+v; want %+v", m.Name, j, k, tr, rt)
				}
				if tr.State == "pruned" {
					pruned++
				}
			}
		}
		if pruned != tm.Pruned {
			t.Errorf("%s: %d pruned trials in the searches, the model says %d", m.Name, pruned, tm.Pruned)
		}
	}
	// Survives run.json: encoded and parsed strictly.
	run.ID, run.Format, run.Status = "20261120-093000-a1b2c3", tracking.FormatVersion, tracking.StatusFinished
	data, err := tracking.Encode(run)
	if err != nil {
		t.Fatal(err)
	}
	back, err := tracking.Parse("run.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if back.Tune == nil || len(back.Tune.Models) != 2 || back.Tune.Models[1].Searches[3].Test != nil || back.Tune.Models[1].Searches[0].Test == nil {
		t.Fatalf("run.json round trip lost the tune section: %+v", back.Tune)
	}
}

func TestSpace(t *testing.T) {
	tests := []struct {
		name string
		dim  space.Dim
		want tracking.TuneDim
	}{
		{"log-uniform float", space.Float("C", 1e-4, 1e4, true), tracking.TuneDim{Name: "C", Type: "float", Low: 1e-4, High: 1e4, Log: true}},
		{"uniform float", space.Float("subsample", 0.5, 1, false), tracking.TuneDim{Name: "subsample", Type: "float", Low: 0.5, High: 1}},
		{"integer or no limit", space.Int("max_depth", 1, 20, false).OrUnlimited(),
			tracking.TuneDim{Name: "max_depth", Type: "int", Low: 1, High: 20, Step: 1, Unlimited: true}},
		{"integer grid", space.IntStep("n_estimators", 50, 500, 50), tracking.TuneDim{Name: "n_estimators", Type: "int", Low: 50, High: 500, Step: 50}},
		{"categorical", space.Categorical("kernel", "linear", "rbf"), tracking.TuneDim{Name: "kernel", Type: "categorical", Choices: []any{"linear", "rbf"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tunerun.Space(space.New(tt.dim))
			if len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("Space(%v) = %+v, want %+v", tt.dim, got, tt.want)
			}
		})
	}
}

// TestSpaceRoundTrip records every algorithm's search space and reads each
// dimension back: the same dimension, its condition included (the SVM's
// gamma only for the rbf kernel), so that a recorded run describes its
// space as the tuning did.
func TestSpaceRoundTrip(t *testing.T) {
	conditional := 0
	for _, name := range algorithm.Names() {
		a, _ := algorithm.Lookup(name)
		s := a.Space()
		for i, td := range tunerun.Space(s) {
			got := tunerun.Dim(td)
			if !reflect.DeepEqual(got, s[i]) {
				t.Errorf("%s %s: read back %+v, want %+v", name, s[i].Key, got, s[i])
			}
			if got.String() != s[i].String() {
				t.Errorf("%s %s: described %q, want %q", name, s[i].Key, got.String(), s[i].String())
			}
			if td.When != nil {
				conditional++
			}
		}
	}
	if conditional == 0 {
		t.Error("no recorded dimension kept a condition; the SVM's gamma has one")
	}
}
