package metricsfile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var regen = flag.Bool("regen", false, "rewrite the golden files")

func sample() *File {
	return &File{
		Champion: "logistic_regression",
		Models: map[string]Model{
			"decision_tree": {
				Test: Test{Accuracy: 0.9333333333333333, PrecisionWeighted: 0.9345, RecallWeighted: 0.9333333333333333, F1Weighted: 0.9333, F1Macro: 0.9333, LogLoss: 2.4029},
				CV:   CV{Folds: 10, Repeats: 5, AccuracyMean: 0.9453, AccuracyStd: 0.0561},
			},
			"logistic_regression": {
				Test: Test{Accuracy: 0.9666666666666667, PrecisionWeighted: 0.9697, RecallWeighted: 0.9666666666666667, F1Weighted: 0.9666, F1Macro: 0.9666, LogLoss: 0.0938},
				CV:   CV{Folds: 10, Repeats: 5, AccuracyMean: 0.9645, AccuracyStd: 0.0437},
			},
		},
	}
}

// withFailures is sample with a warning on one model and two failed models.
func withFailures() *File {
	f := sample()
	m := f.Models["decision_tree"]
	m.Warnings = []string{"tree: something to say"}
	f.Models["decision_tree"] = m
	f.Models["svm"] = Model{Status: StatusFailed, Error: "fit svm: svm: solver failed"}
	f.Models["xgboost"] = Model{Status: StatusTimedOut, Error: "xgboost: timed out after 1m0s: context deadline exceeded"}
	return f
}

func TestWriteTableGolden(t *testing.T) {
	tests := map[string]*File{
		"table_golden.txt":          sample(),
		"table_failures_golden.txt": withFailures(),
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) { checkTableGolden(t, f, filepath.Join("testdata", name)) })
	}
}

func checkTableGolden(t *testing.T, f *File, golden string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTable(&buf, f); err != nil {
		t.Fatal(err)
	}
	if *regen {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -regen to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("table differs from %s (go test -regen rewrites it):\ngot:\n%s\nwant:\n%s", golden, buf.Bytes(), want)
	}
}

func TestWriteLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.json")
	if err := Write(path, withFailures()); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f, withFailures()) {
		t.Fatalf("round trip changed the content: %+v", f)
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		`{"champion": "x", "models": {}}`:                "champion \"x\" is not among the models",
		`{"champion": "x", "models": {"x": {}}, "y": 1}`: "unknown field",
		`{"champion": `: "unexpected EOF",
	}
	for in, want := range tests {
		if _, err := Parse("m.json", []byte(in)); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "m.json") {
			t.Errorf("Parse(%s) error %v, want one naming m.json and containing %q", in, err, want)
		}
	}
}

// TestDiffSkipsFailedModels checks that a model that failed on one side has
// no value there, rather than zeros that would read as a collapse.
func TestDiffSkipsFailedModels(t *testing.T) {
	old, cur := sample(), withFailures()
	cur.Models["logistic_regression"] = Model{Status: StatusFailed, Error: "broken"}
	for _, r := range Diff("old", old, "new", cur).Rows {
		switch r.Model {
		case "logistic_regression":
			if r.Old == nil || r.New != nil {
				t.Errorf("%s %s: old %v new %v, want an old value and no new one", r.Model, r.Metric, r.Old, r.New)
			}
		case "svm", "xgboost":
			if r.Old != nil || r.New != nil {
				t.Errorf("%s %s: old %v new %v, want neither", r.Model, r.Metric, r.Old, r.New)
			}
		}
	}
}
