package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tune/importance"
)

// The trial states of a search record.
const (
	trialComplete   = "complete"
	trialPruned     = "pruned"
	trialInfeasible = "infeasible"
)

// grey draws pruned trials.
var grey = color.NRGBA{0x8c, 0x95, 0x9f, 0xff}

// trialScore is a trial's mean score over the inner folds it reached.
func trialScore(t *tracking.TuneTrial) float64 {
	var s float64
	for _, v := range t.Scores {
		s += v
	}
	return s / float64(len(t.Scores))
}

// scoreFloor returns the y-axis minimum for scores down to lo: a multiple
// of 0.05 a little below it, at least 0.
func scoreFloor(lo float64) float64 {
	return math.Max(0, math.Floor((lo-0.02)*20)/20)
}

// TuneHistory plots a search's trials by trial number: each trial's mean
// inner score (complete trials filled, pruned ones as rings at the mean
// of the folds they reached, infeasible ones as crosses along the
// bottom), the best complete trial so far as a step line and the best
// trial ringed. nil for a search without trials.
func TuneHistory(name string, s *tracking.TuneSearch) ([]byte, error) {
	if len(s.Trials) == 0 {
		return nil, nil
	}
	var complete, pruned, best plotter.XYs
	var infeasible []float64
	lo, top := 1.0, math.Inf(-1)
	for i := range s.Trials {
		t := &s.Trials[i]
		x := float64(t.Number)
		switch t.State {
		case trialComplete:
			v := trialScore(t)
			complete = append(complete, plotter.XY{X: x, Y: v})
			top, lo = max(top, v), min(lo, v)
		case trialPruned:
			v := trialScore(t)
			pruned = append(pruned, plotter.XY{X: x, Y: v})
			lo = min(lo, v)
		default:
			infeasible = append(infeasible, x)
		}
		if !math.IsInf(top, -1) {
			best = append(best, plotter.XY{X: x, Y: top})
		}
	}
	p := newPlot(name + ": best score by trial")
	p.X.Label.Text, p.Y.Label.Text = "trial", "mean inner CV accuracy"
	p.X.Tick.Marker = countTicks{}
	p.Y.Min, p.Y.Max = scoreFloor(lo), 1.01
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.XOffs = vg.Points(-4)
	p.Add(plotter.NewGrid())
	if len(best) > 0 {
		line, err := plotter.NewLine(best)
		if err != nil {
			return nil, fmt.Errorf("report: tune history %s: %w", name, err)
		}
		line.StepStyle = plotter.PostStep
		line.Color, line.Width = colorAt(0), vg.Points(1.5)
		p.Add(line)
		p.Legend.Add("best so far", line)
	}
	c := colorAt(0)
	series := []struct {
		label string
		xys   plotter.XYs
		style draw.GlyphStyle
	}{
		{"complete", complete, draw.GlyphStyle{Color: color.NRGBA{c.R, c.G, c.B, 0xb0}, Shape: draw.CircleGlyph{}, Radius: vg.Points(2.5)}},
		{"pruned", pruned, draw.GlyphStyle{Color: grey, Shape: draw.RingGlyph{}, Radius: vg.Points(2.5)}},
	}
	if len(infeasible) > 0 {
		var xys plotter.XYs
		for _, x := range infeasible {
			xys = append(xys, plotter.XY{X: x, Y: p.Y.Min})
		}
		series = append(series, struct {
			label string
			xys   plotter.XYs
			style draw.GlyphStyle
		}{"infeasible", xys, draw.GlyphStyle{Color: colorAt(2), Shape: draw.CrossGlyph{}, Radius: vg.Points(3)}})
	}
	for _, sr := range series {
		if len(sr.xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(sr.xys)
		if err != nil {
			return nil, fmt.Errorf("report: tune history %s: %w", name, err)
		}
		sc.GlyphStyle = sr.style
		p.Add(sc)
		p.Legend.Add(sr.label, sc)
	}
	if err := ringBest(p, s); err != nil {
		return nil, fmt.Errorf("report: tune history %s: %w", name, err)
	}
	// An empty slot on the right holds the legend, clear of the points.
	n := float64(s.Trials[len(s.Trials)-1].Number)
	p.X.Min, p.X.Max = -0.5, n+0.5+0.32*(n+1)
	return renderSVG(p, 5*vg.Inch, 3.4*vg.Inch)
}

// ringBest rings the search's best trial and adds it to the legend;
// nothing when the search has no best trial.
func ringBest(p *plot.Plot, s *tracking.TuneSearch) error {
	for i := range s.Trials {
		t := &s.Trials[i]
		if t.Number != s.Best || t.State != trialComplete {
			continue
		}
		sc, err := plotter.NewScatter(plotter.XYs{{X: float64(t.Number), Y: trialScore(t)}})
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: colorAt(1), Shape: draw.RingGlyph{}, Radius: vg.Points(5)}
		p.Add(sc)
		p.Legend.Add("chosen (best)", sc)
	}
	return nil
}

