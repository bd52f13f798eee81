// Package profile reads a CSV file once and summarizes each column: how
// many cells are blank, whether the others are numbers as training reads
// them and their range, and, for the label column, its distinct values.
// `mlops init` writes params.yaml from a profile. Memory use does not grow
// with the number of rows, only with the number of classes (bounded by
// MaxClasses).
package profile

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dataset"
)

// MaxClasses is how many distinct label values a profile records; a label
// column with more is almost certainly not a class column.
const MaxClasses = 1000

// Profile summarizes a CSV file with a header line.
type Profile struct {
	// Name is the file's name, used in messages.
	Name string
	// Columns are the header's columns in file order.
	Columns []Column
	// Rows is the number of data rows (lines after the header).
	Rows int
	// Label is the index in Columns of the label column.
	Label int
	// Classes counts the rows of each distinct label value (trimmed of
	// white space; blank labels are not counted here but in the column's
	// Blank). It stops growing at MaxClasses entries; TooManyClasses then
	// says more values were seen.
	Classes        map[string]int
	TooManyClasses bool
}

// Column summarizes one column.
type Column struct {
	// Name is the header cell, trimmed of white space (and of a UTF-8 byte
	// order mark for the first column).
	Name string
	// Blank counts the cells that are empty or only white space.
	Blank int
	// FirstBlank is the line of the first blank cell (0 if none).
	FirstBlank int
	// Numbers counts the cells that are finite numbers as training reads
	// them (dataset.ParseValue).
	Numbers int
	// Min and Max are the smallest and largest of those numbers; both are
	// 0 when Numbers is 0.
	Min, Max float64
	// NotNumbers counts the non-blank cells that are not finite numbers,
	// and FirstNotNumber is the first of them.
	NotNumbers     int
	FirstNotNumber Cell
}

// Cell is one cell of the file.
type Cell struct {
	// Line is the 1-based line the cell is on (the header is line 1).
	Line int
	// Value is the cell as written in the file.
	Value string
}

// Read reads the CSV from r; name identifies it in messages. label names
// the label column; empty means the last column. It fails on a file with
// no header or no data rows, an empty or repeated header name, a label
// that is not a column (the message lists the columns), a row with the
// wrong number of fields, or when ctx is done.
func Read(ctx context.Context, name string, r io.Reader, label string) (*Profile, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("profile: %s is empty, want a header line naming the columns", name)
	}
	if err != nil {
		return nil, fmt.Errorf("profile: read %s: %w", name, err)
	}
	p := &Profile{Name: name, Columns: make([]Column, len(header)), Label: -1, Classes: map[string]int{}}
	seen := make(map[string]int, len(header))
	for i, h := range header {
		if i == 0 {
			// As dataset.NewReader: spreadsheets often write a byte order mark.
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, fmt.Errorf("profile: %s: column %d has no name in the header line; give it one (a row index written by pandas' to_csv? write the file with index=False)", name, i+1)
		}
		if j, dup := seen[h]; dup {
			return nil, fmt.Errorf("profile: %s: columns %d and %d are both named %q in the header line; rename one", name, j+1, i+1, h)
		}
		seen[h] = i
		p.Columns[i].Name = h
	}
	switch i, ok := seen[label]; {
	case label == "":
		p.Label = len(header) - 1
	case ok:
		p.Label = i
	default:
		return nil, fmt.Errorf("profile: %s: label column %q not found; the file has columns %s", name, label, quoteNames(p.Columns))
	}
	for {
		if p.Rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("profile: read %s: %w", name, err)
			}
		}
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				return nil, fmt.Errorf("profile: %s: line %d has %d fields, the header has %d", name, pe.StartLine, len(record), len(header))
			}
			return nil, fmt.Errorf("profile: read %s: %w", name, err)
		}
		p.Rows++
		for i, v := range record {
			line, _ := cr.FieldPos(i)
			p.add(i, line, v)
		}
	}
	if p.Rows == 0 {
		return nil, fmt.Errorf("profile: %s has a header but no data rows", name)
	}
	return p, nil
}

// add records one cell of column i.
func (p *Profile) add(i, line int, v string) {
	c := &p.Columns[i]
	t := strings.TrimSpace(v)
	if t == "" {
		if c.Blank == 0 {
			c.FirstBlank = line
		}
		c.Blank++
		return
	}
	if i == p.Label {
		if _, ok := p.Classes[t]; ok || len(p.Classes) < MaxClasses {
			// Clone: t is a slice of the csv.Reader's reused buffer.
			if !ok {
				t = strings.Clone(t)
			}
			p.Classes[t]++
		} else {
			p.TooManyClasses = true
		}
	}
	x, err := dataset.ParseValue(t)
	if err != nil {
		if c.NotNumbers == 0 {
			c.FirstNotNumber = Cell{Line: line, Value: strings.Clone(v)}
		}
		c.NotNumbers++
		return
	}
	if c.Numbers == 0 || x < c.Min {
		c.Min = x
	}
	if c.Numbers == 0 || x > c.Max {
		c.Max = x
	}
	c.Numbers++
}

// Column returns the column with the given name and whether there is one.
func (p *Profile) Column(name string) (Column, bool) {
	for _, c := range p.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// ColumnNames returns the column names, quoted and comma-separated, for
// messages.
func (p *Profile) ColumnNames() string { return quoteNames(p.Columns) }

func quoteNames(cols []Column) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = strconv.Quote(c.Name)
	}
	return strings.Join(q, ", ")
}
