package e2e

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/gitops/internal/render"
	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// valueFiles lists the environments' value files, relative to this package.
func valueFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(chartDir, "values-*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("value files %v (%v): want values-dev.yaml and values-prod.yaml at least", files, err)
	}
	return files
}

// TestE2EHelm runs the pinned helm binary: `helm lint --strict` with each
// environment's values, and `helm template`, whose objects must equal what
// the Go SDK renders in the unit tests (so those tests check what ArgoCD,
// which runs helm template, applies).
func TestE2EHelm(t *testing.T) {
	requireE2E(t)
	helm := procrun.Program(t, "HELM", "make e2e-gitops installs it (go install helm.sh/helm/v3/cmd/helm)")
	t.Log(strings.TrimSpace(run(t, ".", helm, "version", "--short")))
	kube := strings.TrimPrefix(render.DefaultKubeVersion, "v")
	for _, f := range valueFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out := run(t, ".", helm, "lint", "--strict", "--kube-version", kube, "--namespace", "model-api-test", "-f", testImage, "-f", f, chartDir)
			if !strings.Contains(out, "0 chart(s) failed") {
				t.Errorf("helm lint:\n%s", out)
			}
			cli := run(t, ".", helm, "template", "model-api", chartDir, "--kube-version", kube, "--namespace", "model-api-test", "-f", testImage, "-f", f)
			dir := t.TempDir()
			path := filepath.Join(dir, "manifest.yaml")
			if err := os.WriteFile(path, []byte(cli), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := render.LoadFile(path)
			if err != nil {
				t.Fatalf("helm template's output does not decode strictly: %v", err)
			}
			want := renderChart(t, render.Options{Release: "model-api", Namespace: "model-api-test", ValueFiles: []string{f}}).Objects
			if len(got) != len(want) {
				t.Fatalf("helm template rendered %d objects, the Go SDK %d", len(got), len(want))
			}
			byName := map[string]render.Object{}
			for _, o := range want {
				byName[o.Kind+"/"+o.Name] = o
			}
			for _, o := range got {
				w, ok := byName[o.Kind+"/"+o.Name]
				if !ok {
					t.Errorf("helm template rendered %s/%s, the Go SDK did not", o.Kind, o.Name)
					continue
				}
				if !reflect.DeepEqual(o.Value, w.Value) {
					t.Errorf("%s/%s differs between helm template and the Go SDK", o.Kind, o.Name)
				}
			}
			t.Logf("helm lint passed; helm template rendered the same %d objects as the Go SDK", len(got))
		})
	}
}
