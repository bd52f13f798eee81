package generate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/scaffold/profile"
)

// TestSize is the hold-out fraction written to split.test_size.
const TestSize = 0.2

// Options say what to generate beyond what the profile shows.
type Options struct {
	// Path is the data file as params.yaml names it (data.path), relative
	// to the directory training runs in. Required.
	Path string
	// Name is the data set's name. Optional. Default: derived from Path
	// (NameFromPath).
	Name string
	// Drop lists columns to leave out of the features; each must be a
	// column other than the label. Optional.
	Drop []string
	// Missing is data.missing: params.MissingError, under which a blank
	// feature cell is a problem to fix, or params.MissingImpute, under
	// which training fills it with the training median. Optional.
	// Default: params.MissingError.
	Missing string
}

// Result is a generated params.yaml.
type Result struct {
	// YAML is the file's content, with comments.
	YAML []byte
	// Params is YAML parsed back by params.Parse, as training will read it.
	Params *params.Params
	// Classes are the label's distinct values, sorted as training sorts
	// them.
	Classes []string
	// Tier is "small", "medium" or "large" (see sizing.go).
	Tier string
}

// column is a feature column chosen for params.yaml.
type column struct {
	profile.Column
	r Range
}

// Generate checks the profiled file against what training needs and
// returns params.yaml for it. Every problem with the data is reported at
// once in a *Problems (wrapping ErrNotReady); a bad option is a plain
// error naming the flag.
func Generate(p *profile.Profile, opts Options) (*Result, error) {
	if opts.Path == "" {
		return nil, fmt.Errorf("generate: Options.Path is required")
	}
	name := opts.Name
	if name == "" {
		if name = NameFromPath(opts.Path); name == "" {
			return nil, fmt.Errorf("generate: cannot derive a data set name from %q; give one with --name (lowercase letters, digits and underscores, starting with a letter)", opts.Path)
		}
	} else if !ValidName(name) {
		return nil, fmt.Errorf("generate: --name %q: use lowercase letters, digits and underscores, starting with a letter, at most 63 characters (e.g. %q); it prefixes the service's metric names", name, orDefault(NameFromPath(name), "my_data"))
	}
	missing := opts.Missing
	switch missing {
	case "":
		missing = params.MissingError
	case params.MissingError, params.MissingImpute:
	default:
		return nil, fmt.Errorf("generate: --missing %q: use %s (blank cells are errors, the default) or %s (fill them with the training median)",
			missing, params.MissingError, params.MissingImpute)
	}
	label := p.Columns[p.Label]
	drop := map[string]bool{}
	for _, d := range opts.Drop {
		d = strings.TrimSpace(d)
		switch _, ok := p.Column(d); {
		case d == "":
			return nil, fmt.Errorf("generate: --drop lists an empty column name")
		case !ok:
			return nil, fmt.Errorf("generate: --drop %q: no such column; the file has columns %s", d, p.ColumnNames())
		case d == label.Name:
			return nil, fmt.Errorf("generate: --drop %q: that is the label column; choose another label with --label", d)
		}
		drop[d] = true
	}

	probs := &Problems{File: p.Name}
	checkLabel(p, probs)
	var cols []column
	for i, c := range p.Columns {
		if i == p.Label || drop[c.Name] {
			continue
		}
		if col, ok := checkFeature(c, missing == params.MissingImpute, probs); ok {
			cols = append(cols, col)
		}
	}
	if len(cols) == 0 && len(probs.List) == 0 {
		probs.add("no feature column is left besides the label " + strconv.Quote(label.Name) + "; drop fewer columns")
	}
	if err := probs.err(); err != nil {
		return nil, err
	}

	classes := make([]string, 0, len(p.Classes))
	smallest := ""
	for c, n := range p.Classes {
		classes = append(classes, c)
		if smallest == "" || n < p.Classes[smallest] || n == p.Classes[smallest] && c < smallest {
			smallest = c
		}
	}
	slices.Sort(classes)
	fitRows := p.Rows - int(math.Ceil(TestSize*float64(p.Rows)))
	size := sizeFor(p.Rows, fitRows, p.Classes[smallest])

	text := render(renderInput{
		name: name, path: opts.Path, label: label.Name, classes: classes, features: cols, missing: missing,
		rows: p.Rows, fitRows: fitRows, smallest: smallest, smallestRows: p.Classes[smallest], size: size,
	})
	parsed, err := params.Parse("generated params.yaml", text)
	if err != nil {
		// A generator bug, not a data problem: say so.
		return nil, fmt.Errorf("generate: the generated params.yaml does not parse (please report this): %w", err)
	}
	return &Result{YAML: text, Params: parsed, Classes: classes, Tier: size.tier}, nil
}

