// Package appproject reads the ArgoCD AppProject the platform creates from
// its manifest in this repository (gitops/projects/), so the project's
// rules live beside the Applications and the chart they constrain, where
// the gitops module's tests check them. It does not import Pulumi.
package appproject

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"gopkg.in/yaml.v3"
)

// Namespace is where ArgoCD reads AppProjects (the argocd release's).
const Namespace = "argocd"

// Project is an AppProject manifest.
type Project struct {
	Name   string
	Labels map[string]string
	// Spec is the manifest's spec as decoded YAML, passed to the cluster
	// as is.
	Spec map[string]any
}

// manifest is the part of the file Parse reads; spec stays generic.
type manifest struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string            `yaml:"name"`
		Namespace string            `yaml:"namespace"`
		Labels    map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Spec map[string]any `yaml:"spec"`
}

// Parse reads an AppProject manifest and checks it lets Applications read
// from repoURL alone (the stack's repository).
func Parse(doc []byte, repoURL string) (Project, error) {
	var m manifest
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return Project{}, fmt.Errorf("appproject: %w", err)
	}
	if m.APIVersion != "argoproj.io/v1alpha1" || m.Kind != "AppProject" {
		return Project{}, fmt.Errorf("appproject: %s %s is not an argoproj.io/v1alpha1 AppProject", m.APIVersion, m.Kind)
	}
	if m.Metadata.Name == "" || m.Metadata.Namespace != Namespace {
		return Project{}, fmt.Errorf("appproject: %q in namespace %q: want a name, in %s", m.Metadata.Name, m.Metadata.Namespace, Namespace)
	}
	var repos []string
	if list, ok := m.Spec["sourceRepos"].([]any); ok {
		for _, r := range list {
			s, _ := r.(string)
			repos = append(repos, s)
		}
	}
	if !slices.Equal(repos, []string{repoURL}) {
		return Project{}, fmt.Errorf("appproject: sourceRepos %q, want the stack's repository %s alone", repos, repoURL)
	}
	return Project{Name: m.Metadata.Name, Labels: m.Metadata.Labels, Spec: m.Spec}, nil
}

// Load reads and parses the manifest at path.
func Load(path, repoURL string) (Project, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Project{}, fmt.Errorf("appproject: %w", err)
	}
	p, err := Parse(b, repoURL)
	if err != nil {
		return Project{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