// TuneScores plots, for each searched parameter, the complete trials'
// mean inner score against the parameter's value (in, as
// importance.FromSearch reads a search; a trial without a conditional
// parameter is not in its panel), and under them the pruned trials' (as
// importance.FromTrials reads them; nil for none) as grey rings at the
// mean of the folds they reached, as TuneHistory draws them: where
// successive halving stops most trials after a fold, they are most of
// what the search learned of the space. One small panel per parameter on
// a shared score axis, a log axis for a log-scaled parameter, a strip per
// choice for a categorical one (the points spread sideways by trial
// number), null (no limit) one step past an integer's range. The trial
// numbered best is ringed. nil when no trial completed or was pruned.
func TuneScores(name string, dims []tracking.TuneDim, in, pruned *importance.Inputs, best int) ([]byte, error) {
	if pruned == nil {
		pruned = &importance.Inputs{}
	}
	if len(in.Y)+len(pruned.Y) == 0 || len(dims) == 0 {
		return nil, nil
	}
	if len(in.Params) != len(dims) || (len(pruned.Y) > 0 && len(pruned.Params) != len(dims)) {
		panic(fmt.Sprintf("report: %d and %d encoded parameters for %d dimensions", len(in.Params), len(pruned.Params), len(dims)))
	}
	lo := 1.0
	for _, v := range slices.Concat(in.Y, pruned.Y) {
		lo = min(lo, v)
	}
	cols := min(len(dims), 3)
	rows := (len(dims) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
	}
	c := colorAt(0)
	for k, d := range dims {
		p := newPlot(d.Name)
		p.Title.TextStyle.Font.Size = vg.Points(10)
		p.X.Tick.Label.Font.Size = vg.Points(8)
		p.Y.Tick.Label.Font.Size = vg.Points(8)
		p.Y.Min, p.Y.Max = scoreFloor(lo), 1.01
		if k%cols == 0 {
			p.Y.Label.Text = "mean inner CV accuracy"
			p.Y.Label.TextStyle.Font.Size = vg.Points(9)
		}
		paramAxis(p, d, in.Params[k])
		xys, ring := scorePoints(in, k, best)
		stopped, _ := scorePoints(pruned, k, -1)
		p.Add(plotter.NewGrid())
		for _, sr := range []struct {
			xys   plotter.XYs
			style draw.GlyphStyle
		}{
			{stopped, draw.GlyphStyle{Color: grey, Shape: draw.RingGlyph{}, Radius: vg.Points(2.2)}},
			{xys, draw.GlyphStyle{Color: color.NRGBA{c.R, c.G, c.B, 0xb0}, Shape: draw.CircleGlyph{}, Radius: vg.Points(2.2)}},
			{ring, draw.GlyphStyle{Color: colorAt(1), Shape: draw.RingGlyph{}, Radius: vg.Points(5)}},
		} {
			if len(sr.xys) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(sr.xys)
			if err != nil {
				return nil, fmt.Errorf("report: tune scores %s/%s: %w", name, d.Name, err)
			}
			sc.GlyphStyle = sr.style
			p.Add(sc)
		}
		plots[k/cols][k%cols] = p
	}
	return renderGrid(plots, vg.Length(cols)*2.5*vg.Inch, vg.Length(rows)*2.1*vg.Inch)
}

