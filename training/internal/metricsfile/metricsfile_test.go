package metricsfile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
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

func TestWriteTableGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "table_golden.txt")
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
	if err := Write(path, sample()); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Models["decision_tree"] != sample().Models["decision_tree"] || f.Champion != "logistic_regression" {
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
