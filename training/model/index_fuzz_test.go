package model

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseIndex checks that no input makes ParseIndex panic and that
// whatever it accepts has a valid role on every entry, the champion's alone
// being RoleChampion, and saves to an index that parses to the same roles.
func FuzzParseIndex(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "index", "*.json"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
			f.Add(data[:len(data)/2])
		}
	}
	f.Add([]byte(`{"format": "mlops.index/v2", "champion": "a", "models": []}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := ParseIndex(data)
		if err != nil {
			return
		}
		for _, e := range idx.Models {
			if want := map[bool]Role{true: RoleChampion, false: RoleChallenger}[e.Name == idx.Champion]; e.Role != want {
				t.Fatalf("accepted index: %s has role %q, want %q", e.Name, e.Role, want)
			}
		}
		path := filepath.Join(dir, IndexFile)
		if err := idx.Save(path); err != nil {
			t.Fatalf("save of an accepted index: %v", err)
		}
		again, err := LoadIndex(path)
		if err != nil {
			t.Fatalf("re-load of a saved index: %v", err)
		}
		if again.Format != IndexFormatVersion || len(again.Models) != len(idx.Models) {
			t.Fatalf("saved index: format %q with %d models, want %q with %d", again.Format, len(again.Models), IndexFormatVersion, len(idx.Models))
		}
		for i, e := range again.Models {
			if e != idx.Models[i] {
				t.Fatalf("saved entry %d is %+v, want %+v", i, e, idx.Models[i])
			}
		}
	})
}
