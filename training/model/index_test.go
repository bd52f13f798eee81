package model

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
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

// TestParseIndexFiles reads every index in testdata/index: valid-*.json
// must parse with the roles given, invalid-*.json must fail naming the
// problem. valid-v1-trained.json is the index mlops train wrote before
// roles existed (format v1), which must keep loading.
func TestParseIndexFiles(t *testing.T) {
	tests := []struct {
		file     string
		format   string
		champion string
		roles    map[string]Role
		err      string // for invalid files
	}{
		{file: "valid-v2.json", format: IndexFormatV2, champion: "svm",
			roles: map[string]Role{"logistic_regression": RoleChallenger, "svm": RoleChampion, "xgboost": RoleChallenger}},
		{file: "valid-v1.json", format: IndexFormatV1, champion: "svm",
			roles: map[string]Role{"logistic_regression": RoleChallenger, "svm": RoleChampion, "xgboost": RoleChallenger}},
		{file: "valid-v1-trained.json", format: IndexFormatV1, champion: "svm",
			roles: map[string]Role{"logistic_regression": RoleChallenger, "decision_tree": RoleChallenger, "random_forest": RoleChallenger, "svm": RoleChampion, "xgboost": RoleChallenger}},
		{file: "invalid-v1-with-role.json", err: `role is not a field of mlops.index/v1`},
		{file: "invalid-v2-no-role.json", err: `model "logistic_regression": role "", want "champion" or "challenger"`},
		{file: "invalid-v2-unknown-role.json", err: `role "canary", want "champion" or "challenger"`},
		{file: "invalid-v2-two-champions.json", err: `model "logistic_regression" has role "champion" but the champion is "svm"`},
		{file: "invalid-v2-champion-is-challenger.json", err: `model "svm" is the champion but has role "challenger"`},
		{file: "invalid-future-format.json", err: `format "mlops.index/v3", want "mlops.index/v2" (or "mlops.index/v1", still read)`},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "index", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("testdata/index holds %d files, the table %d: give every file a row", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "index", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			idx, err := ParseIndex(data)
			if tt.err != "" {
				if !errors.Is(err, ErrIndex) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseIndex error %v, want ErrIndex saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if idx.Format != tt.format || idx.Champion != tt.champion {
				t.Errorf("format %q, champion %q; want %q, %q", idx.Format, idx.Champion, tt.format, tt.champion)
			}
			got := map[string]Role{}
			for _, e := range idx.Models {
				got[e.Name] = e.Role
			}
			if !maps.Equal(got, tt.roles) {
				t.Errorf("roles %v, want %v", got, tt.roles)
			}
		})
	}
}

// NewIndex marks the champion and every other bundle a challenger, and
// Save writes them in the current format.
func TestNewIndexRoles(t *testing.T) {
	bundles := []*Bundle{sealed(t, "logistic_regression", linearParams()), sealed(t, "decision_tree", treeParams()), sealed(t, "random_forest", treeParams())}
	for _, champion := range []string{"logistic_regression", "decision_tree", "random_forest"} {
		t.Run(champion, func(t *testing.T) {
			idx, err := NewIndex(champion, bundles)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), IndexFile)
			if err := idx.Save(path); err != nil {
				t.Fatal(err)
			}
			back, err := LoadIndex(path)
			if err != nil {
				t.Fatal(err)
			}
			if back.Format != IndexFormatVersion {
				t.Errorf("saved format %q, want %q", back.Format, IndexFormatVersion)
			}
			var challengers []string
			for _, e := range back.Models {
				want := RoleChallenger
				if e.Name == champion {
					want = RoleChampion
				} else {
					challengers = append(challengers, e.Name)
				}
				if e.Role != want {
					t.Errorf("%s: role %q, want %q", e.Name, e.Role, want)
				}
			}
			if got := back.Challengers(); !slices.Equal(got, challengers) {
				t.Errorf("Challengers() = %v, want %v", got, challengers)
			}
		})
	}
}

// TestLoadDirVersion1 loads a models directory whose index predates roles,
// as every directory trained before them has: the bundles load, the
// champion field decides the roles, and saving the index again writes the
// current format with those roles.
func TestLoadDirVersion1(t *testing.T) {
	dir, bundles := writeModelsDir(t)
	var v1 strings.Builder
	fmt.Fprintf(&v1, "{\n  \"format\": %q,\n  \"champion\": \"decision_tree\",\n  \"models\": [", IndexFormatV1)
	for i, b := range bundles {
		if i > 0 {
			v1.WriteString(",")
		}
		fmt.Fprintf(&v1, "\n    {\"name\": %q, \"algorithm\": %q, \"file\": %q, \"sha256\": %q}", b.Name, b.Algorithm, b.Name+".json", b.SHA256)
	}
	v1.WriteString("\n  ]\n}\n")
	path := filepath.Join(dir, IndexFile)
	if err := os.WriteFile(path, []byte(v1.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.Index.Format != IndexFormatV1 || set.Champion().Name != "decision_tree" {
		t.Fatalf("format %q, champion %q; want %q, decision_tree", set.Index.Format, set.Champion().Name, IndexFormatV1)
	}
	if got := set.Index.Challengers(); !slices.Equal(got, []string{"logistic_regression"}) {
		t.Errorf("challengers %v, want [logistic_regression]", got)
	}
	if err := set.Index.Save(path); err != nil {
		t.Fatal(err)
	}
	if set.Index.Format != IndexFormatV1 {
		t.Errorf("Save changed the index it was given: format %q", set.Index.Format)
	}
	want, err := NewIndex("decision_tree", bundles)
	if err != nil {
		t.Fatal(err)
	}
	wantPath := filepath.Join(t.TempDir(), IndexFile)
	if err := want.Save(wantPath); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	wantBytes, _ := os.ReadFile(wantPath)
	if string(got) != string(wantBytes) {
		t.Errorf("a version 1 index saved again:\n%s\nwant what NewIndex writes:\n%s", got, wantBytes)
	}
}
