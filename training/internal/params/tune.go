package params

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/algorithm"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// Tune is the optional tune: section, read by `mlops tune` only: how many
// trials each search runs and how, and each model's search space narrowed
// from the one its algorithm declares. `mlops train` ignores it.
type Tune struct {
	// Trials is the number of trials of each search (one per outer fold of
	// the nested cross-validation, then the final one). --trials
	// overrides it. Optional. Default: 50.
	Trials int `yaml:"trials"`
	// Batch is the number of trials proposed together, each batch seeing
	// only the results of earlier ones, so that results do not depend on
	// how many run at once. Optional. Default: 8.
	Batch int `yaml:"batch"`
	// InnerFolds is the number of stratified folds that score each trial
	// inside a training part. Optional. Default: 3.
	InnerFolds int `yaml:"inner_folds"`
	// Models narrows each listed model's search space (see space.Narrow):
	// a range {low, high} inside the declared one, a list of choices, or a
	// single value that fixes the parameter. Optional. Default: the
	// declared spaces.
	Models TuneModels `yaml:"models"`
}

// TuneModels is tune.models: each model's narrowing, as written.
type TuneModels struct {
	sections []section
	spaces   map[string]space.Space
}

// UnmarshalYAML keeps each model's narrowing for Validate.
func (m *TuneModels) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return invalid("tune.models", fmt.Sprintf("at line %d must map model names to their narrowed spaces, e.g. svm: {kernel: [rbf]}", n.Line))
	}
	m.sections = m.sections[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		m.sections = append(m.sections, section{name: n.Content[i].Value, node: n.Content[i+1]})
	}
	return nil
}

// defaultTune returns the tune: settings used for absent keys.
func defaultTune() Tune {
	return Tune{Trials: 50, Batch: 8, InnerFolds: 3}
}

// validate checks the settings and narrows the spaces of the models
// models: lists.
func (t *Tune) validate(models *Models) error {
	switch {
	case t.Trials < 1:
		return invalid("tune.trials", fmt.Sprintf("is %d; it must be at least 1", t.Trials))
	case t.Batch < 1:
		return invalid("tune.batch", fmt.Sprintf("is %d; it must be at least 1", t.Batch))
	case t.InnerFolds < 2:
		return invalid("tune.inner_folds", fmt.Sprintf("is %d; it must be at least 2", t.InnerFolds))
	}
	spaces := make(map[string]space.Space, len(ModelNames))
	for _, name := range ModelNames {
		a, _ := algorithm.Lookup(name)
		spaces[name] = a.Space()
	}
	enabled := models.Enabled()
	seen := map[string]bool{}
	for _, s := range t.Models.sections {
		key := "tune.models." + s.name
		if _, ok := spaces[s.name]; !ok {
			return invalid(key, fmt.Sprintf("(line %d) is not a model; known models: %s", s.node.Line, strings.Join(ModelNames, ", ")))
		}
		if !slices.Contains(enabled, s.name) {
			return invalid(key, fmt.Sprintf("(line %d) narrows a model that models: does not list; add it there or remove this", s.node.Line))
		}
		if seen[s.name] {
			return invalid(key, fmt.Sprintf("(line %d) is listed twice", s.node.Line))
		}
		seen[s.name] = true
		narrowed, err := spaces[s.name].Narrow(key, s.node)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		spaces[s.name] = narrowed
	}
	t.Models.spaces = spaces
	return nil
}

// Space returns the search space of the model name: its algorithm's,
// narrowed by tune.models.<name>. Params.Validate (which Parse and Load
// run) must have succeeded.
func (m *TuneModels) Space(name string) (space.Space, bool) {
	s, ok := m.spaces[name]
	return s, ok
}
