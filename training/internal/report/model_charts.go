package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// errPoints are points with symmetric Y errors, for plotter.NewYErrorBars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// modelNames returns the run's model names in order.
func modelNames(r *tracking.Run) []string {
	names := make([]string, len(r.Models))
	for i, m := range r.Models {
		names[i] = m.Name
	}
	return names
}

// MetricComparison is a group of bars per model: hold-out accuracy,
// weighted precision and recall, macro F1, and CV accuracy with ± one
// standard deviation as error bars.
func MetricComparison(r *tracking.Run) ([]byte, error) {
	metrics := []struct {
		name string
		get  func(*tracking.Model) float64
	}{
		{"test accuracy", func(m *tracking.Model) float64 { return m.Test.Accuracy }},
		{"test precision", func(m *tracking.Model) float64 { return m.Test.PrecisionWeighted }},
		{"test recall", func(m *tracking.Model) float64 { return m.Test.RecallWeighted }},
		{"test F1 (macro)", func(m *tracking.Model) float64 { return m.Test.F1Macro }},
		{"CV accuracy ± std", func(m *tracking.Model) float64 { return m.CV.Mean }},
	}
	p := newPlot("Model comparison")
	p.Y.Label.Text = "score"
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.XOffs = vg.Points(-4)
	const w = 11
	lo := 1.0
	for k, mt := range metrics {
		vals := make(plotter.Values, len(r.Models))
		for i := range r.Models {
			vals[i] = mt.get(&r.Models[i])
			lo = min(lo, vals[i])
		}
		bar, err := plotter.NewBarChart(vals, vg.Points(w))
		if err != nil {
			return nil, fmt.Errorf("report: model comparison: %w", err)
		}
		bar.Color = colorAt(k)
		bar.LineStyle.Width = 0
		bar.Offset = vg.Points(float64(k-len(metrics)/2) * w)
		p.Add(bar)
		p.Legend.Add(mt.name, bar)
	}
	// CV error bars sit on the last bar of each group.
	ep := errPoints{}
	for i := range r.Models {
		m := &r.Models[i]
		ep.XYs = append(ep.XYs, plotter.XY{X: float64(i), Y: m.CV.Mean})
		ep.YErrors = append(ep.YErrors, struct{ Low, High float64 }{m.CV.Std, m.CV.Std})
		lo = min(lo, m.CV.Mean-m.CV.Std)
	}
	eb, err := plotter.NewYErrorBars(ep)
	if err != nil {
		return nil, fmt.Errorf("report: model comparison: %w", err)
	}
	eb.Width = vg.Points(1)
	p.Add(shifted{eb, vg.Points(float64(len(metrics)-1-len(metrics)/2) * w)})
	// Zoom on the scores: the differences are in the last decimals.
	p.Y.Min = math.Max(0, math.Floor((lo-0.05)*20)/20)
	p.Y.Max = 1.02
	p.Add(plotter.NewGrid())
	p.NominalX(modelNames(r)...)
	// An empty slot on the right holds the legend, clear of the bars.
	p.X.Min, p.X.Max = -0.6, float64(len(r.Models))+0.3
	return renderSVG(p, 7.5*vg.Inch, 3.6*vg.Inch)
}

// shifted draws a plotter moved right by dx (to put error bars on a bar
// drawn with an Offset).
type shifted struct {
	plot.Plotter
	dx vg.Length
}

func (s shifted) Plot(c draw.Canvas, p *plot.Plot) {
	c.Min.X += s.dx
	c.Max.X += s.dx
	s.Plotter.Plot(c, p)
}

