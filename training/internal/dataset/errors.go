package dataset

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

var (
	// ErrInvalidSpec is returned when a Spec (or the feature list given to
	// NewReader) is incomplete or inconsistent: no features, an empty or
	// repeated name, or the label listed among the features.
	ErrInvalidSpec = errors.New("dataset: invalid spec")
	// ErrEmpty is returned for a file with no header line, or with a
	// header but no data rows.
	ErrEmpty = errors.New("dataset: no data")
	// ErrMissingColumn is returned when a feature or label column named in
	// the Spec is not in the file's header.
	ErrMissingColumn = errors.New("dataset: missing column")
	// ErrDuplicateColumn is returned when a column that must be read
	// appears more than once in the header, so which one to read is
	// ambiguous.
	ErrDuplicateColumn = errors.New("dataset: duplicate column")
	// ErrNotNumber is returned for a feature value that is empty or does
	// not parse as a number.
	ErrNotNumber = errors.New("dataset: not a number")
	// ErrBlank is returned for feature cells that are empty or only white
	// space, with their count per column (params.yaml's data.missing:
	// error). It wraps ErrNotNumber, which blank cells were reported as
	// before they were counted.
	ErrBlank = fmt.Errorf("dataset: blank value: %w", ErrNotNumber)
	// ErrNotFinite is returned for a feature value that parses as NaN or
	// ±Inf, or that overflows float64.
	ErrNotFinite = errors.New("dataset: not a finite number")
	// ErrEmptyLabel is returned for a row whose label is empty.
	ErrEmptyLabel = errors.New("dataset: empty label")
	// ErrTooFewClasses is returned when the label column holds fewer than
	// two distinct classes, so there is nothing to classify.
	ErrTooFewClasses = errors.New("dataset: fewer than two classes")
	// ErrClassTooSmall is returned when a class has too few members for
	// the requested stratified split or number of folds.
	ErrClassTooSmall = errors.New("dataset: class too small to stratify")
	// ErrInvalidSplit is returned for split parameters that cannot work:
	// a test size outside (0, 1), fewer than two folds, no repeats, or a
	// split that would leave the train or test set empty.
	ErrInvalidSplit = errors.New("dataset: invalid split")
)

// Error describes a problem with the contents of a data file. Err wraps
// one of the package's sentinel errors (or csv.ErrFieldCount, or an I/O
// error), so errors.Is(err, ErrNotNumber) and the like work on it.
type Error struct {
	// File is the name of the file, as given to Load, Parse or NewReader.
	File string
	// Line is the 1-based line number in the file (the header is line 1),
	// or 0 when the problem is not on one line.
	Line int
	// Column is the name of the column concerned, or "" when the problem
	// is not about one column. For ErrMissingColumn it is the first
	// missing column.
	Column string
	// Err is the underlying error.
	Err error
}

// Error returns a message such as
// `data/iris.csv: line 7, column "sepal_width": "abc" is not a number`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File == "" {
		b.WriteString("dataset")
	} else {
		b.WriteString(e.File)
	}
	sep := ": "
	if e.Line > 0 {
		b.WriteString(sep)
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		sep = ", "
	}
	if e.Column != "" {
		b.WriteString(sep)
		b.WriteString("column ")
		b.WriteString(strconv.Quote(e.Column))
	}
	b.WriteString(": ")
	if e.Err == nil {
		b.WriteString("unknown error")
	} else {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// detail is a message about one occurrence of a sentinel error. Its Error
// is only the message, so that *Error reads naturally (`"abc" is not a
// number`), while errors.Is still finds the sentinel.
type detail struct {
	sentinel error
	msg      string
}

func (d *detail) Error() string { return d.msg }

func (d *detail) Unwrap() error { return d.sentinel }

func newDetail(sentinel error, format string, args ...any) error {
	return &detail{sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}

// maxQuoted is how many bytes of an offending value an error message
// shows; a corrupt file can have megabyte-long fields.
const maxQuoted = 64

// quote returns s quoted for an error message, shortened if it is long.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(strings.ToValidUTF8(s[:maxQuoted], "")) + "..."
}

// quoteList returns the names quoted and separated by commas.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
