package model

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeModelsDir(t *testing.T) (string, []*Bundle) {
	t.Helper()
	dir := t.TempDir()
	bundles := []*Bundle{sealed(t, "logistic_regression", linearParams()), sealed(t, "decision_tree", treeParams())}
	for _, b := range bundles {
		if err := b.Save(filepath.Join(dir, b.Name+".json")); err != nil {
			t.Fatal(err)
		}
	}
	idx, err := NewIndex("decision_tree", bundles)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Save(filepath.Join(dir, IndexFile)); err != nil {
		t.Fatal(err)
	}
	return dir, bundles
}

func TestLoadDir(t *testing.T) {
	dir, bundles := writeModelsDir(t)
	set, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.Champion().Name != "decision_tree" || len(set.Bundles) != len(bundles) {
		t.Fatalf("champion %q with %d bundles, want decision_tree with %d", set.Champion().Name, len(set.Bundles), len(bundles))
	}
}

func TestLoadDirRejects(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   error
		msg    string
	}{
		{"missing index", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, IndexFile)) }, os.ErrNotExist, "index.json"},
		{"missing bundle", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "decision_tree.json")) }, os.ErrNotExist, "decision_tree.json"},
		{"bundle swapped", func(t *testing.T, dir string) {
			data, _ := os.ReadFile(filepath.Join(dir, "logistic_regression.json"))
			os.WriteFile(filepath.Join(dir, "decision_tree.json"), data, 0o644)
		}, ErrIndex, "bundle says"},
		{"corrupt bundle", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "decision_tree.json"), []byte(`{"format": "mlops.model/v1", "name": `), 0o644)
		}, ErrMalformed, "truncated"},
		{"path traversal", func(t *testing.T, dir string) {
			editIndex(t, dir, `"file": "decision_tree.json"`, `"file": "../decision_tree.json"`)
		}, ErrIndex, "plain file name"},
		{"unknown champion", func(t *testing.T, dir string) { editIndex(t, dir, `"champion": "decision_tree"`, `"champion": "svm"`) }, ErrIndex, `champion "svm"`},
		{"stale checksum", func(t *testing.T, dir string) {
			idx, _ := LoadIndex(filepath.Join(dir, IndexFile))
			editIndex(t, dir, idx.Models[0].SHA256, strings.Repeat("0", 64))
		}, ErrChecksum, "index records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := writeModelsDir(t)
			tt.damage(t, dir)
			_, err := LoadDir(dir)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("LoadDir error %v, want %v mentioning %q", err, tt.want, tt.msg)
			}
		})
	}
}

func editIndex(t *testing.T, dir, old, new string) {
	t.Helper()
	path := filepath.Join(dir, IndexFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("index lacks %q", old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
