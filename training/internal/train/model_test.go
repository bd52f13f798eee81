package train

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/metricsfile"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/model"
)

// errBroken is the error of brokenTrainer.
var errBroken = errors.New("broken on purpose")

// brokenTrainer fails on the random streams in fail (0 is the final fit,
// f+1 cross-validation fold f), as an error, a panic, or by blocking until
// its context is done; on the other streams it fits as next does.
type brokenTrainer struct {
	next   classifier.Trainer
	stream uint64
	fail   []uint64
	how    string // "error", "panic" or "block"
}

func (b *brokenTrainer) Fit(ctx context.Context, X [][]float64, y []int, classes int) (*classifier.Fitted, error) {
	if !slices.Contains(b.fail, b.stream) {
		return b.next.Fit(ctx, X, y, classes)
	}
	switch b.how {
	case "panic":
		panic("broken on purpose")
	case "block":
		<-ctx.Done()
		return nil, fmt.Errorf("broken: %w", ctx.Err())
	}
	return nil, errBroken
}

// warningTrainer adds a warning to every fit of next.
type warningTrainer struct{ next classifier.Trainer }

func (w warningTrainer) Fit(ctx context.Context, X [][]float64, y []int, classes int) (*classifier.Fitted, error) {
	fit, err := w.next.Fit(ctx, X, y, classes)
	if err == nil {
		fit.Warnings = append(fit.Warnings, "test: fit warned")
	}
	return fit, err
}

// testAlgorithms builds the models of a params file written by writeParams,
// with change applied to each.
func testAlgorithms(t *testing.T, paramsPath string, change func(*algorithm)) (*params.Params, []algorithm) {
	t.Helper()
	p, err := params.Load(paramsPath)
	if err != nil {
		t.Fatal(err)
	}
	algs, err := algorithms(p, p.Models.Enabled())
	if err != nil {
		t.Fatal(err)
	}
	for i := range algs {
		change(&algs[i])
	}
	return p, algs
}

// breakModel makes the model called name fail as how on the streams fail.
func breakModel(name, how string, fail ...uint64) func(*algorithm) {
	return func(a *algorithm) {
		if a.name != name {
			return
		}
		next := a.newTrainer
		a.newTrainer = func(seed, stream uint64) (classifier.Trainer, error) {
			tr, err := next(seed, stream)
			return &brokenTrainer{next: tr, stream: stream, fail: fail, how: how}, err
		}
	}
}

