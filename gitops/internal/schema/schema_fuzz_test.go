package schema

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// FuzzValidate checks that no document panics the validator and that its
// errors come sorted by path. The seeds are the Application manifests and
// the rejected fixtures.
func FuzzValidate(f *testing.F) {
	b, err := os.ReadFile("../../testdata/argocd/application-v1alpha1.schema.yaml")
	if err != nil {
		f.Fatal(err)
	}
	s, err := Parse(b)
	if err != nil {
		f.Fatal(err)
	}
	for _, pattern := range []string{"../../apps/*/*.yaml", "../../testdata/argocd/invalid-*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			doc, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(doc)
		}
	}
	f.Add([]byte("spec: [1, {a: null}]\nkind: 3\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		errs, err := s.ValidateYAML(doc)
		if err != nil {
			return
		}
		if !sort.SliceIsSorted(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path }) {
			t.Errorf("errors not sorted by path: %v", errs)
		}
	})
}
