// Package metricsfile reads and writes metrics.json: the training run's
// summary that DVC tracks as a metrics file and that pull requests diff.
// It holds no timestamps, so the same training gives the same bytes.
package metricsfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// File is the content of metrics.json.
type File struct {
	Champion string           `json:"champion"`
	Models   map[string]Model `json:"models"`
}

// Model holds one model's metrics.
type Model struct {
	// Status is "trained", "failed" or "timed_out" (train.Status); empty in
	// files written before models could fail, which means trained. A model
	// that failed has zero metrics and the reason in Error.
	Status string `json:"status,omitempty"`
	// Error says why a failed or timed-out model has no metrics.
	Error string `json:"error,omitempty"`
	// Warnings are the fits' warnings (a solver that did not converge).
	Warnings []string `json:"warnings,omitempty"`
	Test     Test     `json:"test"`
	CV       CV       `json:"cv"`
}

// Status values of Model other than trained.
const (
	StatusFailed   = "failed"
	StatusTimedOut = "timed_out"
)

// Failed reports whether the model failed or timed out and so has no
// metrics.
func (m Model) Failed() bool { return m.Status == StatusFailed || m.Status == StatusTimedOut }

// Test holds hold-out metrics.
type Test struct {
	Accuracy          float64 `json:"accuracy"`
	PrecisionWeighted float64 `json:"precision_weighted"`
	RecallWeighted    float64 `json:"recall_weighted"`
	F1Weighted        float64 `json:"f1_weighted"`
	F1Macro           float64 `json:"f1_macro"`
	LogLoss           float64 `json:"log_loss"`
}

// CV holds repeated stratified k-fold results.
type CV struct {
	Folds        int     `json:"folds"`
	Repeats      int     `json:"repeats"`
	AccuracyMean float64 `json:"accuracy_mean"`
	AccuracyStd  float64 `json:"accuracy_std"`
}

// Write writes f to path atomically as indented JSON.
func Write(path string, f *File) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode metrics: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write metrics %s: %w", path, err)
	}
	return nil
}

// Parse decodes metrics.json strictly.
func Parse(name string, data []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse metrics %s: %w", name, err)
	}
	if _, ok := f.Models[f.Champion]; !ok {
		return nil, fmt.Errorf("parse metrics %s: champion %q is not among the models", name, f.Champion)
	}
	return &f, nil
}

// Load reads and parses the metrics file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	return Parse(path, data)
}
