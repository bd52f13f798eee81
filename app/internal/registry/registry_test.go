package registry

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/training/model"
)

func newRegistry(t *testing.T, dir string) *Registry {
	t.Helper()
	r, err := New(Options{Dir: dir, DriftWindow: 10})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name              string
		champion          string
		models            []string
		wantDefault       string
		wantDataset       string
		wantModelsInOrder []string
	}{
		{name: "random_forest preferred", champion: "logistic_regression", models: modeltest.Default, wantDefault: "random_forest", wantModelsInOrder: modeltest.Default},
		{name: "champion without random_forest", champion: "decision_tree", models: []string{"logistic_regression", "decision_tree"}, wantDefault: "decision_tree", wantModelsInOrder: []string{"logistic_regression", "decision_tree"}},
		{name: "random_forest champion", champion: "random_forest", models: []string{"random_forest"}, wantDefault: "random_forest", wantModelsInOrder: []string{"random_forest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			modeltest.WriteSet(t, dir, tt.champion, tt.models...)
			r := newRegistry(t, dir)
			if r.Current() != nil {
				t.Fatal("a new registry serves models before Reload")
			}
			snap, err := r.Reload(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if r.Current() != snap {
				t.Error("Reload did not install the snapshot it returned")
			}
			if snap.Default.Name != tt.wantDefault || snap.Champion.Name != tt.champion {
				t.Errorf("default %q, champion %q; want %q, %q", snap.Default.Name, snap.Champion.Name, tt.wantDefault, tt.champion)
			}
			if got := snap.Names(); !slices.Equal(got, tt.wantModelsInOrder) {
				t.Errorf("names %v, want %v", got, tt.wantModelsInOrder)
			}
			if snap.Dataset != "iris" {
				t.Errorf("dataset %q, want iris", snap.Dataset)
			}
		})
	}
}

func TestModelNotFound(t *testing.T) {
	r := newRegistry(t, modeltest.Dir(t))
	snap, err := r.Reload(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_, err = snap.Model("svm")
	var nf *NotFoundError
	if !errors.Is(err, ErrModelNotFound) || !errors.As(err, &nf) {
		t.Fatalf("Model(svm) error %v, want a *NotFoundError", err)
	}
	if nf.Name != "svm" || !slices.Equal(nf.Available, modeltest.Default) {
		t.Errorf("NotFoundError %+v, want name svm and available %v", nf, modeltest.Default)
	}
}

func TestReloadFailureKeepsServing(t *testing.T) {
	tests := map[string]func(t *testing.T, dir string){
		"corrupt bundle": func(t *testing.T, dir string) { modeltest.Corrupt(t, dir, "decision_tree") },
		"missing bundle": func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "random_forest.json")) },
		"broken index": func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, model.IndexFile), []byte(`{"format": "mlops.index/v1"`), 0o644)
		},
		"no directory": func(t *testing.T, dir string) { os.RemoveAll(dir) },
	}
	for name, damage := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			modeltest.WriteSet(t, dir, "logistic_regression")
			r := newRegistry(t, dir)
			before, err := r.Reload(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			damage(t, dir)
			if _, err := r.Reload(t.Context()); err == nil {
				t.Fatal("reload of a damaged directory succeeded")
			}
			if r.Current() != before {
				t.Error("a failed reload replaced the serving snapshot")
			}
		})
	}
}

func TestDriftWindowCarriesOver(t *testing.T) {
	dir := t.TempDir()
	modeltest.WriteSet(t, dir, "logistic_regression")
	r := newRegistry(t, dir)
	first, err := r.Reload(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Retrain decision_tree differently: only its window starts over.
	b := modeltest.Bundle(t, "decision_tree", "decision_tree")
	b.Metrics["test_accuracy"] = 0.5
	if err := b.Seal(); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(filepath.Join(dir, "decision_tree.json")); err != nil {
		t.Fatal(err)
	}
	idx, err := model.LoadIndex(filepath.Join(dir, model.IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	for i := range idx.Models {
		if idx.Models[i].Name == "decision_tree" {
			idx.Models[i].SHA256 = b.SHA256
		}
	}
	if err := idx.Save(filepath.Join(dir, model.IndexFile)); err != nil {
		t.Fatal(err)
	}
	second, err := r.Reload(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range second.Models {
		old, _ := first.Model(m.Name)
		same := old.Drift == m.Drift
		if want := m.Name != "decision_tree"; same != want {
			t.Errorf("%s: window kept %v, want %v", m.Name, same, want)
		}
	}
}

func TestNewRequiresDir(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without Dir succeeded")
	}
}

// TestRoles: every model carries its index role, from a version 2 index
// and from a version 1 index (no roles on file, the champion field
// decides), so model sets trained before roles existed keep loading.
func TestRoles(t *testing.T) {
	for _, tt := range []struct {
		name   string
		format string
	}{{"index v2", model.IndexFormatV2}, {"index v1", model.IndexFormatV1}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			modeltest.WriteSet(t, dir, "decision_tree")
			if tt.format == model.IndexFormatV1 {
				modeltest.DowngradeIndex(t, dir)
			}
			snap, err := newRegistry(t, dir).Reload(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]model.Role{}
			for _, m := range snap.Models {
				got[m.Name] = m.Role
				if m.Champion != (m.Role == model.RoleChampion) {
					t.Errorf("%s: Champion %v with role %q", m.Name, m.Champion, m.Role)
				}
			}
			want := map[string]model.Role{"logistic_regression": model.RoleChallenger, "decision_tree": model.RoleChampion, "random_forest": model.RoleChallenger}
			if !maps.Equal(got, want) {
				t.Errorf("roles %v, want %v", got, want)
			}
		})
	}
}
