package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/report"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

// repo lays out a repository: params.yaml at its root, data/iris.csv, and
// a nested directory without a params file.
func repo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range map[string]string{"params.yaml": "seed: 42\n", "data/iris.csv": "a,b\n", "data/raw/x.csv": "a\n"} {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestFindRoot(t *testing.T) {
	root := repo(t)
	outside := t.TempDir()
	// A directory named params.yaml is not a params file.
	if err := os.MkdirAll(filepath.Join(outside, "x", "params.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"file at the root's child", filepath.Join(root, "data", "iris.csv"), root},
		{"deeper file", filepath.Join(root, "data", "raw", "x.csv"), root},
		{"params file itself", filepath.Join(root, "params.yaml"), root},
		{"outside any repository", filepath.Join(outside, "x", "y.csv"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.FindRoot(tt.path); got != tt.want {
				t.Errorf("FindRoot(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestDisplayPath(t *testing.T) {
	root := filepath.FromSlash("/home/someone/mlops")
	abs := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	tests := []struct {
		name, root, path, want string
	}{
		{"below the root", root, abs("data/iris.csv"), "data/iris.csv"},
		{"deeper", root, abs("data/raw/x.csv"), "data/raw/x.csv"},
		{"relative stays", root, "data/iris.csv", "data/iris.csv"},
		{"no root", "", abs("data/iris.csv"), abs("data/iris.csv")},
		{"outside the root", root, filepath.FromSlash("/srv/data/iris.csv"), filepath.FromSlash("/srv/data/iris.csv")},
		{"sibling with the root as prefix", root, filepath.FromSlash("/home/someone/mlops-old/data.csv"), filepath.FromSlash("/home/someone/mlops-old/data.csv")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := report.DisplayPath(tt.root, tt.path); got != tt.want {
				t.Errorf("DisplayPath(%q, %q) = %q, want %q", tt.root, tt.path, got, tt.want)
			}
		})
	}
}

// The page names the data file relative to the repository, in the header
// and in the chart captions, never by the absolute path the run recorded
// and the data was loaded from.
func TestReportShowsDataPathRelativeToRoot(t *testing.T) {
	root := repo(t)
	mini, err := os.ReadFile(filepath.Join("testdata", "mini.csv"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "data", "iris.csv")
	if err := os.WriteFile(path, mini, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Load(t.Context(), dataset.Spec{Path: path, Label: "species", Features: trackingtest.Features})
	if err != nil {
		t.Fatal(err)
	}
	run := trackingtest.Runs()[1]
	run.Data.Path = path
	tests := []struct {
		name, root string
		want       []string
		notWant    string
	}{
		{"with the root", root, []string{"<dd>data/iris.csv · md5", "Rows per species in data/iris.csv ("}, root},
		{"without a root", "", []string{"<dd>" + path + " · md5", "Rows per species in " + path + " ("}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.Render(&buf, report.Options{Run: run, Data: d, Root: tt.root}); err != nil {
				t.Fatal(err)
			}
			page := buf.String()
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("page does not contain %q", w)
				}
			}
			if tt.notWant != "" && strings.Contains(page, tt.notWant) {
				t.Errorf("page contains %q", tt.notWant)
			}
		})
	}
}
