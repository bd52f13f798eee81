// Package dvcfile reads and writes .dvc files, the single-stage files
// `dvc add` creates, exactly as DVC 3.x writes them: for a file
//
//	outs:
//	- md5: acbd18db4cc2f85cedef654fccc4a4d8
//	  size: 3
//	  hash: md5
//	  path: foo
//
// and for a directory md5 "<hex>.dir" followed by size and nfiles. Field
// order follows dvc/output.py (Output.dumpd) and dvc/stage/serialize.py;
// the YAML text is what DVC's ruamel.yaml writer produces (see pyfmt).
package dvcfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
	"github.com/mlopsgo/mlops/training/internal/dvc/pyfmt"
	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// Suffix ends the name of every .dvc file.
const Suffix = ".dvc"

// File is a parsed .dvc file.
type File struct {
	Desc          string    `yaml:"desc,omitempty"`
	MD5           string    `yaml:"md5,omitempty"`
	Cmd           yaml.Node `yaml:"cmd,omitempty"`
	Wdir          string    `yaml:"wdir,omitempty"`
	Frozen        bool      `yaml:"frozen,omitempty"`
	Deps          []Out     `yaml:"deps,omitempty"`
	Outs          []Out     `yaml:"outs,omitempty"`
	AlwaysChanged bool      `yaml:"always_changed,omitempty"`
	Meta          yaml.Node `yaml:"meta,omitempty"`
}

// Out is one dependency or output entry.
type Out struct {
	// Path is relative to the .dvc file's directory, slash-separated.
	Path string `yaml:"path"`
	// MD5 is the file md5 or the directory manifest oid ("<hex>.dir").
	MD5    string `yaml:"md5,omitempty"`
	Size   *int64 `yaml:"size,omitempty"`
	NFiles *int   `yaml:"nfiles,omitempty"`
	IsExec bool   `yaml:"isexec,omitempty"`
	// Hash is "md5" for DVC 3.x hashes; empty for a 2.x entry, whose md5
	// is the legacy md5-dos2unix and is not comparable with ours.
	Hash    string    `yaml:"hash,omitempty"`
	Desc    string    `yaml:"desc,omitempty"`
	Type    string    `yaml:"type,omitempty"`
	Labels  []string  `yaml:"labels,omitempty"`
	Meta    yaml.Node `yaml:"meta,omitempty"`
	Cache   *bool     `yaml:"cache,omitempty"`
	Metric  yaml.Node `yaml:"metric,omitempty"`
	Plot    yaml.Node `yaml:"plot,omitempty"`
	Persist bool      `yaml:"persist,omitempty"`
	Remote  string    `yaml:"remote,omitempty"`
	Push    *bool     `yaml:"push,omitempty"`
	// Cloud-versioning fields DVC writes for version-aware remotes.
	ETag      string    `yaml:"etag,omitempty"`
	VersionID string    `yaml:"version_id,omitempty"`
	Checksum  string    `yaml:"checksum,omitempty"`
	Files     yaml.Node `yaml:"files,omitempty"`
}

// UseCache reports whether the output is stored in the cache (the
// default) rather than left to git.
func (o Out) UseCache() bool { return o.Cache == nil || *o.Cache }

// Legacy reports whether the entry carries a DVC 2.x hash.
func (o Out) Legacy() bool { return o.Hash == "" && o.MD5 != "" }

// SetInfo records info as the output's hash and meta, in DVC 3.x form.
func (o *Out) SetInfo(info hash.Info) {
	o.MD5 = info.MD5
	size := info.Size
	o.Size = &size
	o.NFiles = nil
	if info.IsDir {
		n := info.NFiles
		o.NFiles = &n
	}
	o.IsExec = info.IsExec && !info.IsDir
	o.Hash = hash.Name
}

// Info returns the recorded hash and meta.
func (o Out) Info() hash.Info {
	info := hash.Info{MD5: o.MD5, IsDir: hash.IsDirOid(o.MD5), IsExec: o.IsExec}
	if o.Size != nil {
		info.Size = *o.Size
	}
	if o.NFiles != nil {
		info.NFiles = *o.NFiles
	}
	return info
}

// Errors of Parse.
var (
	// ErrInvalid wraps every reason a .dvc file is rejected.
	ErrInvalid = errors.New("dvcfile: invalid .dvc file")
)

// Parse decodes a .dvc file strictly: unknown keys, a missing path, or a
// malformed md5 are errors. name is used in messages.
func Parse(name string, data []byte) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: %s is empty", ErrInvalid, name)
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, name, err)
	}
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, name, err)
	}
	return &f, nil
}

