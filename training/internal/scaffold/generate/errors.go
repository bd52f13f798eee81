package generate

import (
	"errors"
	"strings"
)

// ErrNotReady is wrapped by every *Problems error: the file cannot be
// trained on as it is.
var ErrNotReady = errors.New("generate: data not ready for training")

// Problems lists everything wrong with the file at once, so one run of
// mlops init shows every column to fix or drop.
type Problems struct {
	// File is the data file's name.
	File string
	// List holds one sentence per problem.
	List []string
	// Drop names the columns the fix is to leave out (non-numeric or
	// constant features), for the closing --drop suggestion.
	Drop []string
	// Impute says feature columns have blank cells that --missing impute
	// would accept, for the closing suggestion.
	Impute bool
}

func (p *Problems) Error() string {
	var b strings.Builder
	b.WriteString("generate: ")
	b.WriteString(p.File)
	b.WriteString(" is not ready for training:")
	for _, s := range p.List {
		b.WriteString("\n  - ")
		b.WriteString(s)
	}
	if len(p.Drop) > 0 {
		b.WriteString("\nTo leave those columns out, add --drop ")
		b.WriteString(strings.Join(p.Drop, ","))
	}
	if p.Impute {
		b.WriteString("\nTo keep the blank feature cells and have training fill each with its column's median, add --missing impute")
	}
	return b.String()
}

// Unwrap returns ErrNotReady.
func (p *Problems) Unwrap() error { return ErrNotReady }

func (p *Problems) add(msg string) { p.List = append(p.List, msg) }

func (p *Problems) err() error {
	if len(p.List) == 0 {
		return nil
	}
	return p
}
