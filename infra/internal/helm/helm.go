// Package helm installs Helm charts as Pulumi Helm Releases (helm.sh/v3):
// every release of the program goes through New, so each one has a fixed
// release name, an exact chart version and values rendered from Go structs.
package helm

import (
	"encoding/json"
	"fmt"

	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/helmvalues"
)

// Set is a value only known at deploy time (a role ARN, the VPC id), placed
// at Path inside the rendered values.
type Set struct {
	Path  []string
	Value pulumi.Input
}

// Release describes one release.
type Release struct {
	// Name is the Helm release name and the Pulumi resource name; it is
	// set explicitly so Pulumi does not add a random suffix.
	Name      string
	Chart     helmvalues.Chart
	Namespace string
	// Values is a helmvalues struct (or map), rendered with helmvalues.ToMap.
	Values any
	Sets   []Set
	// Secret marks the values secret in the Pulumi state (they carry
	// webhook URLs or similar).
	Secret bool
	// Timeout in seconds for the release to become ready.
	Timeout int
}

// New creates the release. Pass the Kubernetes provider (or a parent that
// carries it) in opts.
func New(ctx *pulumi.Context, r Release, opts ...pulumi.ResourceOption) (*helmv3.Release, error) {
	if r.Name == "" || r.Chart.Version == "" || r.Chart.Repo == "" || r.Chart.Name == "" || r.Namespace == "" {
		return nil, fmt.Errorf("helm release %q: name, chart, repository, version and namespace are all required", r.Name)
	}
	plain, err := helmvalues.ToMap(r.Values)
	if err != nil {
		return nil, fmt.Errorf("helm release %s: %w", r.Name, err)
	}
	values := toPulumiMap(plain)
	for _, s := range r.Sets {
		if err := set(values, s.Path, s.Value); err != nil {
			return nil, fmt.Errorf("helm release %s: %w", r.Name, err)
		}
	}
	var valuesInput pulumi.MapInput = values
	if r.Secret {
		secret, ok := pulumi.ToSecret(values).(pulumi.MapOutput)
		if !ok {
			return nil, fmt.Errorf("helm release %s: secret values are not a map", r.Name)
		}
		valuesInput = secret
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 600
	}
	return helmv3.NewRelease(ctx, r.Name, &helmv3.ReleaseArgs{
		Name:           pulumi.String(r.Name),
		Chart:          pulumi.String(r.Chart.Name),
		Version:        pulumi.String(r.Chart.Version),
		RepositoryOpts: &helmv3.RepositoryOptsArgs{Repo: pulumi.String(r.Chart.Repo)},
		Namespace:      pulumi.String(r.Namespace),
		Values:         valuesInput,
		Atomic:         pulumi.Bool(true),
		CleanupOnFail:  pulumi.Bool(true),
		MaxHistory:     pulumi.Int(10),
		Timeout:        pulumi.Int(timeout),
	}, opts...)
}

func toPulumiMap(m map[string]any) pulumi.Map {
	out := pulumi.Map{}
	for k, v := range m {
		out[k] = toPulumi(v)
	}
	return out
}

func toPulumi(v any) pulumi.Input {
	switch v := v.(type) {
	case map[string]any:
		return toPulumiMap(v)
	case []any:
		arr := pulumi.Array{}
		for _, e := range v {
			arr = append(arr, toPulumi(e))
		}
		return arr
	case string:
		return pulumi.String(v)
	case bool:
		return pulumi.Bool(v)
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return pulumi.Int(int(i))
		}
		f, _ := v.Float64()
		return pulumi.Float64(f)
	case nil:
		return pulumi.Any(nil)
	default:
		return pulumi.Any(v)
	}
}

func set(m pulumi.Map, path []string, v pulumi.Input) error {
	if len(path) == 0 {
		return fmt.Errorf("empty values path")
	}
	for _, p := range path[:len(path)-1] {
		next, ok := m[p]
		if !ok {
			child := pulumi.Map{}
			m[p] = child
			m = child
			continue
		}
		child, ok := next.(pulumi.Map)
		if !ok {
			return fmt.Errorf("values path %v: %q is not a map", path, p)
		}
		m = child
	}
	m[path[len(path)-1]] = v
	return nil
}
