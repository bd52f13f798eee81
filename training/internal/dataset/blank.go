package dataset

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// blankCount counts the blank feature cells of a file per column, so that
// training with data.missing: error names every column to fix at once.
type blankCount struct {
	counts []int // per feature
	first  []int // line of the first blank cell per feature
}

func newBlankCount(features int) *blankCount {
	return &blankCount{counts: make([]int, features), first: make([]int, features)}
}

// add counts the blank cells of the record Next just returned with
// ErrBlank, and returns the error of a cell that is neither blank nor a
// finite number, which no setting of data.missing accepts.
func (b *blankCount) add(rd *Reader, record []string) error {
	for i, c := range rd.cols {
		v := record[c]
		if strings.TrimSpace(v) == "" {
			if b.counts[i] == 0 {
				b.first[i] = rd.fieldLine(c)
			}
			b.counts[i]++
			continue
		}
		if _, err := parseValue(v); err != nil {
			return &Error{File: rd.name, Line: rd.fieldLine(c), Column: rd.header[c], Err: err}
		}
	}
	return nil
}

// addNaN counts the blank cells of a row Next read with blank cells as NaN
// into x.
func (b *blankCount) addNaN(rd *Reader, x []float64) {
	for i, v := range x {
		if math.IsNaN(v) {
			if b.counts[i] == 0 {
				b.first[i] = rd.fieldLine(rd.cols[i])
			}
			b.counts[i]++
		}
	}
}

// allBlank returns an *Error naming the first feature that is blank in
// every one of rows rows: with blank cells read as NaN there would be no
// value to impute it with.
func (b *blankCount) allBlank(file string, features []string, rows int) error {
	for i, n := range b.counts {
		if rows > 0 && n == rows {
			return &Error{File: file, Column: features[i], Err: newDetail(ErrBlank,
				"every cell is blank (%d rows), so there is no value to impute; leave the column out of data.features", n)}
		}
	}
	return nil
}

// err returns nil when no cell was blank. With one column concerned the
// *Error names it and the line of its first blank cell; with several, it
// lists each with its count.
func (b *blankCount) err(file string, features []string) error {
	var cols []int
	for i, n := range b.counts {
		if n > 0 {
			cols = append(cols, i)
		}
	}
	const fix = "with data.missing: error (the default), fill them or leave the column out of data.features, or set data.missing: impute to fill them with the training median"
	switch len(cols) {
	case 0:
		return nil
	case 1:
		i := cols[0]
		return &Error{File: file, Line: b.first[i], Column: features[i], Err: newDetail(ErrBlank,
			"%s in this column, the first on this line (empty value is not a number); %s", cells(b.counts[i]), fix)}
	}
	parts := make([]string, len(cols))
	for k, i := range cols {
		parts[k] = fmt.Sprintf("%s %s (first on line %d)", strconv.Quote(features[i]), cells(b.counts[i]), b.first[i])
	}
	return &Error{File: file, Err: newDetail(ErrBlank, "blank cells in %d columns: %s; %s",
		len(cols), strings.Join(parts, ", "), strings.Replace(fix, "the column", "those columns", 1))}
}

func cells(n int) string {
	if n == 1 {
		return "1 blank cell"
	}
	return strconv.Itoa(n) + " blank cells"
}
