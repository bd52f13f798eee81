package release

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Paths of the committed Applications, relative to this package.
var applications = []string{"../../apps/dev/model-api.yaml", "../../apps/prod/model-api.yaml"}

const testDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func testRelease(rev string) Release {
	return Release{Revision: rev, Repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlops-dev/model-api", Tag: rev, Digest: testDigest}
}

// gitRepo makes a repository with a linear history a <- b and a side
// branch a <- c, and returns its directory and the three commits.
func gitRepo(t *testing.T) (dir, a, b, c string) {
	t.Helper()
	dir = t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), "git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q", "-b", "main")
	run("commit", "-q", "--allow-empty", "-m", "a")
	a = run("rev-parse", "HEAD")
	run("commit", "-q", "--allow-empty", "-m", "b")
	b = run("rev-parse", "HEAD")
	run("checkout", "-q", "-b", "side", a)
	run("commit", "-q", "--allow-empty", "-m", "c")
	c = run("rev-parse", "HEAD")
	return dir, a, b, c
}

// appAt copies the committed Application for env into dir with its
// targetRevision set to rev and no image, as before a first release.
func appAt(t *testing.T, dir, src, rev string) string {
	t.Helper()
	doc, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Read(doc)
	if err != nil {
		t.Fatal(err)
	}
	if r.Repository != "" || r.Tag != "" || r.Digest != "" {
		// Released already: start from a copy pinned to rev with the same image.
		r.Revision = rev
	}
	doc = bytes.Replace(doc, []byte(`targetRevision: "`+r.Revision), []byte(`targetRevision: "`+rev), 1)
	path := filepath.Join(dir, filepath.Base(filepath.Dir(src))+".yaml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWriteKeepsTheRest checks the round trip of each committed
// Application: rewriting what it pins changes nothing, and writing a
// release changes only targetRevision and the parameters, which Read then
// returns.
func TestWriteKeepsTheRest(t *testing.T) {
	for _, f := range applications {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			pinned, err := Read(doc)
			if err != nil {
				t.Fatal(err)
			}
			if pinned.Repository != "" {
				same, err := Write(doc, pinned)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(same, doc) {
					t.Errorf("%s: writing what it pins changed it:\n%s", f, same)
				}
			}
			want := testRelease(strings.Repeat("ab", 20))
			out, err := Write(doc, want)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Read(out)
			if err != nil || got != want {
				t.Errorf("Read(Write(%v)) = %v, %v", want, got, err)
			}
			again, err := Write(out, want)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("writing the same release twice differs (%v):\n%s\n---\n%s", err, out, again)
			}
			// Every line of the original survives but the revision's.
			for line := range strings.Lines(string(doc)) {
				if strings.Contains(line, "targetRevision:") {
					continue
				}
				if !strings.Contains(string(out), line) {
					t.Errorf("line %q is gone", strings.TrimSpace(line))
				}
			}
			for _, frag := range []string{
				`targetRevision: "` + want.Revision + `"`,
				"- name: image.repository\n          value: \"" + want.Repository + "\"\n          forceString: true",
				"- name: image.digest\n          value: \"" + testDigest + "\"",
			} {
				if !strings.Contains(string(out), frag) {
					t.Errorf("the written Application lacks %q:\n%s", frag, out)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := testRelease(strings.Repeat("0", 40))
	cases := map[string]struct {
		edit func(*Release)
		want string
	}{
		"valid":             {func(*Release) {}, ""},
		"short revision":    {func(r *Release) { r.Revision = "abc123" }, "revision"},
		"branch revision":   {func(r *Release) { r.Revision = "main" }, "revision"},
		"empty repository":  {func(r *Release) { r.Repository = "" }, "repository"},
		"tagged repository": {func(r *Release) { r.Repository += ":v1" }, "repository"},
		"empty tag":         {func(r *Release) { r.Tag = "" }, "tag"},
		"empty digest":      {func(r *Release) { r.Digest = "" }, "digest"},
		"short digest":      {func(r *Release) { r.Digest = "sha256:abc" }, "digest"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := ok
			c.edit(&r)
			err := r.Validate()
			if c.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Validate() = %v, want ErrInvalid naming %s", err, c.want)
			}
		})
	}
}

// TestBump runs Bump on copies of the committed Applications in a real git
// repository: forward moves are written, the same release again is no
// change, and a revision off the deployed one's history is refused.
func TestBump(t *testing.T) {
	dir, a, b, c := gitRepo(t)
	for _, src := range applications {
		t.Run(filepath.Base(filepath.Dir(src)), func(t *testing.T) {
			file := appAt(t, dir, src, a)
			bump := func(rev string) (bool, error) {
				return Bump(t.Context(), Options{File: file, GitDir: dir, Release: testRelease(rev)})
			}
			if changed, err := bump(b); err != nil || !changed {
				t.Fatalf("first release a -> b: changed %v, err %v; want a change", changed, err)
			}
			written, _ := os.ReadFile(file)
			if r, _ := Read(written); r != testRelease(b) {
				t.Errorf("after the bump the Application pins %v, want %v", r, testRelease(b))
			}
			if changed, err := bump(b); err != nil || changed {
				t.Errorf("re-run with b: changed %v, err %v; want no change and no error", changed, err)
			}
			for _, rev := range []string{a, c} {
				changed, err := bump(rev)
				if !errors.Is(err, ErrNotDescendant) || changed {
					t.Errorf("b -> %s: changed %v, err %v; want ErrNotDescendant", rev[:7], changed, err)
				}
			}
			if after, _ := os.ReadFile(file); !bytes.Equal(after, written) {
				t.Errorf("a refused bump changed the file")
			}
			changed, err := bump(strings.Repeat("f", 40))
			if err == nil || errors.Is(err, ErrNotDescendant) || changed {
				t.Errorf("bump to a commit not in the repository: changed %v, err %v; want an error saying it is missing", changed, err)
			}
		})
	}
}

func TestBumpRejectsInvalid(t *testing.T) {
	dir, a, b, _ := gitRepo(t)
	file := appAt(t, dir, applications[0], a)
	r := testRelease(b)
	r.Digest = ""
	if _, err := Bump(t.Context(), Options{File: file, GitDir: dir, Release: r}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Bump without a digest: %v, want ErrInvalid", err)
	}
	if err := os.WriteFile(file, []byte("kind: ConfigMap\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Bump(t.Context(), Options{File: file, GitDir: dir, Release: testRelease(b)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Bump of a ConfigMap: %v, want ErrInvalid", err)
	}
}
