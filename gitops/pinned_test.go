package gitops

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/gitops/internal/release"
	"github.com/mlopsgo/mlops/gitops/internal/render"
)

// TestPinnedChartRenders renders each Application's chart as ArgoCD will:
// at its pinned targetRevision (taken from git, not the working tree),
// with its value files and image parameters. Before the first release it
// must fail for want of an image; once released it must run exactly the
// parameters' image. The working-tree tests cannot catch a pin to a commit
// whose chart still had a placeholder image or an older edge.
func TestPinnedChartRenders(t *testing.T) {
	for _, env := range environments {
		t.Run(env, func(t *testing.T) {
			appFile := filepath.Join(appsDir, env, "model-api.yaml")
			app := loadApplication(t, appFile)
			src := app.Spec.Source
			dir := t.TempDir()
			extract(t, src.TargetRevision, src.Path, dir)
			opts := render.Options{
				ChartDir: filepath.Join(dir, filepath.FromSlash(src.Path)), Release: src.Helm.ReleaseName,
				Namespace: app.Spec.Destination.Namespace, ValueFiles: src.Helm.ValueFiles,
			}
			if len(src.Helm.Parameters) == 0 {
				_, err := render.Render(opts)
				if err == nil || !strings.Contains(err.Error(), "image.repository is required") {
					t.Errorf("%s's chart at %s without image parameters: %v, want it to refuse to render (image.repository is required)", env, src.TargetRevision, err)
				}
				return
			}
			r, err := release.Read(readFile(t, appFile))
			if err != nil {
				t.Fatal(err)
			}
			opts.Values = map[string]any{"image": map[string]any{"repository": r.Repository, "tag": r.Tag, "digest": r.Digest}}
			m, err := render.Render(opts)
			if err != nil {
				t.Fatalf("%s's chart at %s: %v", env, src.TargetRevision, err)
			}
			if got := container(t, m).Image; got != r.Image() || placeholderAccount.MatchString(got) {
				t.Errorf("%s's chart at %s runs %q, want %q", env, src.TargetRevision, got, r.Image())
			}
		})
	}
}

// extract writes the tree path of commit rev of this repository into dir.
func extract(t *testing.T, rev, path, dir string) {
	t.Helper()
	cmd := exec.Command("git", "archive", "--format=tar", rev, path)
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git archive %s %s: %v: %s (a shallow clone lacks the pinned commit: fetch the history, e.g. actions/checkout's fetch-depth: 0)", rev, path, err, stderr.String())
	}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(target, filepath.Clean(dir)+string(filepath.Separator)) {
			t.Fatalf("git archive: entry %q outside the tree", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(target, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
