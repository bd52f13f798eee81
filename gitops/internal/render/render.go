// Package render renders the model-api chart with Helm's Go SDK, as ArgoCD
// does with `helm template`, and decodes every object it renders strictly
// into its Kubernetes or Prometheus Operator type: a field the type does not
// know is an error, so a misspelt or misplaced key cannot pass unnoticed.
package render

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
)

// DefaultKubeVersion is the Kubernetes version the chart is rendered for
// when Options.KubeVersion is empty: the EKS version the infra stacks
// create (mlops:clusterVersion).
const DefaultKubeVersion = "v1.35.0"

// Options says what to render.
type Options struct {
	// ChartDir is the chart's directory. Required.
	ChartDir string
	// Release is the release name. Optional. Default: "model-api".
	Release string
	// Namespace is the release namespace. Optional. Default: "default".
	Namespace string
	// ValueFiles are applied in order over the chart's values.yaml, as
	// `helm template -f` and ArgoCD's helm.valueFiles do. Relative paths are
	// relative to ChartDir.
	ValueFiles []string
	// Values are applied last, as `--set` would. Optional.
	Values map[string]any
	// KubeVersion is the cluster's version, checked against the chart's
	// kubeVersion constraint. Optional. Default: DefaultKubeVersion.
	KubeVersion string
}

// Render renders the chart and decodes every object (see [Decode]). The
// values are validated against the chart's values.schema.json, and a
// template that reads a value missing from the values fails (Helm's strict
// mode).
func Render(o Options) (*Manifest, error) {
	if o.ChartDir == "" {
		return nil, fmt.Errorf("render: Options.ChartDir is required")
	}
	if o.Release == "" {
		o.Release = "model-api"
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.KubeVersion == "" {
		o.KubeVersion = DefaultKubeVersion
	}
	ch, err := loader.Load(o.ChartDir)
	if err != nil {
		return nil, fmt.Errorf("render: load chart %q: %w", o.ChartDir, err)
	}
	kv, err := chartutil.ParseKubeVersion(o.KubeVersion)
	if err != nil {
		return nil, fmt.Errorf("render: kube version %q: %w", o.KubeVersion, err)
	}
	if c := ch.Metadata.KubeVersion; c != "" && !chartutil.IsCompatibleRange(c, kv.String()) {
		return nil, fmt.Errorf("render: chart needs Kubernetes %s, rendering for %s", c, kv)
	}
	vals := map[string]any{}
	for _, f := range o.ValueFiles {
		if !filepath.IsAbs(f) {
			f = filepath.Join(o.ChartDir, f)
		}
		v, err := chartutil.ReadValuesFile(f)
		if err != nil {
			return nil, fmt.Errorf("render: read values %q: %w", f, err)
		}
		vals = MergeValues(vals, v.AsMap())
	}
	vals = MergeValues(vals, o.Values)

	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = *kv
	top, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{
		Name: o.Release, Namespace: o.Namespace, Revision: 1, IsInstall: true,
	}, caps)
	if err != nil {
		return nil, fmt.Errorf("render: values: %w", err)
	}
	files, err := engine.Engine{Strict: true}.Render(ch, top)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return decodeFiles(files)
}

// MergeValues returns dst with src merged over it the way Helm merges value
// files: maps merge key by key, anything else in src replaces what dst
// holds. Neither argument is modified.
func MergeValues(dst, src map[string]any) map[string]any {
	out := maps.Clone(dst)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok {
			if dv, ok := out[k].(map[string]any); ok {
				out[k] = MergeValues(dv, sv)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// docSeparator splits a rendered file into YAML documents.
var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// decodeFiles decodes the rendered files in name order.
func decodeFiles(files map[string]string) (*Manifest, error) {
	m := &Manifest{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		base := filepath.Base(name)
		switch {
		case base == "NOTES.txt":
			m.Notes = files[name]
			continue
		case strings.HasPrefix(base, "_"):
			continue
		}
		for _, doc := range docSeparator.Split(files[name], -1) {
			if isEmpty(doc) {
				continue
			}
			obj, err := Decode([]byte(doc))
			if err != nil {
				return nil, fmt.Errorf("render: %s: %w", name, err)
			}
			obj.Source = name
			if err := m.add(obj); err != nil {
				return nil, fmt.Errorf("render: %s: %w", name, err)
			}
		}
	}
	if err := m.finish(); err != nil {
		return nil, err
	}
	return m, nil
}

// isEmpty reports whether a YAML document holds only blank and comment lines.
func isEmpty(doc string) bool {
	for line := range strings.Lines(doc) {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

// LoadFile decodes every document of a YAML file of Kubernetes objects
// strictly (see [Decode]).
func LoadFile(path string) ([]Object, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var objs []Object
	for _, doc := range docSeparator.Split(string(b), -1) {
		if isEmpty(doc) {
			continue
		}
		obj, err := Decode([]byte(doc))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		obj.Source = path
		objs = append(objs, obj)
	}
	return objs, nil
}