// scorePoints returns the points of parameter k's panel for the trials of
// in (score against value; a trial without the parameter, a conditional
// one, has none), and the point of the trial numbered best among them.
func scorePoints(in *importance.Inputs, k, best int) (xys, ring plotter.XYs) {
	for i, row := range in.X {
		x := row[k]
		if math.IsNaN(x) {
			continue
		}
		if in.Params[k].Choices > 0 {
			// A fixed spread instead of random jitter, so the chart is
			// the same every time.
			x += 0.06 * float64(in.Trials[i]%7-3)
		}
		xys = append(xys, plotter.XY{X: x, Y: in.Y[i]})
		if in.Trials[i] == best {
			ring = append(ring, xys[len(xys)-1])
		}
	}
	return xys, ring
}

// paramAxis sets up p's x axis for the parameter d, encoded as prm: the
// choices for a categorical, else its range (up to null's place for an
// integer that may be null), on a log scale for a log-scaled parameter.
func paramAxis(p *plot.Plot, d tracking.TuneDim, prm importance.Param) {
	p.X.Label.TextStyle.Font.Size = vg.Points(8)
	if prm.Choices > 0 {
		names := make([]string, len(d.Choices))
		for i, c := range d.Choices {
			names[i] = formatValue(c)
		}
		p.NominalX(names...)
		p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
		return
	}
	p.X.Label.Text = d.Name
	var ticks plot.Ticker = plot.DefaultTicks{}
	if d.Log && prm.Low > 0 {
		p.X.Scale = plot.LogScale{}
		ticks = plot.LogTicks{Prec: -1}
		p.X.Min, p.X.Max = prm.Low, prm.High
		p.X.Label.Text += " (log scale)"
	} else {
		pad := 0.04 * (prm.High - prm.Low)
		p.X.Min, p.X.Max = prm.Low-pad, prm.High+pad
	}
	if d.Type == "int" && d.Unlimited {
		ticks = nullTicks{Ticker: ticks, high: d.High, null: prm.High}
	}
	p.X.Tick.Marker = ticks
}

// nullTicks are an unlimited integer's ticks: the underlying ones up to
// the range's top, and "null" where null is drawn.
type nullTicks struct {
	plot.Ticker
	high, null float64
}

func (n nullTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range n.Ticker.Ticks(lo, hi) {
		if t.Value <= n.high {
			out = append(out, t)
		}
	}
	return append(out, plot.Tick{Value: n.null, Label: "null"})
}

// Importances is a horizontal bar per parameter, the most important on
// top, each labelled with its value.
func Importances(title string, names []string, values []float64) ([]byte, error) {
	if len(names) != len(values) {
		panic(fmt.Sprintf("report: %d importances for %d names", len(values), len(names)))
	}
	if len(names) == 0 {
		return nil, nil
	}
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	// Ascending, so that the largest is drawn last, on top.
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case values[a] < values[b]:
			return -1
		case values[a] > values[b]:
			return 1
		}
		return b - a
	})
	sorted := make(plotter.Values, len(order))
	labels := make([]string, len(order))
	var text plotter.XYLabels
	hi := 0.0
	for i, j := range order {
		sorted[i], labels[i] = values[j], names[j]
		hi = max(hi, values[j])
		text.XYs = append(text.XYs, plotter.XY{X: values[j], Y: float64(i)})
		text.Labels = append(text.Labels, strconv.FormatFloat(values[j], 'f', 3, 64))
	}
	p := newPlot(title)
	p.X.Label.Text = "importance (share of the explained variance)"
	bar, err := plotter.NewBarChart(sorted, vg.Points(14))
	if err != nil {
		return nil, fmt.Errorf("report: importances: %w", err)
	}
	bar.Horizontal = true
	bar.Color = colorAt(0)
	bar.LineStyle.Width = 0
	p.Add(plotter.NewGrid(), bar)
	l, err := plotter.NewLabels(text)
	if err != nil {
		return nil, fmt.Errorf("report: importances: %w", err)
	}
	for i := range l.TextStyle {
		l.TextStyle[i] = textStyle(vg.Points(9), color.Black)
		l.TextStyle[i].XAlign = draw.XLeft
	}
	l.Offset = vg.Point{X: vg.Points(4)}
	p.Add(l)
	p.NominalY(labels...)
	p.Y.Min, p.Y.Max = -0.6, float64(len(labels))-0.4
	// Room on the right for the labels.
	p.X.Min, p.X.Max = 0, math.Max(hi, 0.05)*1.18
	return renderSVG(p, 5*vg.Inch, vg.Length(1.1+0.32*float64(len(names)))*vg.Inch)
}
