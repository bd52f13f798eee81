package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
	"github.com/mlopsgo/mlops/training/internal/dvc/pyfmt"
	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// LockFileName is the lock file beside dvc.yaml.
const LockFileName = "dvc.lock"

// LockSchema is the only dvc.lock schema DVC 2.x and 3.x write.
const LockSchema = "2.0"

// Entry is a dependency or output recorded in dvc.lock.
type Entry struct {
	Path string
	// Hash is "md5"; empty for a DVC 2.x entry (legacy md5-dos2unix).
	Hash   string
	MD5    string
	Size   int64
	NFiles int
	IsExec bool
}

// Info returns the recorded hash and meta.
func (e Entry) Info() hash.Info {
	return hash.Info{MD5: e.MD5, Size: e.Size, NFiles: e.NFiles, IsDir: hash.IsDirOid(e.MD5), IsExec: e.IsExec}
}

// NewEntry records info for path.
func NewEntry(path string, info hash.Info) Entry {
	e := Entry{Path: path, Hash: hash.Name, MD5: info.MD5, Size: info.Size}
	if info.IsDir {
		e.NFiles = info.NFiles
	} else {
		e.IsExec = info.IsExec
	}
	return e
}

// Value returns the entry as to_single_stage_lockfile orders it.
func (e Entry) Value() pyfmt.Map {
	m := pyfmt.Map{{Key: "path", Value: e.Path}}
	if e.Hash != "" {
		m.Set("hash", e.Hash)
	}
	m.Set("md5", e.MD5)
	m.Set("size", e.Size)
	if hash.IsDirOid(e.MD5) {
		m.Set("nfiles", e.NFiles)
	}
	if e.IsExec {
		m.Set("isexec", true)
	}
	return m
}

// LockStage is one stage's record in dvc.lock.
type LockStage struct {
	Name string
	// Cmd is a string or a []any of strings, as in dvc.yaml.
	Cmd  any
	Deps []Entry
	// Params maps a params file to its tracked keys and their values.
	Params pyfmt.Map
	Outs   []Entry
}

// Value returns the stage record: cmd, deps, params, outs (empty ones
// left out), deps and outs sorted by path, params.yaml first.
func (s *LockStage) Value() pyfmt.Map {
	m := pyfmt.Map{{Key: "cmd", Value: s.Cmd}}
	if len(s.Deps) > 0 {
		m.Set("deps", entriesValue(s.Deps))
	}
	if len(s.Params) > 0 {
		m.Set("params", sortedParams(s.Params))
	}
	if len(s.Outs) > 0 {
		m.Set("outs", entriesValue(s.Outs))
	}
	return m
}