// TestModelFailureIsolation checks that a model that fails, in
// cross-validation or in its final fit, by error, panic or timeout, is
// marked so with its reason, and that the other model is still trained,
// chosen as champion and written, while the failed model's stale bundle
// from an earlier run is removed.
func TestModelFailureIsolation(t *testing.T) {
	tests := map[string]struct {
		change     func(*algorithm)
		wantStatus Status
		wantReason string
	}{
		"error in one fold":  {change: breakModel("logistic_regression", "error", 3), wantStatus: StatusFailed, wantReason: "cross-validate logistic_regression (repeat 0, fold 2): broken on purpose"},
		"error in final fit": {change: breakModel("logistic_regression", "error", 0), wantStatus: StatusFailed, wantReason: "fit logistic_regression: broken on purpose"},
		"panic":              {change: breakModel("logistic_regression", "panic", 5), wantStatus: StatusFailed, wantReason: "panic: broken on purpose"},
		"timeout": {
			change: func(a *algorithm) {
				breakModel("logistic_regression", "block", 0)(a)
				if a.name == "logistic_regression" {
					a.timeout = 1 // 1ns: the deadline passes before the blocked fit can return
				}
			},
			wantStatus: StatusTimedOut, wantReason: "logistic_regression: timed out after 1ns",
		},
		// The real solver checks its context: with the deadline already
		// past when the model starts, its first fit stops at once.
		"timeout of the real solver": {
			change: func(a *algorithm) {
				if a.name == "logistic_regression" {
					a.timeout = 1
				}
			},
			wantStatus: StatusTimedOut, wantReason: "logistic_regression: timed out after 1ns",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, algs := testAlgorithms(t, writeParams(t, bothModels), tc.change)
			res, err := fitAlgorithms(t.Context(), discard(), Options{Workers: 2}, p, algs)
			if err != nil {
				t.Fatalf("fit: %v, want the failure confined to one model", err)
			}
			if len(res.Models) != 2 {
				t.Fatalf("got %d models, want 2", len(res.Models))
			}
			lr, dt := res.Models[0], res.Models[1]
			if lr.Status != tc.wantStatus || lr.Err == nil || !strings.Contains(lr.Err.Error(), tc.wantReason) {
				t.Errorf("logistic_regression: got status %q, error %v; want %q, an error containing %q", lr.Status, lr.Err, tc.wantStatus, tc.wantReason)
			}
			if tc.wantStatus == StatusTimedOut && !errors.Is(lr.Err, context.DeadlineExceeded) {
				t.Errorf("timed-out error %v does not wrap context.DeadlineExceeded", lr.Err)
			}
			if dt.Status != StatusTrained || dt.Bundle == nil || res.Champion != "decision_tree" {
				t.Fatalf("decision_tree: status %q, bundle %v, champion %q; want it trained and champion", dt.Status, dt.Bundle != nil, res.Champion)
			}

			dir := t.TempDir()
			modelsDir := filepath.Join(dir, "models")
			if err := os.MkdirAll(modelsDir, 0o755); err != nil {
				t.Fatal(err)
			}
			stale := filepath.Join(modelsDir, "logistic_regression.json")
			if err := os.WriteFile(stale, []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
			metricsPath := filepath.Join(dir, "metrics.json")
			if err := Write(res, modelsDir, metricsPath, filepath.Join(dir, "cv.csv")); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the failed model's stale bundle is still there (stat: %v)", err)
			}
			set, err := model.LoadDir(modelsDir)
			if err != nil {
				t.Fatalf("the models directory does not load: %v", err)
			}
			if set.Index.Champion != "decision_tree" || len(set.Bundles) != 1 {
				t.Errorf("index: champion %q and %d bundles, want decision_tree alone", set.Index.Champion, len(set.Bundles))
			}
			m, err := metricsfile.Load(metricsPath)
			if err != nil {
				t.Fatal(err)
			}
			got := m.Models["logistic_regression"]
			if got.Status != string(tc.wantStatus) || !strings.Contains(got.Error, tc.wantReason) || strings.Contains(got.Error, "\n") {
				t.Errorf("metrics.json logistic_regression: status %q error %q, want %q and a one-line reason containing %q", got.Status, got.Error, tc.wantStatus, tc.wantReason)
			}
			if s := m.Models["decision_tree"].Status; s != string(StatusTrained) {
				t.Errorf("metrics.json decision_tree: status %q, want trained", s)
			}
		})
	}
}

// TestAllModelsFail checks that a run where every model fails is an error
// wrapping ErrAllFailed, with each model's reason still in the Result.
func TestAllModelsFail(t *testing.T) {
	p, algs := testAlgorithms(t, writeParams(t, bothModels), func(a *algorithm) { breakModel(a.name, "error", 0)(a) })
	res, err := fitAlgorithms(t.Context(), discard(), Options{}, p, algs)
	if !errors.Is(err, ErrAllFailed) {
		t.Fatalf("got error %v, want ErrAllFailed", err)
	}
	if res == nil || len(res.Failures()) != 2 || res.Champion != "" {
		t.Fatalf("got result %+v, want both models failed and no champion", res)
	}
}

// TestWarningsAreCollected checks that the final fit's warnings are kept as
// they are and the folds' summed up in one line.
func TestWarningsAreCollected(t *testing.T) {
	p, algs := testAlgorithms(t, writeParams(t, "  decision_tree: {}\n"), func(a *algorithm) {
		next := a.newTrainer
		a.newTrainer = func(seed, stream uint64) (classifier.Trainer, error) {
			tr, err := next(seed, stream)
			return warningTrainer{tr}, err
		}
	})
	res, err := fitAlgorithms(t.Context(), discard(), Options{}, p, algs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"test: fit warned",
		"cross-validation: 10 of 10 fits warned; the first (repeat 0, fold 0): test: fit warned",
	}
	if got := res.Models[0].Warnings; !slices.Equal(got, want) {
		t.Errorf("warnings:\ngot  %q\nwant %q", got, want)
	}
	if got := res.Metrics.Models["decision_tree"].Warnings; !slices.Equal(got, want) {
		t.Errorf("metrics.json warnings: got %q, want %q", got, want)
	}
}
