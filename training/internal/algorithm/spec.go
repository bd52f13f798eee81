package algorithm

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/classifier"
	"github.com/mlopsgo/mlops/training/internal/tune/space"
)

// TimeoutKey is the params.yaml key every model section accepts besides its
// algorithm's parameters: how long the model's cross-validation and final
// fit may take, as a duration such as 10m; 0 or absent means no limit.
const TimeoutKey = "timeout"

// Algorithm is one entry of the registry.
type Algorithm struct {
	// Name is the model name and params.yaml key.
	Name string
	// Kind is what bundles record as their algorithm.
	Kind string
	// Rank breaks champion ties: the lower wins.
	Rank int

	configure func(section *yaml.Node) (Spec, error)
	space     func() space.Space
}

// Space returns the hyper-parameters `mlops tune` searches, declared by
// the algorithm's package. A point of it, laid over a params.yaml section
// with space.Overlay, is configured by Configure like any section.
func (a Algorithm) Space() space.Space {
	return a.space()
}

// Spec is one configured model: its params.yaml section decoded over the
// algorithm's defaults and validated.
type Spec struct {
	Name string
	Kind string
	Rank int
	// Timeout bounds the model's cross-validation and final fit; 0 means
	// none.
	Timeout time.Duration
	// Hyperparameters are the settings under their params.yaml keys, as
	// bundles and runs record them.
	Hyperparameters map[string]any
	// Config is the algorithm package's Config (logreg.Config, ...).
	Config any

	// workers bounds the goroutines of one fit; 0 means GOMAXPROCS.
	workers    int
	newTrainer func(src rand.Source, workers int) (classifier.Trainer, error)
}

// NewTrainer returns a trainer whose randomness comes from the stream of
// seed, so that every fit (each fold, the final fit) has its own
// reproducible source.
func (s Spec) NewTrainer(seed, stream uint64) (classifier.Trainer, error) {
	return s.newTrainer(rand.NewPCG(seed, stream), s.workers)
}

// WithWorkers returns s with its trainers' fits bounded to n goroutines
// (0: GOMAXPROCS, the default): 1 for a caller that runs many fits in
// parallel itself, as `mlops tune` does, where a fit's own goroutines
// would only contend with the others'. Every algorithm's fit is the same
// for any number of workers, so the models do not change. It panics if
// n < 0.
func (s Spec) WithWorkers(n int) Spec {
	if n < 0 {
		panic(fmt.Sprintf("algorithm: WithWorkers(%d)", n))
	}
	s.workers = n
	return s
}

// Configure decodes section, the value under models.<name> in params.yaml,
// over the algorithm's defaults and validates it. A nil or null section
// means every default. Errors name the key as models.<name>.<key>.
func (a Algorithm) Configure(section *yaml.Node) (Spec, error) {
	return a.configure(section)
}

// config is what each algorithm package's Config provides.
type config interface {
	Hyperparameters() map[string]any
}

// recorder is what a Config provides whose bundles record some settings
// only where they shape the model: the trees' tree_method and max_bin,
// recorded only where the hist method was used, so bundles fitted with the
// defaults on small data are what they were before the setting existed.
type recorder interface {
	// Recorded returns the settings a bundle of a fit on rows training
	// rows records; read back as a params.yaml section, they fit the same
	// model on the same data.
	Recorded(rows int) map[string]any
}

// Recorded returns the hyper-parameters a bundle of the model fitted on rows
// training rows records: Hyperparameters, less any setting the algorithm
// records only where it shapes the model.
func (s Spec) Recorded(rows int) map[string]any {
	if r, ok := s.Config.(recorder); ok {
		return r.Recorded(rows)
	}
	return s.Hyperparameters
}

// define registers an algorithm whose Config type is C: defaults gives its
// starting values, tuned its search space, build validates one and returns
// its trainer, whose fits use up to workers goroutines (0: GOMAXPROCS).
func define[C config](name, kind string, rank int, defaults func() C, tuned func() space.Space, build func(c C, src rand.Source, workers int) (classifier.Trainer, error)) Algorithm {
	a := Algorithm{Name: name, Kind: kind, Rank: rank, space: tuned}
	a.configure = func(section *yaml.Node) (Spec, error) {
		cfg := defaults()
		var timeout time.Duration
		if section != nil && section.ShortTag() != "!!null" {
			if section.Kind != yaml.MappingNode {
				return Spec{}, fmt.Errorf("models.%s at line %d must be a mapping of parameters (or empty for the defaults)", name, section.Line)
			}
			known := slices.Sorted(maps.Keys(cfg.Hyperparameters()))
			for i := 0; i+1 < len(section.Content); i += 2 {
				k, v := section.Content[i], section.Content[i+1]
				switch {
				case k.Value == TimeoutKey:
					t, err := parseTimeout(v)
					if err != nil {
						return Spec{}, fmt.Errorf("models.%s.%s %w", name, TimeoutKey, err)
					}
					timeout = t
				case !slices.Contains(known, k.Value):
					return Spec{}, fmt.Errorf("models.%s.%s (line %d) is not a parameter of %s; its parameters are %s, and %s",
						name, k.Value, k.Line, name, strings.Join(known, ", "), TimeoutKey)
				}
			}
			if err := section.Decode(&cfg); err != nil {
				return Spec{}, keyed(name, err)
			}
		}
		// Building a trainer runs the algorithm's own checks, so a bad
		// value fails before any work starts.
		if _, err := build(cfg, rand.NewPCG(0, 0), 0); err != nil {
			return Spec{}, keyed(name, err)
		}
		return Spec{
			Name: name, Kind: kind, Rank: rank, Timeout: timeout,
			Hyperparameters: cfg.Hyperparameters(), Config: cfg,
			newTrainer: func(src rand.Source, workers int) (classifier.Trainer, error) { return build(cfg, src, workers) },
		}, nil
	}
	return a
}

// parseTimeout reads a duration such as 90s or 10m.
func parseTimeout(v *yaml.Node) (time.Duration, error) {
	if v.ShortTag() == "!!null" {
		return 0, nil
	}
	if v.ShortTag() == "!!int" && v.Value == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil || d < 0 || v.Kind != yaml.ScalarNode {
		return 0, fmt.Errorf("is %q (line %d); it must be a duration such as 90s or 10m, or 0 for no limit", v.Value, v.Line)
	}
	return d, nil
}

// keyed names the parameter an algorithm rejected as models.<name>.<key>.
func keyed(name string, err error) error {
	var pe *classifier.ParamError
	if errors.As(err, &pe) {
		return fmt.Errorf("models.%s.%s %s", name, pe.Key, pe.Problem)
	}
	return fmt.Errorf("models.%s: %w", name, err)
}
