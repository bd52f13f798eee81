package dataset

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// Spec says which file to load and which of its columns to read.
type Spec struct {
	// Path is the CSV file to read. Required by Load; Parse ignores it.
	Path string
	// Label is the name of the label (class) column. Required.
	Label string
	// Features are the names of the feature columns, in the order the
	// model sees them. Required, non-empty, without repeats, and must not
	// include Label.
	Features []string
	// BlankAsNaN reads a blank feature cell (empty or only white space) as
	// NaN, a missing value to impute (params.yaml's data.missing: impute),
	// instead of failing with ErrBlank. Only blank cells are missing: a
	// token such as "NA" or "NaN" is still an error, so a typo never
	// becomes a missing value. Labels must never be blank. Optional.
	// Default: false.
	BlankAsNaN bool
}

func (s Spec) validate() error {
	if err := checkNames("Spec.Features", s.Features); err != nil {
		return err
	}
	if s.Label == "" {
		return fmt.Errorf("%w: Spec.Label is required", ErrInvalidSpec)
	}
	if slices.Contains(s.Features, s.Label) {
		return fmt.Errorf("%w: Spec.Label %q is also listed in Spec.Features", ErrInvalidSpec, s.Label)
	}
	return nil
}

// Dataset is a labelled numeric data set held in memory. Each row of X is
// an observation, with one value per feature in Features order, and Y holds
// its class as an index into Classes.
type Dataset struct {
	// Name is the file the data came from, used in messages.
	Name string
	// Features are the feature column names, in the order of X's columns.
	Features []string
	// Label is the name of the label column.
	Label string
	// X holds one row per observation, len(Features) values each: finite
	// numbers, or NaN for a blank cell when Spec.BlankAsNaN is set.
	X [][]float64
	// Y holds the class index of each row of X.
	Y []int
	// Classes are the distinct labels, sorted lexicographically (as
	// scikit-learn's LabelEncoder orders them); Y indexes into it.
	Classes []string
	// Duplicates is the number of exact duplicate rows dropped.
	Duplicates int
	// Missing counts the blank cells read as NaN per feature, in Features
	// order, over every data row of the file (dropped duplicates
	// included). It is nil unless Spec.BlankAsNaN is set.
	Missing []int
	// MD5 is the hex md5 of the raw file bytes, as DVC computes it.
	MD5 string
}

// Load reads and parses the CSV file at spec.Path; see Parse. A file that
// cannot be opened yields an *Error naming it that wraps the cause (for a
// missing file, errors.Is(err, fs.ErrNotExist) holds). Reading stops with
// an error wrapping ctx.Err() when ctx is done.
func Load(ctx context.Context, spec Spec) (*Dataset, error) {
	if spec.Path == "" {
		return nil, fmt.Errorf("%w: Spec.Path is required", ErrInvalidSpec)
	}
	if err := spec.validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{File: spec.Path, Err: err}
	}
	f, err := os.Open(spec.Path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			// The path is already in Error.File; keep only the cause.
			err = pe.Err
		}
		return nil, &Error{File: spec.Path, Err: fmt.Errorf("open file: %w", err)}
	}
	defer f.Close()
	return Parse(spec.Path, &ctxReader{ctx: ctx, r: f}, spec)
}

