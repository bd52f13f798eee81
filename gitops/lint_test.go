package gitops

import (
	"path/filepath"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"

	"github.com/mlopsgo/mlops/gitops/internal/render"
)

// TestHelmLint runs Helm's linter (what `helm lint --strict` runs) in
// process on the chart with every accepted values combination; make
// e2e-gitops runs the helm binary too.
func TestHelmLint(t *testing.T) {
	kv, err := chartutil.ParseKubeVersion(render.DefaultKubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range valuesCases(t) {
		t.Run(c.name, func(t *testing.T) {
			vals := map[string]any{}
			for _, f := range c.files {
				v, err := chartutil.ReadValuesFile(f)
				if err != nil {
					t.Fatal(err)
				}
				vals = render.MergeValues(vals, v.AsMap())
			}
			dir, err := filepath.Abs(chartDir)
			if err != nil {
				t.Fatal(err)
			}
			res := lint.AllWithKubeVersion(dir, vals, c.namespace, kv)
			for _, msg := range res.Messages {
				// --strict fails on warnings too; INFO (e.g. "icon is recommended") passes.
				if msg.Severity >= support.WarningSev {
					t.Errorf("%s: %s", c.name, msg)
				}
			}
		})
	}
}
