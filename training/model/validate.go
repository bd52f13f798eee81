package model

import (
	"fmt"
	"math"
)

// validate checks everything that prediction and monitoring rely on, so a
// bundle that passes cannot panic or produce NaN at serving time.
func (b *Bundle) validate() error {
	if b.Format != FormatVersion {
		return invalidf("format %q, want %q", b.Format, FormatVersion)
	}
	if !ValidName(b.Name) {
		return invalidf("name %q must match %s", b.Name, namePattern)
	}
	if b.Algorithm == "" {
		return invalidf("%q: algorithm is empty", b.Name)
	}
	if len(b.Features) == 0 {
		return invalidf("%q: no features", b.Name)
	}
	seen := make(map[string]bool, len(b.Features))
	for i, f := range b.Features {
		if f.Name == "" {
			return invalidf("%q: feature %d has no name", b.Name, i)
		}
		if seen[f.Name] {
			return invalidf("%q: feature %q listed twice", b.Name, f.Name)
		}
		seen[f.Name] = true
		if !finite(f.Valid.Min, f.Valid.Max) || f.Valid.Min > f.Valid.Max {
			return invalidf("%q: feature %q: valid range [%v, %v] is not a finite interval", b.Name, f.Name, f.Valid.Min, f.Valid.Max)
		}
		if f.Impute != nil && (!finite(*f.Impute) || !f.Valid.Contains(*f.Impute)) {
			return invalidf("%q: feature %q: impute value %v is not a finite number within the valid range [%v, %v]", b.Name, f.Name, *f.Impute, f.Valid.Min, f.Valid.Max)
		}
		if err := f.Stats.validate(); err != nil {
			return invalidf("%q: feature %q: %v", b.Name, f.Name, err)
		}
	}
	if len(b.Classes) < 2 {
		return invalidf("%q: %d classes, need at least 2", b.Name, len(b.Classes))
	}
	classes := make(map[string]bool, len(b.Classes))
	for _, c := range b.Classes {
		if classes[c] {
			return invalidf("%q: class %q listed twice", b.Name, c)
		}
		classes[c] = true
	}
	for k, v := range b.Hyperparameters {
		switch v.(type) {
		case nil, bool, string, float64, float32, int, int64:
		default:
			return invalidf("%q: hyper-parameter %q has type %T; want a string, number, boolean or null", b.Name, k, v)
		}
	}
	for k, v := range b.Metrics {
		if !finite(v) {
			return invalidf("%q: metric %q is %v", b.Name, k, v)
		}
	}
	if err := b.Model.validate(len(b.Features), len(b.Classes)); err != nil {
		return invalidf("%q: %v", b.Name, err)
	}
	return nil
}

// paramSet is one algorithm's fitted parameters.
type paramSet interface {
	predictor
	validate(features, classes int) error
}

// sets returns every parameter set present, each with its name for
// messages. Each algorithm adds one line here and one field to Params.
func (p *Params) sets() (names []string, sets []paramSet) {
	add := func(name string, present bool, s paramSet) {
		if present {
			names, sets = append(names, name), append(sets, s)
		}
	}
	add("linear", p.Linear != nil, p.Linear)
	add("tree", p.Tree != nil, p.Tree)
	add("boosted", p.Boosted != nil, p.Boosted)
	add("forest", p.Forest != nil, p.Forest)
	add("svm", p.SVM != nil, p.SVM)
	add("linear_svm", p.LinearSVM != nil, p.LinearSVM)
	return names, sets
}

// validate checks that exactly one set of parameters is present and that it
// fits the given shape.
func (p *Params) validate(features, classes int) error {
	names, sets := p.sets()
	if len(sets) != 1 {
		return fmt.Errorf("model must hold exactly one set of fitted parameters, found %d %v", len(sets), names)
	}
	if err := sets[0].validate(features, classes); err != nil {
		return fmt.Errorf("%s model: %w", names[0], err)
	}
	return nil
}

// predictor returns the compiled form of validated parameters.
func (p *Params) predictor() predictor {
	if _, sets := p.sets(); len(sets) == 1 {
		return sets[0]
	}
	return nil
}

// compile builds the predictor from validated parameters.
func (b *Bundle) compile() error {
	b.pred = b.Model.predictor()
	if b.pred == nil {
		return invalidf("%q: no fitted parameters", b.Name)
	}
	return nil
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
