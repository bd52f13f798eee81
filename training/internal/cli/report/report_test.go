package report

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestOutPath(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ out, want string }{
		{"reports/report.html", "reports/report.html"},
		{"x.HTML", "x.HTML"},
		{"reports/", "reports/report.html"},
		{"reports", "reports/report.html"},
		{existing, filepath.Join(existing, "report.html")},
	}
	for _, tt := range tests {
		if got := outPath(tt.out); got != tt.want {
			t.Errorf("outPath(%q) = %q, want %q", tt.out, got, tt.want)
		}
	}
}

func TestParsePairs(t *testing.T) {
	features := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
	got, err := ParsePairs([]string{"petal_length:sepal_width"}, features)
	if err != nil || !slices.Equal(got, [][2]int{{2, 1}}) {
		t.Fatalf("ParsePairs = %v, %v", got, err)
	}
	for _, bad := range []string{"petal_length", "petal_length:nope", ":"} {
		if _, err := ParsePairs([]string{bad}, features); err == nil {
			t.Errorf("ParsePairs(%q): want an error", bad)
		}
	}
}
