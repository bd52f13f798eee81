package params

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
)

// ModelNames lists every model name params.yaml accepts, in the order
// training runs them and tables list them.
var ModelNames = algorithm.Names()

// Models is the models: section. A model is trained when its key is present
// (an empty section means all defaults). Each section is decoded and checked
// by its algorithm (see package algorithm) when Params.Validate runs.
type Models struct {
	sections []section
	specs    map[string]algorithm.Spec
}

// section is one model's settings as written.
type section struct {
	name string
	node *yaml.Node
}

// UnmarshalYAML keeps each model's settings for Validate.
func (m *Models) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return invalid("models", fmt.Sprintf("at line %d must map model names to their settings, e.g. svm: {C: 1.0}", n.Line))
	}
	m.sections = m.sections[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		m.sections = append(m.sections, section{name: n.Content[i].Value, node: n.Content[i+1]})
	}
	return nil
}

// validate configures every listed model, naming the key of the first bad
// setting, in file order.
func (m *Models) validate() error {
	if len(m.sections) == 0 {
		return invalid("models", "lists no model; add at least one of: "+strings.Join(ModelNames, ", "))
	}
	specs := make(map[string]algorithm.Spec, len(m.sections))
	for _, s := range m.sections {
		a, ok := algorithm.Lookup(s.name)
		if !ok {
			return invalid("models."+s.name, fmt.Sprintf("(line %d) is not a model; known models: %s", s.node.Line, strings.Join(ModelNames, ", ")))
		}
		spec, err := a.Configure(s.node)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		specs[s.name] = spec
	}
	m.specs = specs
	return nil
}

// Enabled returns the names of the models params.yaml lists, in ModelNames
// order.
func (m *Models) Enabled() []string {
	var names []string
	for _, name := range ModelNames {
		if slices.ContainsFunc(m.sections, func(s section) bool { return s.name == name }) {
			names = append(names, name)
		}
	}
	return names
}

// Spec returns the configured model name. Params.Validate (which Parse and
// Load run) must have succeeded.
func (m *Models) Spec(name string) (algorithm.Spec, bool) {
	s, ok := m.specs[name]
	return s, ok
}

// Section returns the model name's settings as params.yaml writes them
// (nil if it does not list the model): the base a tuning trial's values
// are laid over. The node is shared: callers must not modify it.
func (m *Models) Section(name string) *yaml.Node {
	for _, s := range m.sections {
		if s.name == name {
			return s.node
		}
	}
	return nil
}

// Select narrows the enabled models to only (all when only is empty). It
// fails on a name that is unknown or not enabled in params.yaml.
func (m *Models) Select(only []string) ([]string, error) {
	enabled := m.Enabled()
	if len(only) == 0 {
		return enabled, nil
	}
	for _, name := range only {
		if !slices.Contains(ModelNames, name) {
			return nil, fmt.Errorf("%w: unknown model %q; known models: %s", ErrInvalid, name, strings.Join(ModelNames, ", "))
		}
	}
	var out []string
	for _, name := range ModelNames {
		if slices.Contains(only, name) {
			if !slices.Contains(enabled, name) {
				return nil, fmt.Errorf("%w: model %q is not configured under models: in params.yaml", ErrInvalid, name)
			}
			out = append(out, name)
		}
	}
	return out, nil
}