// checkLabel adds the label column's problems to probs.
func checkLabel(p *profile.Profile, probs *Problems) {
	c := p.Columns[p.Label]
	q := strconv.Quote(c.Name)
	if c.Blank > 0 {
		probs.add(fmt.Sprintf("label column %s has %d blank cells (the first on line %d); fill them or remove those rows", q, c.Blank, c.FirstBlank))
	}
	switch {
	case p.TooManyClasses:
		probs.add(fmt.Sprintf("label column %s has more than %d distinct values, which is not a set of classes; name the class column with --label", q, profile.MaxClasses))
	case len(p.Classes) == 1:
		for only := range p.Classes {
			probs.add(fmt.Sprintf("label column %s holds one class only (%s); a classifier needs at least 2: is it the label? name the class column with --label", q, strconv.Quote(only)))
		}
	case len(p.Classes) == 0:
		probs.add(fmt.Sprintf("label column %s is blank in every row", q))
	}
	if p.TooManyClasses || len(p.Classes) < 2 {
		return
	}
	var lonely []string
	for class, n := range p.Classes {
		if n < 2 {
			lonely = append(lonely, strconv.Quote(class))
		}
	}
	if len(lonely) > 0 {
		slices.Sort(lonely)
		probs.add(fmt.Sprintf("label column %s: classes %s have 1 row each; the stratified split needs at least 2 rows per class (add rows or remove those)", q, clip(lonely, 10)))
	}
}

// checkFeature adds a feature column's problems to probs and returns the
// column with its range when it has none. With impute, blank cells are
// not a problem: training fills them (a column of blank cells only still
// is: it has no median).
func checkFeature(c profile.Column, impute bool, probs *Problems) (column, bool) {
	q := strconv.Quote(c.Name)
	ok := true
	if !ValidFeatureName(c.Name) {
		probs.add(fmt.Sprintf("column %s: the name is not an identifier (letters, digits and _, not starting with a digit) as clients send it as a JSON key; rename it in the header line, e.g. to %q, or leave it out with --drop", q, SuggestFeatureName(c.Name)))
		ok = false
	}
	if c.NotNumbers > 0 {
		probs.add(fmt.Sprintf("column %s is not numeric: line %d holds %s (%d such cells); leave it out with --drop %s, or encode it as numbers", q, c.FirstNotNumber.Line, quoteValue(c.FirstNotNumber.Value), c.NotNumbers, c.Name))
		probs.Drop = append(probs.Drop, c.Name)
		return column{}, false
	}
	switch {
	case c.Blank > 0 && c.Numbers == 0:
		probs.add(fmt.Sprintf("column %s is blank in every row; leave it out with --drop %s", q, c.Name))
		probs.Drop = append(probs.Drop, c.Name)
		return column{}, false
	case c.Blank > 0 && !impute:
		probs.add(fmt.Sprintf("column %s has %d blank cells (the first on line %d); with data.missing: error training stops on them: fill them, leave the column out with --drop %s, or keep them with --missing impute (data.missing: impute fills them with the training median)", q, c.Blank, c.FirstBlank, c.Name))
		probs.Impute = true
		ok = false
	}
	if c.Numbers > 0 && c.Min == c.Max {
		probs.add(fmt.Sprintf("column %s is constant (%v in every row) and tells the classes nothing; leave it out with --drop %s", q, c.Min, c.Name))
		probs.Drop = append(probs.Drop, c.Name)
		return column{}, false
	}
	if c.Numbers == 0 {
		// Every cell blank: reported above.
		return column{}, false
	}
	if !ok {
		return column{}, false
	}
	return column{Column: c, r: DeclaredRange(c.Min, c.Max)}, true
}

// quoteValue quotes a cell for a message, shortened if long.
func quoteValue(v string) string {
	const limit = 40
	if len(v) > limit {
		return strconv.Quote(strings.ToValidUTF8(v[:limit], "")) + "..."
	}
	return strconv.Quote(v)
}

// clip joins up to n items and says how many more there are.
func clip(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
