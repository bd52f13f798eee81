package scm

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// GitIgnore is the name of git's per-directory ignore file.
const GitIgnore = ".gitignore"

// Entry returns the line `dvc add` writes for a path whose base name is
// base: "/" + base with gitwildmatch's special characters ([ ] ! * # ?)
// escaped by a backslash, e.g. "/data" or `/file\!with\*weird\#naming_\[1\].t\?t`.
func Entry(base string) string {
	var b strings.Builder
	b.WriteByte('/')
	for _, r := range base {
		if strings.ContainsRune("[]!*#?", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// AddEntry returns content with entry appended as its own line, as
// scmrepo's Git.ignore writes it: a newline first if content does not end
// with one, then entry and "\n". It reports false, and returns content
// unchanged, when the line is already there.
func AddEntry(content []byte, entry string) ([]byte, bool) {
	for _, line := range strings.Split(string(content), "\n") {
		if strings.TrimSuffix(line, "\r") == entry {
			return content, false
		}
	}
	out := bytes.Clone(content)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	out = append(out, entry...)
	return append(out, '\n'), true
}

// Ignore makes git ignore path (a file or directory in the work tree) the
// way `dvc add` does: an entry "/<base>" in the .gitignore beside it,
// unless git ignores it already. It returns the .gitignore it changed, or
// "" when nothing changed.
func (g *Git) Ignore(ctx context.Context, path string) (string, error) {
	abs := path
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(g.Root, path)
	}
	ignored, err := g.IsIgnored(ctx, abs)
	if err != nil {
		return "", err
	}
	if ignored {
		return "", nil
	}
	file := filepath.Join(filepath.Dir(abs), GitIgnore)
	content, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	out, changed := AddEntry(content, Entry(filepath.Base(abs)))
	if !changed {
		return "", nil
	}
	if err := atomicfile.WriteFile(file, out, 0o644); err != nil {
		return "", err
	}
	return file, nil
}
