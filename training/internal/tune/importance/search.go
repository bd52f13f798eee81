package importance

import (
	"fmt"
	"math"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// Inputs are Fanova's arguments for one search.
type Inputs struct {
	Params []Param
	// X holds one row per complete trial, in trial order, NaN for a
	// parameter the trial does not have (a conditional one, inactive); Y
	// their objectives; Trials their numbers.
	X      [][]float64
	Y      []float64
	Trials []int
}

// Common returns the inputs restricted to the parameters every trial has,
// as Optuna's evaluator restricts them to the intersection search space of
// the complete trials, and the names of the others, left out: a
// conditional parameter (gamma, which only the rbf kernel has) has no
// importance there.
func (in *Inputs) Common() (*Inputs, []string) {
	var keep []int
	var left []string
	for j, p := range in.Params {
		all := true
		for _, row := range in.X {
			all = all && !math.IsNaN(row[j])
		}
		if all {
			keep = append(keep, j)
		} else {
			left = append(left, p.Name)
		}
	}
	out := &Inputs{Y: in.Y, Trials: in.Trials, X: make([][]float64, len(in.X))}
	for _, j := range keep {
		out.Params = append(out.Params, in.Params[j])
	}
	for i, row := range in.X {
		out.X[i] = make([]float64, len(keep))
		for k, j := range keep {
			out.X[i][k] = row[j]
		}
	}
	return out, left
}

// FromSearch returns the fANOVA inputs of a search as the run store records
// it: its complete trials (Optuna ignores pruned and failed ones), each
// trial's objective the mean of its inner folds' scores, its parameters
// encoded as Optuna's distributions would hold them. A float is its value
// over [Low, High]; an integer its value over Low, Low+Step, ... up to the
// last grid point ≤ High (Optuna's IntDistribution adjusts High so), and
// for a parameter that may be null (no limit) one step further, where the
// search itself places null; a categorical the index of its choice. Log
// scales change nothing: Optuna's evaluator does not log-transform.
//
// A trial without a parameter (a conditional one its condition left out)
// holds NaN for it; Common drops such parameters, as Optuna does. It
// returns an error naming the trial for a value its dimension cannot take.
func FromSearch(dims []tracking.TuneDim, trials []tracking.TuneTrial) (*Inputs, error) {
	return FromTrials(dims, trials, "complete")
}

// FromTrials is FromSearch for the trials in state ("complete" or
// "pruned"): a pruned trial's objective is the mean of the inner folds it
// reached. The report plots pruned trials beside the complete ones; fANOVA
// takes complete trials only.
func FromTrials(dims []tracking.TuneDim, trials []tracking.TuneTrial, state string) (*Inputs, error) {
	in := &Inputs{Params: make([]Param, len(dims))}
	for j, d := range dims {
		p, err := paramOf(d)
		if err != nil {
			return nil, err
		}
		in.Params[j] = p
	}
	for _, t := range trials {
		if t.State != state {
			continue
		}
		if len(t.Scores) == 0 {
			return nil, fmt.Errorf("importance: trial %d is %s without scores", t.Number, state)
		}
		row := make([]float64, len(dims))
		for j, d := range dims {
			v, ok := t.Params[d.Name]
			if !ok {
				row[j] = math.NaN()
				continue
			}
			x, err := valueOf(d, in.Params[j], v)
			if err != nil {
				return nil, fmt.Errorf("importance: trial %d: %w", t.Number, err)
			}
			row[j] = x
		}
		var s float64
		for _, v := range t.Scores {
			s += v
		}
		in.X = append(in.X, row)
		in.Y = append(in.Y, s/float64(len(t.Scores)))
		in.Trials = append(in.Trials, t.Number)
	}
	return in, nil
}

// paramOf returns the Param of a recorded dimension.
func paramOf(d tracking.TuneDim) (Param, error) {
	switch d.Type {
	case "categorical":
		if len(d.Choices) == 0 {
			return Param{}, fmt.Errorf("importance: %s is categorical without choices", d.Name)
		}
		return Param{Name: d.Name, Choices: len(d.Choices)}, nil
	case "int":
		if d.Step < 1 || !(d.Low <= d.High) {
			return Param{}, fmt.Errorf("importance: %s is an integer range [%v, %v] with step %d", d.Name, d.Low, d.High, d.Step)
		}
		step := float64(d.Step)
		high := d.Low + math.Floor((d.High-d.Low)/step)*step
		if d.Unlimited {
			high += step
		}
		return Param{Name: d.Name, Low: d.Low, High: high}, nil
	case "float":
		if !(d.Low <= d.High) {
			return Param{}, fmt.Errorf("importance: %s has range [%v, %v]", d.Name, d.Low, d.High)
		}
		return Param{Name: d.Name, Low: d.Low, High: d.High}, nil
	}
	return Param{}, fmt.Errorf("importance: %s has type %q", d.Name, d.Type)
}

// valueOf returns the encoded value of v, a trial's value of d as run.json
// holds it (numbers may have been decoded as float64).
func valueOf(d tracking.TuneDim, p Param, v any) (float64, error) {
	if d.Type == "categorical" {
		for i, c := range d.Choices {
			if sameValue(c, v) {
				return float64(i), nil
			}
		}
		return 0, fmt.Errorf("%s is %v, not one of its choices %v", d.Name, v, d.Choices)
	}
	if v == nil && d.Unlimited {
		return p.High, nil
	}
	x, ok := number(v)
	if !ok || math.IsNaN(x) {
		return 0, fmt.Errorf("%s is %v (%T), not a number", d.Name, v, v)
	}
	return x, nil
}

// number returns v as a float64 when it is a number.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// sameValue reports whether a and b are the same params.yaml value,
// whether a number is an int or a float64 (JSON decodes every number as a
// float64).
func sameValue(a, b any) bool {
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	switch a := a.(type) {
	case nil:
		return b == nil
	case string:
		s, ok := b.(string)
		return ok && a == s
	case bool:
		t, ok := b.(bool)
		return ok && a == t
	}
	return false
}