// CVDistribution is a box plot of each model's per-fold CV accuracy with
// every fold drawn as a point.
func CVDistribution(r *tracking.Run) ([]byte, error) {
	p := newPlot("Cross-validation scores")
	p.Y.Label.Text = "accuracy per fold"
	lo := 1.0
	for i, m := range r.Models {
		if len(m.CV.Values) == 0 {
			continue
		}
		box, err := plotter.NewBoxPlot(vg.Points(36), float64(i), plotter.Values(m.CV.Values))
		if err != nil {
			return nil, fmt.Errorf("report: CV distribution %s: %w", m.Name, err)
		}
		c := colorAt(i)
		box.FillColor = color.NRGBA{c.R, c.G, c.B, 0x40}
		box.GlyphStyle.Radius = 0
		p.Add(box)
		var pts plotter.XYs
		for k, v := range m.CV.Values {
			// A fixed spread instead of random jitter, so the chart is the
			// same every time.
			pts = append(pts, plotter.XY{X: float64(i) + 0.28 + 0.05*float64(k%5-2), Y: v})
			lo = min(lo, v)
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, fmt.Errorf("report: CV distribution %s: %w", m.Name, err)
		}
		s.Color = color.NRGBA{c.R, c.G, c.B, 0xb0}
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(2)
		p.Add(s)
	}
	p.Y.Min = math.Max(0, math.Floor((lo-0.02)*20)/20)
	p.Y.Max = 1.01
	p.Add(plotter.NewGrid())
	p.NominalX(modelNames(r)...)
	return renderSVG(p, 5*vg.Inch, 3.4*vg.Inch)
}

// confusionGrid is a confusion matrix as a heat map grid: column c is the
// predicted class, row r the true class, with the first class on top.
type confusionGrid [][]int

func (g confusionGrid) Dims() (int, int)   { return len(g), len(g) }
func (g confusionGrid) Z(c, r int) float64 { return float64(g[len(g)-1-r][c]) }
func (g confusionGrid) X(c int) float64    { return float64(c) }
func (g confusionGrid) Y(r int) float64    { return float64(r) }

// blues runs from white to the palette's blue.
type blues int

func (n blues) Colors() []color.Color {
	out := make([]color.Color, n)
	for i := range out {
		t := float64(i) / float64(n-1)
		out[i] = color.RGBA{uint8(255 - t*(255-0x1f)), uint8(255 - t*(255-0x4e)), uint8(255 - t*(255-0x8c)), 255}
	}
	return out
}

// Confusion is the model's hold-out confusion matrix as a heat map with
// the counts written in the cells.
func Confusion(m *tracking.Model, classes []string) ([]byte, error) {
	cm := m.Test.Confusion
	if len(cm) == 0 {
		return nil, nil
	}
	n := len(cm)
	hm := plotter.NewHeatMap(confusionGrid(cm), blues(64))
	hi := 0
	for _, row := range cm {
		for _, v := range row {
			hi = max(hi, v)
		}
	}
	hm.Min, hm.Max = 0, math.Max(1, float64(hi))
	p := newPlot(fmt.Sprintf("%s (accuracy %.3f)", m.Name, m.Test.Accuracy))
	p.Title.TextStyle.Font.Size = vg.Points(10)
	p.Add(hm)
	labels := plotter.XYLabels{}
	for r := range n {
		for c := range n {
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(c), Y: float64(n - 1 - r)})
			labels.Labels = append(labels.Labels, fmt.Sprint(cm[r][c]))
		}
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, fmt.Errorf("report: confusion %s: %w", m.Name, err)
	}
	for i := range l.TextStyle {
		c := color.Color(color.Black)
		if v := cm[i/n][i%n]; float64(v) > 0.55*float64(hi) {
			c = color.White
		}
		l.TextStyle[i] = textStyle(vg.Points(11), c)
	}
	p.Add(l)
	names := shortNames(classes, n)
	p.NominalX(names...)
	rev := make([]string, n)
	for i := range n {
		rev[i] = names[n-1-i]
	}
	p.NominalY(rev...)
	p.X.Label.Text, p.Y.Label.Text = "predicted", "true"
	p.X.Tick.Label.Font.Size = vg.Points(8)
	p.Y.Tick.Label.Font.Size = vg.Points(8)
	return renderSVG(p, 3.4*vg.Inch, 3.1*vg.Inch)
}