func entriesValue(es []Entry) []any {
	sorted := slices.Clone(es)
	slices.SortStableFunc(sorted, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	out := make([]any, len(sorted))
	for i, e := range sorted {
		out[i] = e.Value()
	}
	return out
}

// sortedParams orders files (params.yaml first, then by name) and, in
// each, the keys (dvc/stage/serialize.py _serialize_params_values).
func sortedParams(p pyfmt.Map) pyfmt.Map {
	files := slices.Clone(p)
	slices.SortStableFunc(files, func(a, b pyfmt.KV) int {
		switch {
		case a.Key == b.Key:
			return 0
		case a.Key == DefaultParamsFile:
			return -1
		case b.Key == DefaultParamsFile:
			return 1
		}
		return strings.Compare(a.Key, b.Key)
	})
	for i, f := range files {
		if keys, ok := f.Value.(pyfmt.Map); ok {
			keys = slices.Clone(keys)
			slices.SortStableFunc(keys, func(a, b pyfmt.KV) int { return strings.Compare(a.Key, b.Key) })
			files[i].Value = keys
		}
	}
	return files
}

// Lock is a parsed dvc.lock.
type Lock struct {
	// Stages in file order.
	Stages []*LockStage
}

// Stage returns the named stage's record, or nil.
func (l *Lock) Stage(name string) *LockStage {
	for _, s := range l.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Set replaces the named stage's record in place, or appends it, as
// DVC's Lockfile.dump does.
func (l *Lock) Set(s *LockStage) {
	for i, old := range l.Stages {
		if old.Name == s.Name {
			l.Stages[i] = s
			return
		}
	}
	l.Stages = append(l.Stages, s)
}

// Marshal returns dvc.lock's text.
func (l *Lock) Marshal() ([]byte, error) {
	stages := pyfmt.Map{}
	for _, s := range l.Stages {
		stages = append(stages, pyfmt.KV{Key: s.Name, Value: s.Value()})
	}
	return pyfmt.MarshalYAML(pyfmt.Map{{Key: "schema", Value: LockSchema}, {Key: "stages", Value: stages}})
}

// Save writes the lock file atomically.
func (l *Lock) Save(path string) error {
	data, err := l.Marshal()
	if err != nil {
		return fmt.Errorf("pipeline: %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, data, 0o644)
}

// LoadLock reads path; a missing file is an empty lock.
func LoadLock(path string) (*Lock, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Lock{}, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseLock(path, data)
}

// ParseLock decodes dvc.lock strictly. Only schema '2.0' is accepted.
func ParseLock(name string, data []byte) (*Lock, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Lock{}, nil
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, name, err)
	}
	l, err := parseLock(doc.Content[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return l, nil
}

func parseLock(root *yaml.Node) (*Lock, error) {
	kvs, err := pairs(root, []string{"schema", "stages"}, "dvc.lock")
	if err != nil {
		return nil, err
	}
	l := &Lock{}
	schema := ""
	for _, kv := range kvs {
		switch kv[0].Value {
		case "schema":
			schema = kv[1].Value
		case "stages":
			stages, err := pairs(kv[1], nil, "stages")
			if err != nil {
				return nil, err
			}
			for _, s := range stages {
				st, err := parseLockStage(s[0].Value, s[1])
				if err != nil {
					return nil, err
				}
				l.Stages = append(l.Stages, st)
			}
		}
	}
	if schema != LockSchema {
		return nil, invalid(root, "schema is %q; only %q (DVC 2.x and 3.x) is supported", schema, LockSchema)
	}
	return l, nil
}

func parseLockStage(name string, n *yaml.Node) (*LockStage, error) {
	what := "stage " + name
	kvs, err := pairs(n, []string{"cmd", "deps", "params", "outs"}, what)
	if err != nil {
		return nil, err
	}
	st := &LockStage{Name: name}
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "cmd":
			if st.Cmd, err = pyfmt.FromNode(v); err != nil {
				return nil, invalid(v, "%s: cmd: %v", what, err)
			}
		case "deps", "outs":
			if v.Kind != yaml.SequenceNode {
				return nil, invalid(v, "%s: %s must be a list", what, k.Value)
			}
			for _, c := range v.Content {
				e, err := parseEntry(c, what+": "+k.Value)
				if err != nil {
					return nil, err
				}
				if k.Value == "deps" {
					st.Deps = append(st.Deps, e)
				} else {
					st.Outs = append(st.Outs, e)
				}
			}
		case "params":
			val, err := pyfmt.FromNode(v)
			if err != nil {
				return nil, invalid(v, "%s: params: %v", what, err)
			}
			m, ok := val.(pyfmt.Map)
			if !ok {
				return nil, invalid(v, "%s: params must be a mapping", what)
			}
			for _, f := range m {
				if _, ok := f.Value.(pyfmt.Map); !ok {
					return nil, invalid(v, "%s: params: %s must be a mapping", what, f.Key)
				}
			}
			st.Params = m
		}
	}
	return st, nil
}

func parseEntry(n *yaml.Node, what string) (Entry, error) {
	kvs, err := pairs(n, []string{"path", "hash", "md5", "size", "nfiles", "isexec", "etag", "version_id", "checksum", "files"}, what)
	if err != nil {
		return Entry{}, err
	}
	var e Entry
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "path":
			e.Path = v.Value
		case "hash":
			e.Hash = v.Value
		case "md5":
			e.MD5 = v.Value
		case "size":
			if v.Decode(&e.Size) != nil {
				return Entry{}, invalid(v, "%s: size must be an integer", what)
			}
		case "nfiles":
			if v.Decode(&e.NFiles) != nil {
				return Entry{}, invalid(v, "%s: nfiles must be an integer", what)
			}
		case "isexec":
			if v.Decode(&e.IsExec) != nil {
				return Entry{}, invalid(v, "%s: isexec must be a boolean", what)
			}
		}
	}
	if e.Path == "" {
		return Entry{}, invalid(n, "%s: path is required", what)
	}
	if e.MD5 != "" && !hash.ValidOid(e.MD5) {
		return Entry{}, invalid(n, "%s: %s: md5 %q is not an md5 hash", what, e.Path, e.MD5)
	}
	if e.Hash != "" && e.Hash != hash.Name {
		return Entry{}, invalid(n, "%s: %s: hash %q is not supported", what, e.Path, e.Hash)
	}
	return e, nil
}

// ParseLockStage decodes one stage record (a run-cache entry has this
// form: cmd, deps, params, outs).
func ParseLockStage(name string, data []byte) (*LockStage, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return parseLockStage(name, doc.Content[0])
}