// Parse reads a labelled numeric CSV from r as described by spec (its Path
// is ignored); name identifies the input in messages. The md5 of every
// byte read from r is recorded in Dataset.MD5.
//
// Problems with the data are reported as an *Error naming the file and,
// where it applies, the line and column, wrapping ErrEmpty (no header, or
// no data rows), ErrMissingColumn, ErrDuplicateColumn, ErrBlank (once the
// whole file is read, with the count per column; with spec.BlankAsNaN only
// for a column blank in every row), ErrNotNumber,
// ErrNotFinite, ErrEmptyLabel, ErrTooFewClasses or csv.ErrFieldCount. An
// invalid spec yields an error wrapping ErrInvalidSpec.
func Parse(name string, r io.Reader, spec Spec) (*Dataset, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	h := md5.New()
	tee := io.TeeReader(r, h)
	rd, err := NewReader(name, tee, spec.Features)
	if err != nil {
		return nil, err
	}
	rd.SetBlankAsNaN(spec.BlankAsNaN)
	labelCols, err := locate(name, rd.header, []string{spec.Label}, "label")
	if err != nil {
		return nil, err
	}
	labelCol := labelCols[0]

	var (
		rows       = newRowStore(len(spec.Features))
		ids        []int // label id of each row, in order of first appearance
		labelID    = map[string]int{}
		names      []string // names[id] is the label with that id
		seen       = newRowSet()
		duplicates int
	)
	x := make([]float64, len(spec.Features))
	blanks := newBlankCount(len(spec.Features))
	read := 0 // data rows read, duplicates included
	for {
		record, _, err := rd.Next(x)
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, ErrBlank) {
			// Count every blank cell before failing, so one run names each
			// column to fix; a non-number in the row still fails at once.
			if err := blanks.add(rd, record); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		read++
		if spec.BlankAsNaN {
			blanks.addNaN(rd, x)
		}
		label := strings.TrimSpace(record[labelCol])
		if label == "" {
			return nil, &Error{File: name, Line: rd.fieldLine(labelCol), Column: spec.Label,
				Err: newDetail(ErrEmptyLabel, "empty label")}
		}
		id, ok := labelID[label]
		if !ok {
			// Clone: the label is a slice of the csv.Reader's line buffer,
			// which would otherwise be kept alive.
			label = strings.Clone(label)
			id = len(names)
			labelID[label] = id
			names = append(names, label)
		}
		dup, h := seen.has(rows, ids, x, id)
		if dup {
			duplicates++
			continue
		}
		seen.add(h, len(ids))
		rows.add(x)
		ids = append(ids, id)
	}
	X := rows.rows()
	// csv.Reader stops at EOF, but drain anyway so the md5 is of the whole
	// input whatever the reader buffered.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return nil, &Error{File: name, Err: fmt.Errorf("read: %w", err)}
	}
	var missing []int
	if spec.BlankAsNaN {
		if err := blanks.allBlank(name, spec.Features, read); err != nil {
			return nil, err
		}
		missing = blanks.counts
	} else if err := blanks.err(name, spec.Features); err != nil {
		return nil, err
	}
	if len(X) == 0 {
		return nil, &Error{File: name, Err: newDetail(ErrEmpty, "no data rows after the header")}
	}
	if len(names) < 2 {
		return nil, &Error{File: name, Column: spec.Label, Err: newDetail(ErrTooFewClasses,
			"found only 1 class (%s), need at least 2 to classify", quote(names[0]))}
	}

	classes := slices.Clone(names)
	slices.Sort(classes)
	remap := make([]int, len(names))
	for id, n := range names {
		remap[id], _ = slices.BinarySearch(classes, n)
	}
	y := make([]int, len(ids))
	for i, id := range ids {
		y[i] = remap[id]
	}
	return &Dataset{
		Name:       name,
		Features:   slices.Clone(spec.Features),
		Label:      spec.Label,
		X:          X,
		Y:          y,
		Classes:    classes,
		Duplicates: duplicates,
		Missing:    missing,
		MD5:        hex.EncodeToString(h.Sum(nil)),
	}, nil
}

// HasMissing reports whether any feature cell is missing (NaN).
func (d *Dataset) HasMissing() bool {
	for _, n := range d.Missing {
		if n > 0 {
			return true
		}
	}
	return false
}

// Subset returns the rows of X and Y at the given indices, in that order.
// The rows of X are shared with d, not copied. It panics if an index is out
// of range.
func (d *Dataset) Subset(idx []int) (X [][]float64, y []int) {
	X = make([][]float64, len(idx))
	y = make([]int, len(idx))
	for i, j := range idx {
		X[i] = d.X[j]
		y[i] = d.Y[j]
	}
	return X, y
}

// ClassCounts returns the number of rows of each class, indexed like
// Classes.
func (d *Dataset) ClassCounts() []int {
	counts := make([]int, len(d.Classes))
	for _, c := range d.Y {
		counts[c]++
	}
	return counts
}

// CheckStratifiable reports whether every class has at least folds rows,
// as stratified k-fold cross-validation with that many folds needs. If not,
// it returns an *Error wrapping ErrClassTooSmall that names the smallest
// class, its count and the count needed, and suggests a fix.
func (d *Dataset) CheckStratifiable(folds int) error {
	counts := d.ClassCounts()
	smallest := -1
	for c, n := range counts {
		if n < folds && (smallest < 0 || n < counts[smallest]) {
			smallest = c
		}
	}
	if smallest < 0 {
		return nil
	}
	n := counts[smallest]
	fix := "add rows of that class"
	if n >= 2 {
		fix = fmt.Sprintf("lower cv.folds to %d or less, or %s", n, fix)
	}
	return &Error{File: d.Name, Column: d.Label, Err: newDetail(ErrClassTooSmall,
		"class %s has %d rows, need at least %d for %d-fold stratified cross-validation; %s",
		quote(d.Classes[smallest]), n, folds, folds, fix)}
}

// ctxReader fails reads once its context is done, so a long Load can be
// cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
