package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Reader streams the rows of a CSV file with a header, parsing the named
// feature columns of each row into a caller-owned slice. It holds one
// record at a time, so memory use does not grow with the file. A Reader is
// not safe for concurrent use.
type Reader struct {
	name   string
	csv    *csv.Reader
	header []string
	cols   []int // cols[i] is the record index of feature i
	// blankAsNaN reads a blank cell as NaN instead of failing.
	blankAsNaN bool
}

// NewReader reads the header line from r and locates the columns named in
// features, which must be non-empty and hold no empty or repeated names.
// The name is used in error messages. Other columns, including any label
// column, are passed through untouched by Next.
//
// It returns an *Error wrapping ErrEmpty if r holds no header line,
// ErrMissingColumn if a feature column is not in the header (the message
// lists the columns the file has) and ErrDuplicateColumn if one appears
// twice; it returns an error wrapping ErrInvalidSpec for a bad features
// list.
func NewReader(name string, r io.Reader, features []string) (*Reader, error) {
	if err := checkNames("features", features); err != nil {
		return nil, err
	}
	cr := csv.NewReader(r)
	// The header fixes FieldsPerRecord (its zero value means "as many as
	// the first record"), so ragged rows fail with csv.ErrFieldCount.
	cr.ReuseRecord = true
	record, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &Error{File: name, Err: newDetail(ErrEmpty, "file is empty, want a header line")}
	}
	if err != nil {
		_, err = readError(name, record, len(record), err)
		return nil, err
	}
	header := make([]string, len(record))
	for i, h := range record {
		if i == 0 {
			// Spreadsheet programs often start UTF-8 files with a byte
			// order mark, which would otherwise become part of the first
			// column's name.
			h = strings.TrimPrefix(h, "\ufeff")
		}
		header[i] = strings.TrimSpace(h)
	}
	cols, err := locate(name, header, features, "feature")
	if err != nil {
		return nil, err
	}
	return &Reader{name: name, csv: cr, header: header, cols: cols}, nil
}

// SetBlankAsNaN makes Next read a blank feature cell (empty or only white
// space) as NaN, a missing value, instead of failing with ErrBlank; see
// Spec.BlankAsNaN. Call it before the first Next.
func (r *Reader) SetBlankAsNaN(on bool) { r.blankAsNaN = on }

// Header returns the column names from the header line, trimmed of
// surrounding white space, in file order. The slice is a copy.
func (r *Reader) Header() []string {
	return append([]string(nil), r.header...)
}

// Next reads the next row, stores its feature values in x in the order of
// the features given to NewReader, and returns the row's full record (every
// column, as written in the file, untrimmed) and the line the row starts
// on. The record is reused by the following call to Next, so copy it to
// keep it. At the end of the input Next returns io.EOF.
//
// A row with a bad value or the wrong number of fields yields an *Error
// (wrapping ErrNotNumber, ErrNotFinite or csv.ErrFieldCount) together with
// the record, when there is one, and its line; a blank cell is an error
// wrapping ErrBlank unless SetBlankAsNaN made it NaN. The contents of x
// are then unspecified, and the caller may call Next again to skip the
// row. Next panics if len(x) is not the number of features.
func (r *Reader) Next(x []float64) (record []string, line int, err error) {
	if len(x) != len(r.cols) {
		panic(fmt.Sprintf("dataset: Reader.Next: len(x) is %d, want %d features", len(x), len(r.cols)))
	}
	record, err = r.csv.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, io.EOF
	}
	if err != nil {
		line, err = readError(r.name, record, len(r.header), err)
		return record, line, err
	}
	line, _ = r.csv.FieldPos(0)
	for i, c := range r.cols {
		v, err := parseValue(record[c])
		if err != nil && r.blankAsNaN && errors.Is(err, ErrBlank) {
			v, err = math.NaN(), nil
		}
		if err != nil {
			fieldLine, _ := r.csv.FieldPos(c)
			return record, line, &Error{File: r.name, Line: fieldLine, Column: r.header[c], Err: err}
		}
		x[i] = v
	}
	return record, line, nil
}

// fieldLine returns the line on which field col of the last record read
// starts.
func (r *Reader) fieldLine(col int) int {
	line, _ := r.csv.FieldPos(col)
	return line
}

// readError turns an error from csv.Reader.Read into an *Error, returning
// also the line the failed record starts on (0 if unknown).
func readError(name string, record []string, want int, err error) (int, error) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return 0, &Error{File: name, Err: fmt.Errorf("read: %w", err)}
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return pe.StartLine, &Error{File: name, Line: pe.StartLine, Err: &detail{
			sentinel: csv.ErrFieldCount,
			msg:      fmt.Sprintf("row has %d fields, the header has %d", len(record), want),
		}}
	}
	return pe.StartLine, &Error{File: name, Line: pe.Line, Err: pe.Err}
}

// ParseValue parses one feature value as training reads it: a finite
// number, surrounding white space ignored. Other readers of the same files
// (mlops init's column profile) use it so they accept exactly what
// training accepts. The error wraps ErrNotNumber or ErrNotFinite.
func ParseValue(s string) (float64, error) { return parseValue(s) }

// parseValue parses one feature value, which must be a finite number.
// Surrounding white space is ignored.
func parseValue(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, newDetail(ErrBlank, "empty value is not a number")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			if math.IsInf(v, 0) {
				return 0, newDetail(ErrNotFinite, "%s is too large for a float64", quote(s))
			}
			// Underflow: ParseFloat returns the nearest value (zero or
			// subnormal), which is what pandas reads too.
			return v, nil
		}
		return 0, newDetail(ErrNotNumber, "%s is not a number", quote(s))
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, newDetail(ErrNotFinite, "%s is not a finite number", quote(s))
	}
	return v, nil
}

// checkNames validates a list of column names to read; field names the
// list in messages.
func checkNames(field string, names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("%w: %s is required", ErrInvalidSpec, field)
	}
	seen := make(map[string]struct{}, len(names))
	for i, n := range names {
		if n == "" {
			return fmt.Errorf("%w: %s[%d] is empty", ErrInvalidSpec, field, i)
		}
		if _, ok := seen[n]; ok {
			return fmt.Errorf("%w: %s lists %q more than once", ErrInvalidSpec, field, n)
		}
		seen[n] = struct{}{}
	}
	return nil
}

// locate returns the header index of each wanted column; kind ("feature"
// or "label") is used in messages.
func locate(name string, header, want []string, kind string) ([]int, error) {
	index := make(map[string]int, len(header))
	repeated := make(map[string]bool)
	for i, h := range header {
		if _, ok := index[h]; ok {
			repeated[h] = true
			continue
		}
		index[h] = i
	}
	cols := make([]int, len(want))
	var missing []string
	for i, w := range want {
		c, ok := index[w]
		if !ok {
			missing = append(missing, w)
			continue
		}
		if repeated[w] {
			return nil, &Error{File: name, Line: 1, Column: w, Err: newDetail(ErrDuplicateColumn,
				"%s column appears more than once in the header", kind)}
		}
		cols[i] = c
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("%s column not found", kind)
		if len(missing) > 1 {
			msg += fmt.Sprintf(" (also missing: %s)", quoteList(missing[1:]))
		}
		msg += fmt.Sprintf("; the file has columns %s", quoteList(header))
		return nil, &Error{File: name, Line: 1, Column: missing[0], Err: newDetail(ErrMissingColumn, "%s", msg)}
	}
	return cols, nil
}
