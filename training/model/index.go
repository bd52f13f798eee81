package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// IndexFormatVersion is the value of the "format" field of the
// models/index.json that this package writes.
//
// Version 2 added each entry's role ([RoleChampion] or [RoleChallenger]).
// Version 1 files, which have no roles, are still read: the champion field
// decides the roles (see [ParseIndex]). A reader that predates version 2
// rejects a version 2 file by its format rather than serving it without
// knowing the roles.
const IndexFormatVersion = IndexFormatV2

// The index format versions this package reads.
const (
	// IndexFormatV1 is the first index format: no roles.
	IndexFormatV1 = "mlops.index/v1"
	// IndexFormatV2 adds a role to every entry.
	IndexFormatV2 = "mlops.index/v2"
)

// IndexFile is the index's file name inside a models directory.
const IndexFile = "index.json"

// Index lists the bundles of a models directory and names the champion, the
// model new endpoints serve by default. Every other bundle is a challenger.
type Index struct {
	// Format is the format version the index was read in, or is written
	// in: [IndexFormatV1] or [IndexFormatV2].
	Format string `json:"format"`
	// Champion names the champion; in version 2 it must be the one entry
	// whose role is [RoleChampion].
	Champion string       `json:"champion"`
	Models   []IndexEntry `json:"models"`
}

// Role is a bundle's part in serving.
type Role string

const (
	// RoleChampion marks the model that is served by default: the best by
	// validation when training wrote the index.
	RoleChampion Role = "champion"
	// RoleChallenger marks every other model: served when a request names
	// it, and a candidate to score in shadow against the served model.
	RoleChallenger Role = "challenger"
)

// IndexEntry is one bundle of an index.
type IndexEntry struct {
	Name      string `json:"name"`
	Algorithm string `json:"algorithm"`
	// Role is the bundle's role. A version 1 index has none on file;
	// ParseIndex fills it from the index's champion field.
	Role Role `json:"role,omitempty"`
	// File is the bundle's file name, relative to the index's directory.
	File string `json:"file"`
	// SHA256 is the bundle's checksum; loading fails if the file differs.
	SHA256 string `json:"sha256"`
}

// NewIndex builds the index of sealed bundles with the named champion; the
// other bundles are challengers.
func NewIndex(champion string, bundles []*Bundle) (*Index, error) {
	idx := &Index{Format: IndexFormatVersion, Champion: champion}
	for _, b := range bundles {
		role := RoleChallenger
		if b.Name == champion {
			role = RoleChampion
		}
		idx.Models = append(idx.Models, IndexEntry{Name: b.Name, Algorithm: b.Algorithm, Role: role, File: b.Name + ".json", SHA256: b.SHA256})
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

// Challengers returns the names of the challengers, in index order.
func (idx *Index) Challengers() []string {
	var names []string
	for _, e := range idx.Models {
		if e.Role == RoleChallenger {
			names = append(names, e.Name)
		}
	}
	return names
}

// validate checks the index as read or about to be written: a version 1
// index has no roles, a version 2 index a valid role on every entry with
// exactly the champion marked champion.
func (idx *Index) validate() error {
	if idx.Format != IndexFormatV1 && idx.Format != IndexFormatV2 {
		return fmt.Errorf("%w: format %q, want %q (or %q, still read)", ErrIndex, idx.Format, IndexFormatVersion, IndexFormatV1)
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
	for _, e := range idx.Models {
		if err := idx.validateRole(e); err != nil {
			return err
		}
	}
	return nil
}

// validateRole checks one entry's role against the format and the champion.
func (idx *Index) validateRole(e IndexEntry) error {
	if idx.Format == IndexFormatV1 {
		if e.Role != "" {
			return fmt.Errorf("%w: model %q: role is not a field of %s (roles came with %s)", ErrIndex, e.Name, IndexFormatV1, IndexFormatV2)
		}
		return nil
	}
	switch {
	case e.Role != RoleChampion && e.Role != RoleChallenger:
		return fmt.Errorf("%w: model %q: role %q, want %q or %q", ErrIndex, e.Name, e.Role, RoleChampion, RoleChallenger)
	case e.Role == RoleChampion && e.Name != idx.Champion:
		return fmt.Errorf("%w: model %q has role %q but the champion is %q", ErrIndex, e.Name, e.Role, idx.Champion)
	case e.Role == RoleChallenger && e.Name == idx.Champion:
		return fmt.Errorf("%w: model %q is the champion but has role %q", ErrIndex, e.Name, e.Role)
	}
	return nil
}

// fillRoles sets the roles of a version 1 index from its champion field.
func (idx *Index) fillRoles() {
	for i := range idx.Models {
		idx.Models[i].Role = RoleChallenger
		if idx.Models[i].Name == idx.Champion {
			idx.Models[i].Role = RoleChampion
		}
	}
}

// ParseIndex decodes and validates an index of either format version. The
// entries of a version 1 index, which records no roles, get them from its
// champion field: the champion is [RoleChampion], every other model
// [RoleChallenger]; Format stays [IndexFormatV1].
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
	if idx.Format == IndexFormatV1 {
		idx.fillRoles()
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

// Save writes the index to path atomically, in the current format
// ([IndexFormatVersion]) whatever version it was read in; idx is not
// modified.
func (idx *Index) Save(path string) error {
	out := *idx
	out.Models = slices.Clone(idx.Models)
	if out.Format == IndexFormatV1 {
		out.Format = IndexFormatVersion
		out.fillRoles()
	}
	if err := out.validate(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(&out, "", "  ")
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
