package hash

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dvc/pyfmt"
)

// Entry is one file of a directory manifest.
type Entry struct {
	// RelPath is the file's slash-separated path inside the directory.
	RelPath string
	// MD5 is the file's hex md5.
	MD5 string
	// Size is the file's size; manifests do not record it, so it is 0
	// for a tree parsed from one.
	Size int64
}

// Tree is a directory manifest: one entry per file, sorted by RelPath.
type Tree []Entry

// Sort orders the entries by RelPath as DVC does (Python str order, which
// is byte order for valid UTF-8).
func (t Tree) Sort() {
	slices.SortFunc(t, func(a, b Entry) int { return strings.Compare(a.RelPath, b.RelPath) })
}

// Bytes returns the manifest exactly as DVC stores it in the cache, e.g.
// [{"md5": "37b5...", "relpath": "bar"}, {"md5": "acbd...", "relpath": "foo"}]
// (no trailing newline). The tree must be sorted.
func (t Tree) Bytes() []byte {
	b := []byte{'['}
	for i, e := range t {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, `{"md5": `...)
		b = pyfmt.AppendJSONString(b, e.MD5)
		b = append(b, `, "relpath": `...)
		b = pyfmt.AppendJSONString(b, e.RelPath)
		b = append(b, '}')
	}
	return append(b, ']')
}

// Digest returns the tree's oid ("<md5 of Bytes>.dir") and its manifest.
func (t Tree) Digest() (string, []byte) {
	b := t.Bytes()
	return Bytes(b) + DirSuffix, b
}

// Info summarizes the tree as a .dvc file records a directory.
func (t Tree) Info() Info {
	oid, _ := t.Digest()
	var size int64
	for _, e := range t {
		size += e.Size
	}
	return Info{MD5: oid, Size: size, NFiles: len(t), IsDir: true}
}

// ErrBadManifest is returned by ParseTree for bytes that are not a DVC
// directory manifest.
var ErrBadManifest = errors.New("hash: not a directory manifest")

// ParseTree decodes a .dir manifest. Extra keys DVC may write with meta
// (size, isexec, ...) are accepted and ignored; entries must have a valid
// md5 and a relative, clean relpath, and no relpath may repeat.
func ParseTree(b []byte) (Tree, error) {
	var raw []map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadManifest, err)
	}
	t := make(Tree, 0, len(raw))
	seen := make(map[string]bool, len(raw))
	for i, m := range raw {
		sum, _ := m["md5"].(string)
		rel, _ := m["relpath"].(string)
		if !ValidOid(sum) || IsDirOid(sum) {
			return nil, fmt.Errorf("%w: entry %d: bad md5 %q", ErrBadManifest, i, sum)
		}
		if rel == "" || path.IsAbs(rel) || path.Clean(rel) != rel || rel == ".." || strings.HasPrefix(rel, "../") || strings.Contains(rel, "\\") {
			return nil, fmt.Errorf("%w: entry %d: bad relpath %q", ErrBadManifest, i, rel)
		}
		if seen[rel] {
			return nil, fmt.Errorf("%w: relpath %q repeats", ErrBadManifest, rel)
		}
		seen[rel] = true
		t = append(t, Entry{RelPath: rel, MD5: sum})
	}
	t.Sort()
	return t, nil
}
