package ignore

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFilter(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(FileName, "# comment\n*_test.go\ntestdata/\n/build\n*.log\n!keep.log\ndocs/**/*.png\nsub/deep.txt\n")
	write("pkg/"+FileName, "local.txt\n")
	tests := map[string]struct {
		rel   string
		isDir bool
		want  bool
	}{
		"test file anywhere":        {"training/internal/x/x_test.go", false, true},
		"source file":               {"training/internal/x/x.go", false, false},
		"testdata dir":              {"a/testdata", true, true},
		"testdata file not dir":     {"a/testdata", false, false},
		"anchored at root":          {"build", true, true},
		"anchored not deeper":       {"a/build", true, false},
		"wildcard":                  {"x/y/run.log", false, true},
		"negation":                  {"x/keep.log", false, false},
		"double star":               {"docs/a/b/c.png", false, true},
		"double star zero dirs":     {"docs/c.png", false, true},
		"slash in middle anchors":   {"sub/deep.txt", false, true},
		"slash in middle, deeper":   {"x/sub/deep.txt", false, false},
		"nested ignore file":        {"pkg/local.txt", false, true},
		"nested ignore elsewhere":   {"other/local.txt", false, false},
		"git dir always":            {"a/.git", true, true},
		"dvc dir always":            {".dvc", true, true},
		"ignore file not itself":    {FileName, false, false},
		"plain data":                {"data/iris.csv", false, false},
		"pattern is not substring ": {"a/testdata2", true, false},
	}
	f := NewFilter(root)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := f.Ignored(tc.rel, tc.isDir)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Ignored(%q, dir=%v) = %v, want %v", tc.rel, tc.isDir, got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("*_test.go\ntestdata/\n!keep\n[a-z]?.txt\n\\#x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := Parse(b)
		if err != nil {
			return
		}
		for _, p := range ps {
			p.match("a/b/c", false)
		}
	})
}
