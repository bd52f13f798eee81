package tune

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
	"github.com/mlopsgo/mlops/training/internal/yamledit"
)

// Apply writes each model's chosen point into the params file at path,
// under models.<name>: a key the section has gets the new value in place,
// a key it lacks is appended. Only those values' bytes change: comments,
// blank lines, spacing, quoting and key order stay as they were (see
// applyBytes). The result must parse as a valid params file before it is
// written, and is written to a temporary file renamed over path, so a
// failure never leaves path half written.
func Apply(path string, chosen map[string]space.Point) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("apply to %s: %w", path, err)
	}
	out, err := applyBytes(data, chosen)
	if err != nil {
		return fmt.Errorf("apply to %s: %w", path, err)
	}
	if _, err := params.Parse(path, out); err != nil {
		return fmt.Errorf("apply to %s: the result would not be valid, nothing written: %w", path, err)
	}
	return writeAtomic(path, out)
}

// applyBytes returns the params file data with the chosen points applied,
// edited in place by yamledit where it can: a user diffing params.yaml
// after --apply sees the changed values and nothing else. Where it cannot
// (a block scalar, an alias), or where its result would read differently
// from the re-encoded document, the re-encoded one is returned: yaml.v3
// keeps its comments and order but normalizes spacing and quoting.
func applyBytes(data []byte, chosen map[string]space.Point) ([]byte, error) {
	encoded, err := reencode(data, chosen)
	if err != nil {
		return nil, err
	}
	if edited, err := editInPlace(data, chosen); err == nil && sameDocument(edited, encoded) {
		return edited, nil
	}
	return encoded, nil
}

// editInPlace sets the chosen points with yamledit, model by model in name
// order.
func editInPlace(data []byte, chosen map[string]space.Point) ([]byte, error) {
	for _, name := range slices.Sorted(maps.Keys(chosen)) {
		fields := make([]yamledit.Field, len(chosen[name]))
		for i, s := range chosen[name] {
			fields[i] = yamledit.Field{Key: s.Key, Value: space.ValueNode(s.Value)}
		}
		var err error
		if data, err = yamledit.Set(data, []string{"models", name}, fields); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// sameDocument reports whether a and b decode to equal values.
func sameDocument(a, b []byte) bool {
	var va, vb any
	return yaml.Unmarshal(a, &va) == nil && yaml.Unmarshal(b, &vb) == nil && reflect.DeepEqual(va, vb)
}

// reencode applies the chosen points to the document's yaml.v3 nodes and
// encodes it again, putting back the blank lines yaml.v3 drops.
func reencode(data []byte, chosen map[string]space.Point) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the file is not a mapping")
	}
	models := yamledit.Lookup(doc.Content[0], "models")
	if models == nil || models.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("it has no models: mapping")
	}
	for name, p := range chosen {
		section := yamledit.Lookup(models, name)
		if section == nil {
			return nil, fmt.Errorf("models: does not list %s", name)
		}
		if section.Kind != yaml.MappingNode {
			// An empty (null) section becomes a block mapping.
			*section = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: section.HeadComment, LineComment: section.LineComment, FootComment: section.FootComment}
		}
		for _, s := range p {
			v := space.ValueNode(s.Value)
			if old := yamledit.Lookup(section, s.Key); old != nil {
				v.HeadComment, v.LineComment, v.FootComment = old.HeadComment, old.LineComment, old.FootComment
				*old = *v
				continue
			}
			if section.Style == yaml.FlowStyle {
				v.Style |= yaml.FlowStyle
			}
			section.Content = append(section.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s.Key}, v)
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return restoreBlankLines(data, buf.Bytes()), nil
}

// restoreBlankLines puts back into out, the re-encoded file, the blank
// lines of orig that yaml.v3 drops (it keeps comments, not blank lines):
// each goes before the next line of orig found, unchanged, in out. Only
// blank lines are added; out's lines stay in order.
func restoreBlankLines(orig, out []byte) []byte {
	outLines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	var res []string
	cursor, blanks := 0, 0
	for _, l := range strings.Split(string(orig), "\n") {
		if strings.TrimSpace(l) == "" {
			blanks++
			continue
		}
		j := slices.Index(outLines[cursor:], l)
		if j < 0 {
			continue // a changed line; the blank lines wait for the next one
		}
		res = append(res, outLines[cursor:cursor+j]...)
		// yaml.v3 keeps the blank line after a document's head comment.
		for n := len(res); n > 0 && res[n-1] == "" && blanks > 0; n-- {
			blanks--
		}
		for ; blanks > 0; blanks-- {
			res = append(res, "")
		}
		res = append(res, outLines[cursor+j])
		cursor += j + 1
	}
	res = append(res, outLines[cursor:]...)
	return []byte(strings.Join(res, "\n") + "\n")
}

// writeAtomic writes data to a temporary file beside path, with path's
// permissions, and renames it over path.
func writeAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("apply to %s: %w", path, err)
	}
	defer os.Remove(f.Name()) // after a successful rename there is nothing to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("apply to %s: %w", path, err)
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("apply to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("apply to %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("apply to %s: %w", path, err)
	}
	return nil
}
