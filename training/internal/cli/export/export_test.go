package export

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/classifier/boost"
	"github.com/mlopsgo/mlops/training/internal/classifier/classifiertest"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/xgbjson"
	"github.com/mlopsgo/mlops/training/model"
)

// saveBundle seals a bundle holding params for Iris's shape into dir and
// returns its path; edits change the bundle before it is sealed.
func saveBundle(t *testing.T, dir, name string, params model.Params, edits ...func(*model.Bundle)) string {
	t.Helper()
	iris := classifiertest.Iris(t)
	features := make([]model.Feature, len(iris.Features))
	for j, f := range iris.Features {
		col := make([]float64, len(iris.X))
		for i, x := range iris.X {
			col[i] = x[j]
		}
		features[j] = model.Feature{Name: f, Valid: model.Range{Min: 0, Max: 10}, Stats: model.NewStats(col, model.DefaultBins)}
	}
	b := &model.Bundle{
		Name: name, Algorithm: name,
		Dataset:         model.Dataset{Name: "iris", Label: "species", MD5: "0123456789abcdef0123456789abcdef", Rows: len(iris.X), TrainRows: len(iris.X)},
		Features:        features,
		Classes:         iris.Classes,
		Hyperparameters: map[string]any{},
		Metrics:         map[string]float64{},
		Model:           params,
	}
	for _, edit := range edits {
		edit(b)
	}
	if err := b.Seal(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".json")
	if err := b.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func boostedParams(t *testing.T) model.Params {
	t.Helper()
	iris := classifiertest.Iris(t)
	cfg := boost.DefaultConfig()
	cfg.NEstimators = 5
	tr, err := boost.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := tr.Fit(t.Context(), iris.X, iris.Y, len(iris.Classes))
	if err != nil {
		t.Fatal(err)
	}
	return fit.Params
}

// execute runs the command with args and returns its error.
func execute(t *testing.T, args ...string) error {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCommand(slog.New(slog.DiscardHandler), streams.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.Execute()
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	bundle := saveBundle(t, dir, "xgboost", boostedParams(t))
	out := filepath.Join(dir, "model.json")
	if err := execute(t, "--format", FormatXGBoostJSON, bundle, out); err != nil {
		t.Fatalf("export: %v", err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := model.Load(bundle)
	if err != nil {
		t.Fatal(err)
	}
	want, err := xgbjson.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the exported file differs from xgbjson.Marshal of the bundle")
	}
}

// TestExportWarnsOfImputeValues checks that exporting a bundle trained
// with data.missing: impute works and warns that XGBoost will not apply
// its impute values, and that other bundles export without the warning.
func TestExportWarnsOfImputeValues(t *testing.T) {
	dir := t.TempDir()
	impute := 3.0
	tests := []struct {
		name  string
		edits []func(*model.Bundle)
		warn  bool
	}{
		{name: "impute values", edits: []func(*model.Bundle){func(b *model.Bundle) { b.Features[1].Impute = &impute }}, warn: true},
		{name: "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bundle := saveBundle(t, t.TempDir(), "xgboost", boostedParams(t), tt.edits...)
			var log bytes.Buffer
			if err := Run(slog.New(slog.NewTextHandler(&log, nil)), FormatXGBoostJSON, bundle, filepath.Join(dir, tt.name+".json")); err != nil {
				t.Fatalf("export: %v", err)
			}
			if got := strings.Contains(log.String(), "level=WARN msg=\"the export does not carry the bundle's impute values"); got != tt.warn {
				t.Errorf("warned %v, want %v; log:\n%s", got, tt.warn, log.String())
			}
		})
	}
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	boosted := saveBundle(t, dir, "xgboost", boostedParams(t))
	linear := saveBundle(t, dir, "logistic_regression", model.Params{Linear: &model.Linear{
		Coef:      [][]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}},
		Intercept: []float64{0, 0, 0},
	}})
	tests := []struct {
		name string
		args []string
		is   error  // nil: check the message only
		msg  string // part of the error message
	}{
		{"unknown format", []string{"--format", "onnx", boosted, filepath.Join(dir, "a.onnx")}, ErrFormat, `"onnx"; known formats: xgboost-json`},
		{"no format", []string{boosted, filepath.Join(dir, "b.json")}, nil, `required flag(s) "format" not set`},
		{"not boosted", []string{"--format", "xgboost-json", linear, filepath.Join(dir, "c.json")}, xgbjson.ErrNotBoosted, `"logistic_regression" holds a logistic_regression model`},
		{"missing bundle", []string{"--format", "xgboost-json", filepath.Join(dir, "nope.json"), filepath.Join(dir, "d.json")}, os.ErrNotExist, "nope.json"},
		{"one argument", []string{"--format", "xgboost-json", boosted}, nil, "accepts 2 arg(s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := execute(t, tt.args...)
			if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want one wrapping %v and mentioning %q", err, tt.is, tt.msg)
			}
			// A failed export leaves no file behind.
			if n := len(tt.args); n >= 2 {
				if _, err := os.Stat(tt.args[n-1]); tt.args[n-1] != boosted && !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s exists after a failed export", tt.args[n-1])
				}
			}
		})
	}
}
