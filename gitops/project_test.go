package gitops

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/mlopsgo/mlops/gitops/internal/render"
)

// projectFile is the AppProject infra creates (infra/platform reads it).
const projectFile = "projects/mlops.yaml"

// appProject holds an Argo CD AppProject; it is decoded strictly, so a
// misspelt field fails the test instead of being ignored by ArgoCD.
type appProject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Description  string   `json:"description"`
		SourceRepos  []string `json:"sourceRepos"`
		Destinations []struct {
			Server    string `json:"server"`
			Namespace string `json:"namespace"`
		} `json:"destinations"`
		ClusterResourceWhitelist []struct {
			Group string `json:"group"`
			Kind  string `json:"kind"`
			Name  string `json:"name"`
		} `json:"clusterResourceWhitelist"`
		NamespaceResourceWhitelist []struct {
			Group string `json:"group"`
			Kind  string `json:"kind"`
		} `json:"namespaceResourceWhitelist"`
	} `json:"spec"`
}

func loadProject(t *testing.T) appProject {
	t.Helper()
	var p appProject
	if err := yaml.UnmarshalStrict(readFile(t, projectFile), &p); err != nil {
		t.Fatalf("%s: %v", projectFile, err)
	}
	if p.APIVersion != "argoproj.io/v1alpha1" || p.Kind != "AppProject" || p.Metadata.Name == "" || p.Metadata.Namespace != "argocd" {
		t.Fatalf("%s: %s %s %s/%s, want an argoproj.io/v1alpha1 AppProject in argocd", projectFile, p.APIVersion, p.Kind, p.Metadata.Namespace, p.Metadata.Name)
	}
	return p
}

// groupKind is "group/Kind", with the core group empty ("/Service").
func groupKind(apiVersion, kind string) string {
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group = ""
	}
	return group + "/" + kind
}

// rootApplicationKind is what the root Application writes: the child
// Applications of apps/<env>.
const rootApplicationKind = "argoproj.io/Application"

// TestAppProject checks the project allows what the Applications need and
// nothing else: this repository, their namespaces (and argocd, where the
// root Application writes them), the Namespaces they create, and the kinds
// the chart renders with any accepted values, besides the root's
// Applications.
func TestAppProject(t *testing.T) {
	p := loadProject(t)
	const inCluster = "https://kubernetes.default.svc"

	wantDest := map[string]bool{"argocd": true}
	wantNamespaces := map[string]bool{}
	for _, f := range applicationFiles(t) {
		app := loadApplication(t, f)
		if app.Spec.Project != p.Metadata.Name {
			t.Errorf("%s: project %q, want %q (%s)", f, app.Spec.Project, p.Metadata.Name, projectFile)
		}
		if !slices.Contains(p.Spec.SourceRepos, app.Spec.Source.RepoURL) {
			t.Errorf("%s: repoURL %s is not among the project's sourceRepos %v", f, app.Spec.Source.RepoURL, p.Spec.SourceRepos)
		}
		if app.Spec.Destination.Server != inCluster {
			t.Errorf("%s: destination server %q, want %s", f, app.Spec.Destination.Server, inCluster)
		}
		wantDest[app.Spec.Destination.Namespace] = true
		if slices.Contains(app.Spec.SyncPolicy.SyncOptions, "CreateNamespace=true") {
			wantNamespaces[app.Spec.Destination.Namespace] = true
		}
	}
	if len(p.Spec.SourceRepos) != 1 {
		t.Errorf("sourceRepos %v, want this repository alone", p.Spec.SourceRepos)
	}

	gotDest := map[string]bool{}
	for _, d := range p.Spec.Destinations {
		if d.Server != inCluster || d.Namespace == "" || strings.ContainsAny(d.Namespace, "*!?[") {
			t.Errorf("destination %+v: want the in-cluster server and one namespace by name", d)
		}
		gotDest[d.Namespace] = true
	}
	if !maps.Equal(gotDest, wantDest) {
		t.Errorf("destinations %v, want %v", slices.Sorted(maps.Keys(gotDest)), slices.Sorted(maps.Keys(wantDest)))
	}

	gotNamespaces := map[string]bool{}
	for _, c := range p.Spec.ClusterResourceWhitelist {
		if c.Group != "" || c.Kind != "Namespace" || c.Name == "" || strings.ContainsAny(c.Name, "*!?[") {
			t.Errorf("cluster resource %+v: want only Namespaces, each by name", c)
			continue
		}
		gotNamespaces[c.Name] = true
	}
	if !maps.Equal(gotNamespaces, wantNamespaces) {
		t.Errorf("cluster resources: Namespaces %v, want those the Applications create %v",
			slices.Sorted(maps.Keys(gotNamespaces)), slices.Sorted(maps.Keys(wantNamespaces)))
	}

	// The kinds the chart renders, across every accepted values case.
	rendered := map[string]bool{}
	forEachRender(t, func(t *testing.T, _ valuesCase, m *render.Manifest) {
		for _, o := range m.Objects {
			rendered[groupKind(o.APIVersion, o.Kind)] = true
		}
	})
	wantKinds := maps.Clone(rendered)
	wantKinds[rootApplicationKind] = true
	gotKinds := map[string]bool{}
	for _, n := range p.Spec.NamespaceResourceWhitelist {
		if n.Kind == "" || strings.Contains(n.Group+n.Kind, "*") {
			t.Errorf("namespaced resource %+v: want one group and kind, no wildcard", n)
		}
		gotKinds[n.Group+"/"+n.Kind] = true
	}
	if !maps.Equal(gotKinds, wantKinds) {
		t.Errorf("namespaced resources %v, want the chart's kinds plus the root's Applications %v",
			slices.Sorted(maps.Keys(gotKinds)), slices.Sorted(maps.Keys(wantKinds)))
	}
}
