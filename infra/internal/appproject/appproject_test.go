package appproject

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

const repo = "https://github.com/mlopsgo/mlops.git"

// The repository's own project loads, for its own repository.
func TestRepositoryProject(t *testing.T) {
	p, err := Load(filepath.Join("..", "..", "..", "gitops", "projects", "mlops.yaml"), repo)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "mlops" || p.Spec["destinations"] == nil || p.Spec["namespaceResourceWhitelist"] == nil {
		t.Errorf("project = %+v", p)
	}
}

func TestParseRejects(t *testing.T) {
	const valid = "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: mlops\n  namespace: argocd\nspec:\n  sourceRepos: [" + repo + "]\n"
	if _, err := Parse([]byte(valid), repo); err != nil {
		t.Fatalf("valid project: %v", err)
	}
	tests := []struct {
		name, doc, repo, want string
	}{
		{"other repository", valid, "https://github.com/fork/mlops.git", "sourceRepos"},
		{"any repository", strings.Replace(valid, "["+repo+"]", "['*']", 1), repo, "sourceRepos"},
		{"a second repository", strings.Replace(valid, "["+repo+"]", "["+repo+", https://example.com/x.git]", 1), repo, "sourceRepos"},
		{"no sources", strings.Replace(valid, "  sourceRepos: ["+repo+"]\n", "  description: x\n", 1), repo, "sourceRepos"},
		{"an Application", strings.Replace(valid, "kind: AppProject", "kind: Application", 1), repo, "AppProject"},
		{"other namespace", strings.Replace(valid, "namespace: argocd", "namespace: default", 1), repo, "namespace"},
		{"misspelt field", strings.Replace(valid, "metadata:", "metdata: {}\nmetadata:", 1), repo, "metdata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), tt.repo)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"), repo)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v", err)
	}
}

// The default project, once patched, admits nothing: no source, no
// destination, no cluster-scoped kind, and every namespaced kind denied.
func TestLockedDefaultSpec(t *testing.T) {
	s := LockedDefaultSpec()
	for _, key := range []string{"sourceRepos", "sourceNamespaces", "destinations", "clusterResourceWhitelist"} {
		list, ok := s[key].([]any)
		if !ok || len(list) != 0 {
			t.Errorf("%s = %#v, want an empty list (an absent key would leave ArgoCD's value in place)", key, s[key])
		}
	}
	deny, _ := s["namespaceResourceBlacklist"].([]any)
	if len(deny) != 1 || fmt.Sprint(deny[0]) != "map[group:* kind:*]" {
		t.Errorf("namespaceResourceBlacklist = %#v, want every group and kind", s["namespaceResourceBlacklist"])
	}
	if _, ok := s["namespaceResourceWhitelist"]; ok {
		t.Error("a namespaceResourceWhitelist would be read as allowing its kinds")
	}
}
