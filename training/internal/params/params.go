package params

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"go.yaml.in/yaml/v3"
)

// DefaultFile is the params file a command reads when none is given, as DVC
// does.
const DefaultFile = "params.yaml"

// Params is the content of params.yaml.
type Params struct {
	Data  Data  `yaml:"data"`
	Split Split `yaml:"split"`
	CV    CV    `yaml:"cv"`
	// Seed drives every random choice: the split, the folds and the
	// algorithms. Optional. Default: 42.
	Seed   uint64 `yaml:"seed"`
	Models Models `yaml:"models"`
	// Tune configures `mlops tune`. Optional. Default: see Tune.
	Tune Tune `yaml:"tune"`
}

// Data says where the data is and how to read it.
type Data struct {
	// Name is the data set's name; the API title and the compatibility metric
	// prefix derive from it. Required.
	Name string `yaml:"name"`
	// Path is the CSV file, relative to the working directory. Required.
	Path string `yaml:"path"`
	// Label is the label column. Required.
	Label string `yaml:"label"`
	// Features lists the feature columns in model input order. Required.
	Features []Feature `yaml:"features"`
	// Missing says what training does with blank feature cells: "error"
	// stops it, naming each column with blanks and their count; "impute"
	// fills each blank cell with its feature's median over the rows a model
	// is fitted on, and records the final fit's medians in the bundle so
	// that serving fills missing inputs the same way. A blank label is an
	// error either way. Optional. Default: "error".
	Missing string `yaml:"missing,omitempty"`
}

// Values of Data.Missing.
const (
	MissingError  = "error"
	MissingImpute = "impute"
)

// Feature is one feature column with its declared valid range; serving
// rejects values outside it.
type Feature struct {
	Name string  `yaml:"name"`
	Min  float64 `yaml:"min"`
	Max  float64 `yaml:"max"`
}

// Split configures the hold-out split.
type Split struct {
	// TestSize is the fraction of rows held out. Optional. Default: 0.2.
	TestSize float64 `yaml:"test_size"`
}

// CV configures repeated stratified k-fold cross-validation.
type CV struct {
	// Folds per repeat. Optional. Default: 10.
	Folds int `yaml:"folds"`
	// Repeats, each with a different shuffle. Optional. Default: 5.
	Repeats int `yaml:"repeats"`
}

// Default returns the parameters used for absent keys.
func Default() Params {
	return Params{
		Split: Split{TestSize: 0.2},
		CV:    CV{Folds: 10, Repeats: 5},
		Seed:  42,
		Tune:  defaultTune(),
	}
}

// Parse decodes params.yaml content strictly and validates it. name is used
// in messages.
func Parse(name string, data []byte) (*Params, error) {
	p := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the file is empty; see params.yaml in the repository for the expected keys", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &p, nil
}

// Load reads and parses the params file at path.
func Load(path string) (*Params, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read params: %w", err)
	}
	return Parse(path, data)
}

// Validate checks every value, naming the key of the first bad one.
func (p *Params) Validate() error {
	d := p.Data
	switch {
	case d.Name == "":
		return invalid("data.name", "is required (e.g. iris)")
	case d.Path == "":
		return invalid("data.path", "is required (e.g. data/iris.csv)")
	case d.Label == "":
		return invalid("data.label", "is required: the name of the label column")
	case len(d.Features) == 0:
		return invalid("data.features", "must list at least one feature column")
	}
	seen := map[string]bool{d.Label: true}
	for i, f := range d.Features {
		key := fmt.Sprintf("data.features[%d]", i)
		if f.Name == "" {
			return invalid(key+".name", "is required")
		}
		if seen[f.Name] {
			return invalid(key+".name", fmt.Sprintf("%q is listed twice or is the label column", f.Name))
		}
		seen[f.Name] = true
		if !finite(f.Min, f.Max) || f.Min >= f.Max {
			return invalid(key, fmt.Sprintf("valid range [min %v, max %v] of %q must be finite with min < max", f.Min, f.Max, f.Name))
		}
	}
	switch d.Missing {
	case "", MissingError, MissingImpute:
	default:
		return invalid("data.missing", fmt.Sprintf("is %q; it must be error (the default) or impute", d.Missing))
	}
	if !(p.Split.TestSize > 0 && p.Split.TestSize < 1) {
		return invalid("split.test_size", fmt.Sprintf("is %v; it must be a fraction in (0, 1), e.g. 0.2", p.Split.TestSize))
	}
	if p.CV.Folds < 2 {
		return invalid("cv.folds", fmt.Sprintf("is %d; it must be at least 2", p.CV.Folds))
	}
	if p.CV.Repeats < 1 {
		return invalid("cv.repeats", fmt.Sprintf("is %d; it must be at least 1", p.CV.Repeats))
	}
	if err := p.Models.validate(); err != nil {
		return err
	}
	return p.Tune.validate(&p.Models)
}

// Impute reports whether blank feature cells are imputed (data.missing:
// impute) rather than an error.
func (d Data) Impute() bool { return d.Missing == MissingImpute }

// FeatureNames returns the feature column names in order.
func (d Data) FeatureNames() []string {
	names := make([]string, len(d.Features))
	for i, f := range d.Features {
		names[i] = f.Name
	}
	return names
}

func invalid(key, msg string) error {
	return fmt.Errorf("%w: %s %s", ErrInvalid, key, msg)
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
