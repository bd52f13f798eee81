package trainrun_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trainrun"
	"github.com/mlopsgo/mlops/training/internal/train"
)

func store(t *testing.T) *tracking.Store {
	t.Helper()
	return tracking.New(slog.New(slog.DiscardHandler), tracking.Options{Dir: filepath.Join(t.TempDir(), "runs"), Git: func(context.Context) *tracking.Git { return nil }})
}

func params(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "params.yaml")
	if err := os.WriteFile(p, []byte("seed: 7\nmodels:\n  logistic_regression: {C: 0.5}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRecord(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	tests := []struct {
		name       string
		fn         func(context.Context) (*train.Result, error)
		wantStatus tracking.Status
		wantErr    string
	}{
		{"finished", func(context.Context) (*train.Result, error) {
			return &train.Result{Champion: "m", Models: []train.ModelResult{{Name: "m"}}}, nil
		}, tracking.StatusFinished, ""},
		{"failed", func(context.Context) (*train.Result, error) { return nil, errors.New("no data") }, tracking.StatusFailed, "no data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := store(t)
			_, run, err := trainrun.Record(t.Context(), logger, s, trainrun.Options{ParamsPath: params(t), ModelsDir: "models"}, tt.fn)
			if (err == nil) != (tt.wantErr == "") {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			got, gerr := s.Get(run.ID)
			if gerr != nil {
				t.Fatal(gerr)
			}
			if got.Status != tt.wantStatus || got.Error != tt.wantErr || got.End == nil {
				t.Fatalf("run %s: status %q error %q; want %q %q with an end", got.ID, got.Status, got.Error, tt.wantStatus, tt.wantErr)
			}
			if got.Params["seed"] != 7.0 && got.Params["seed"] != float64(7) {
				t.Errorf("params %v: want the file's content", got.Params)
			}
		})
	}
}

// A panic in training is recorded as a failed run, then re-raised.
func TestRecordPanic(t *testing.T) {
	s := store(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic was swallowed")
			}
		}()
		trainrun.Record(t.Context(), slog.New(slog.DiscardHandler), s, trainrun.Options{}, func(context.Context) (*train.Result, error) {
			panic("index out of range")
		})
	}()
	runs, err := s.List()
	if err != nil || len(runs) != 1 || runs[0].Status != tracking.StatusFailed || runs[0].Error != "panic: index out of range" {
		t.Fatalf("runs %+v, %v; want one failed run naming the panic", runs, err)
	}
}