// shortNames returns the class names, or 0..n-1 when they are missing.
func shortNames(classes []string, n int) []string {
	if len(classes) == n {
		return classes
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i)
	}
	return out
}

// LearningCurves plots each model's training loss per iteration; nil when
// no model has a history.
func LearningCurves(r *tracking.Run) ([]byte, error) {
	p := newPlot("Learning curves")
	p.X.Label.Text, p.Y.Label.Text = "iteration", "training loss"
	p.Legend.Top = true
	found, positive := false, true
	for i, m := range r.Models {
		if len(m.History) == 0 {
			continue
		}
		found = true
		for _, v := range m.History {
			positive = positive && v > 0
		}
		xys := make(plotter.XYs, len(m.History))
		for k, v := range m.History {
			xys[k] = plotter.XY{X: float64(k + 1), Y: v}
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("report: learning curve %s: %w", m.Name, err)
		}
		line.Color = colorAt(i)
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(m.Name, line)
	}
	if !found {
		return nil, nil
	}
	if positive {
		// Losses of different algorithms differ by orders of magnitude
		// (a sum over rows for one, a mean for another).
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Label.Text = "training loss (log scale)"
	}
	p.Add(plotter.NewGrid())
	return renderSVG(p, 5*vg.Inch, 3.4*vg.Inch)
}

// RunsOverTime plots each model's CV accuracy (± std) run after run; nil
// for fewer than two runs with models.
func RunsOverTime(runs []*tracking.Run) ([]byte, error) {
	var rs []*tracking.Run
	for _, r := range runs {
		if len(r.Models) > 0 {
			rs = append(rs, r)
		}
	}
	if len(rs) < 2 {
		return nil, nil
	}
	var models []string
	for _, r := range rs {
		for _, m := range r.Models {
			if !slices.Contains(models, m.Name) {
				models = append(models, m.Name)
			}
		}
	}
	p := newPlot("CV accuracy, run over run")
	p.Y.Label.Text = "CV accuracy"
	p.Legend.Top = true
	lo := 1.0
	for k, name := range models {
		var ep errPoints
		for i, r := range rs {
			if m := r.Model(name); m != nil {
				ep.XYs = append(ep.XYs, plotter.XY{X: float64(i), Y: m.CV.Mean})
				ep.YErrors = append(ep.YErrors, struct{ Low, High float64 }{m.CV.Std, m.CV.Std})
				lo = min(lo, m.CV.Mean-m.CV.Std)
			}
		}
		if len(ep.XYs) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(ep.XYs)
		if err != nil {
			return nil, fmt.Errorf("report: runs over time %s: %w", name, err)
		}
		c := colorAt(k)
		line.Color, line.Width = c, vg.Points(1.5)
		points.Color, points.Shape, points.Radius = c, draw.CircleGlyph{}, vg.Points(3)
		eb, err := plotter.NewYErrorBars(ep)
		if err != nil {
			return nil, fmt.Errorf("report: runs over time %s: %w", name, err)
		}
		eb.Color = color.NRGBA{c.R, c.G, c.B, 0x90}
		p.Add(line, points, eb)
		p.Legend.Add(name, line, points)
	}
	labels := make([]string, len(rs))
	for i, r := range rs {
		labels[i] = r.Start.UTC().Format("01-02 15:04")
	}
	p.NominalX(labels...)
	// An empty slot on the right holds the legend.
	p.X.Min, p.X.Max = -0.3, float64(len(rs))+0.6
	p.X.Label.Text = "run start (UTC)"
	p.X.Tick.Label.Font.Size = vg.Points(8)
	if len(rs) > 8 {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	p.Y.Min = math.Max(0, math.Floor((lo-0.02)*20)/20)
	p.Y.Max = 1.05
	p.Add(plotter.NewGrid())
	return renderSVG(p, 6.5*vg.Inch, 3.4*vg.Inch)
}
