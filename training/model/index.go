package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// IndexFormatVersion is the value of the "format" field of models/index.json.
const IndexFormatVersion = "mlops.index/v1"

// IndexFile is the index's file name inside a models directory.
const IndexFile = "index.json"

// Index lists the bundles of a models directory and names the champion, the
// model new endpoints serve by default.
type Index struct {
	Format   string       `json:"format"`
	Champion string       `json:"champion"`
	Models   []IndexEntry `json:"models"`
}

// IndexEntry is one bundle of an index.
type IndexEntry struct {
	Name      string `json:"name"`
	Algorithm string `json:"algorithm"`
	// File is the bundle's file name, relative to the index's directory.
	File string `json:"file"`
	// SHA256 is the bundle's checksum; loading fails if the file differs.
	SHA256 string `json:"sha256"`
}

// NewIndex builds the index of sealed bundles with the named champion.
func NewIndex(champion string, bundles []*Bundle) (*Index, error) {
	idx := &Index{Format: IndexFormatVersion, Champion: champion}
	for _, b := range bundles {
		idx.Models = append(idx.Models, IndexEntry{Name: b.Name, Algorithm: b.Algorithm, File: b.Name + ".json", SHA256: b.SHA256})
	}
	if err := idx.validate(); err != nil {
		return nil, err
	}
	return idx, nil
}

// Entry returns the entry with the given name.
func (idx *Index) Entry(name string) (IndexEntry, bool) {
	for _, e := range idx.Models {
		if e.Name == name {
			return e, true
		}
	}
	return IndexEntry{}, false
}

func (idx *Index) validate() error {
	if idx.Format != IndexFormatVersion {
		return fmt.Errorf("%w: format %q, want %q", ErrIndex, idx.Format, IndexFormatVersion)
	}
	if len(idx.Models) == 0 {
		return fmt.Errorf("%w: lists no models", ErrIndex)
	}
	seen := make(map[string]bool)
	for i, e := range idx.Models {
		if !ValidName(e.Name) {
			return fmt.Errorf("%w: model %d: name %q must match %s", ErrIndex, i, e.Name, namePattern)
		}
		if seen[e.Name] {
			return fmt.Errorf("%w: model %q listed twice", ErrIndex, e.Name)
		}
		seen[e.Name] = true
		// A bare file name keeps the index from pointing outside its directory.
		if e.File == "" || filepath.Base(e.File) != e.File || e.File == "." || e.File == ".." {
			return fmt.Errorf("%w: model %q: file %q must be a plain file name in the models directory", ErrIndex, e.Name, e.File)
		}
		if len(e.SHA256) != 64 {
			return fmt.Errorf("%w: model %q: sha256 %q is not 64 hex digits", ErrIndex, e.Name, e.SHA256)
		}
	}
	if !seen[idx.Champion] {
		return fmt.Errorf("%w: champion %q is not among the listed models", ErrIndex, idx.Champion)
	}
	return nil
}

// ParseIndex decodes and validates an index.
func ParseIndex(data []byte) (*Index, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var idx Index
	if err := dec.Decode(&idx); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrIndex, describeJSONError(data, err))
	}
	if err := idx.validate(); err != nil {
		return nil, err
	}
	return &idx, nil
}

// LoadIndex reads and parses the index at path.
func LoadIndex(path string) (*Index, error) {
	data, err := readLimited(path, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("load index %s: %w", path, err)
	}
	idx, err := ParseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("load index %s: %w", path, err)
	}
	return idx, nil
}

// Save writes the index to path atomically.
func (idx *Index) Save(path string) error {
	if err := idx.validate(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return fmt.Errorf("encode index: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("save index %s: %w", path, err)
	}
	return nil
}

// Set is the loaded content of a models directory.
type Set struct {
	Index   *Index
	Bundles map[string]*Bundle
}

// Champion returns the champion's bundle.
func (s *Set) Champion() *Bundle { return s.Bundles[s.Index.Champion] }

// LoadDir loads dir/index.json and every bundle it lists, checking that each
// bundle's name and checksum match its entry. Any failure fails the whole
// load, so a caller never serves a partial set.
func LoadDir(dir string) (*Set, error) {
	idx, err := LoadIndex(filepath.Join(dir, IndexFile))
	if err != nil {
		return nil, err
	}
	set := &Set{Index: idx, Bundles: make(map[string]*Bundle, len(idx.Models))}
	// Decoding is most of a server's start-up: decode the bundles in
	// parallel, then check them in index order so errors come in that order.
	bundles := make([]*Bundle, len(idx.Models))
	loadErrs := make([]error, len(idx.Models))
	var wg sync.WaitGroup
	for i, e := range idx.Models {
		wg.Go(func() { bundles[i], loadErrs[i] = Load(filepath.Join(dir, e.File)) })
	}
	wg.Wait()
	var errs []error
	for i, e := range idx.Models {
		path := filepath.Join(dir, e.File)
		b, err := bundles[i], loadErrs[i]
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if b.Name != e.Name {
			errs = append(errs, fmt.Errorf("load bundle %s: %w: index names it %q, the bundle says %q", path, ErrIndex, e.Name, b.Name))
			continue
		}
		if b.SHA256 != e.SHA256 {
			errs = append(errs, fmt.Errorf("load bundle %s: %w: index records sha256 %s, bundle has %s", path, ErrChecksum, e.SHA256, b.SHA256))
			continue
		}
		set.Bundles[e.Name] = b
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("load models from %s: %w", dir, err)
	}
	return set, nil
}