func (f *File) validate() error {
	for _, n := range []*yaml.Node{&f.Cmd, &f.Meta} {
		if n.Kind != 0 {
			if _, err := pyfmt.FromNode(n); err != nil {
				return err
			}
		}
	}
	if len(f.Outs) == 0 && len(f.Deps) == 0 {
		return errors.New("no outs")
	}
	for i, list := range [][]Out{f.Deps, f.Outs} {
		kind := [...]string{"deps", "outs"}[i]
		for j, o := range list {
			if o.Path == "" {
				return fmt.Errorf("%s[%d]: path is required", kind, j)
			}
			if o.MD5 != "" && !hash.ValidOid(o.MD5) {
				return fmt.Errorf("%s[%d] %s: md5 %q is not an md5 hash", kind, j, o.Path, o.MD5)
			}
			if o.Hash != "" && o.Hash != hash.Name {
				return fmt.Errorf("%s[%d] %s: hash %q is not supported (want md5)", kind, j, o.Path, o.Hash)
			}
		}
	}
	return nil
}

// Load reads and parses the .dvc file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Marshal returns the file as DVC writes it.
func (f *File) Marshal() ([]byte, error) {
	var m pyfmt.Map
	if f.Desc != "" {
		m.Set("desc", f.Desc)
	}
	if f.MD5 != "" {
		m.Set("md5", f.MD5)
	}
	if f.Cmd.Kind != 0 {
		m.Set("cmd", toValue(&f.Cmd))
	}
	if f.Wdir != "" {
		m.Set("wdir", f.Wdir)
	}
	if f.Frozen {
		m.Set("frozen", true)
	}
	if len(f.Deps) > 0 {
		m.Set("deps", outsValue(f.Deps))
	}
	if len(f.Outs) > 0 {
		m.Set("outs", outsValue(f.Outs))
	}
	if f.AlwaysChanged {
		m.Set("always_changed", true)
	}
	if f.Meta.Kind != 0 {
		m.Set("meta", toValue(&f.Meta))
	}
	return pyfmt.MarshalYAML(m)
}

func outsValue(outs []Out) []any {
	s := make([]any, len(outs))
	for i, o := range outs {
		s[i] = o.Value()
	}
	return s
}

// Value returns the entry as Output.dumpd orders it: the hash, the meta
// (size, nfiles, isexec, cloud fields), "hash: md5", path, annotations,
// then the flags that differ from their defaults.
func (o Out) Value() pyfmt.Map {
	var m pyfmt.Map
	if o.MD5 != "" {
		m.Set("md5", o.MD5)
	}
	if o.Size != nil {
		m.Set("size", *o.Size)
	}
	if o.NFiles != nil {
		m.Set("nfiles", *o.NFiles)
	}
	if o.IsExec {
		m.Set("isexec", true)
	}
	if o.VersionID != "" {
		m.Set("version_id", o.VersionID)
	}
	if o.ETag != "" {
		m.Set("etag", o.ETag)
	}
	if o.Checksum != "" {
		m.Set("checksum", o.Checksum)
	}
	if o.Hash != "" {
		m.Set("hash", o.Hash)
	}
	m.Set("path", o.Path)
	if o.Desc != "" {
		m.Set("desc", o.Desc)
	}
	if o.Type != "" {
		m.Set("type", o.Type)
	}
	if len(o.Labels) > 0 {
		l := make([]any, len(o.Labels))
		for i, s := range o.Labels {
			l[i] = s
		}
		m.Set("labels", l)
	}
	if o.Meta.Kind != 0 {
		m.Set("meta", toValue(&o.Meta))
	}
	if !o.UseCache() {
		m.Set("cache", false)
	}
	if o.Metric.Kind != 0 {
		m.Set("metric", toValue(&o.Metric))
	}
	if o.Plot.Kind != 0 {
		m.Set("plot", toValue(&o.Plot))
	}
	if o.Persist {
		m.Set("persist", true)
	}
	if o.Remote != "" {
		m.Set("remote", o.Remote)
	}
	if o.Push != nil && !*o.Push {
		m.Set("push", false)
	}
	if o.Files.Kind != 0 {
		m.Set("files", toValue(&o.Files))
	}
	return m
}

// toValue converts a node kept verbatim from the parsed file to the pyfmt
// value model, keeping key order. Parse has already checked it converts.
func toValue(n *yaml.Node) any {
	v, err := pyfmt.FromNode(n)
	if err != nil {
		return n.Value
	}
	return v
}

// Save writes f to path atomically.
func (f *File) Save(path string) error {
	data, err := f.Marshal()
	if err != nil {
		return fmt.Errorf("dvcfile: %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, data, 0o644)
}

// PathFor returns the .dvc file that tracks target (a path relative to the
// repository root, or absolute): target's cleaned path plus ".dvc", so
// "data/" and "data" both give "data.dvc", as dvc/utils resolve_paths does.
func PathFor(target string) string {
	return filepath.Clean(strings.TrimRight(target, `/\`)) + Suffix
}
