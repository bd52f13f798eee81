package report

import (
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlopsgo/mlops/training/internal/dataset"
)

// ClassDistribution is a bar per class: how many rows it has.
func ClassDistribution(d *dataset.Dataset) ([]byte, error) {
	counts := make([]float64, len(d.Classes))
	for _, y := range d.Y {
		counts[y]++
	}
	p := newPlot("Class distribution")
	p.Y.Label.Text = "rows"
	p.Y.Min = 0
	p.Y.Tick.Marker = countTicks{}
	labels := plotter.XYLabels{}
	for i, n := range counts {
		bar, err := plotter.NewBarChart(plotter.Values{n}, vg.Points(40))
		if err != nil {
			return nil, fmt.Errorf("report: class distribution: %w", err)
		}
		bar.XMin = float64(i)
		bar.Color = colorAt(i)
		bar.LineStyle.Width = 0
		p.Add(bar)
		labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: n})
		labels.Labels = append(labels.Labels, fmt.Sprint(n))
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, fmt.Errorf("report: class distribution: %w", err)
	}
	for i := range l.TextStyle {
		l.TextStyle[i] = textStyle(vg.Points(9), color.Black)
		l.TextStyle[i].YAlign = draw.YBottom
	}
	l.Offset = vg.Point{Y: vg.Points(3)}
	p.Add(l)
	p.Y.Max = maxOf(counts) * 1.12
	p.NominalX(d.Classes...)
	p.X.Label.Text = d.Label
	return renderSVG(p, 5*vg.Inch, 3.2*vg.Inch)
}

// Scatter plots feature j against feature i, one colour per class, for at
// most MaxScatterPoints rows (see ScatterRows).
func Scatter(d *dataset.Dataset, i, j int) ([]byte, error) {
	p := newPlot(fmt.Sprintf("%s vs %s", d.Features[i], d.Features[j]))
	p.X.Label.Text, p.Y.Label.Text = d.Features[i], d.Features[j]
	p.Legend.Top = true
	p.Legend.Left = false
	if err := addClassScatters(p, d, i, j, 2.6, true, ScatterRows(d, MaxScatterPoints)); err != nil {
		return nil, err
	}
	// Room on the right for the legend, clear of the points.
	lo, hi := valueRange(d, i)
	p.X.Min, p.X.Max = lo-0.03*(hi-lo), hi+0.35*(hi-lo)
	p.Add(plotter.NewGrid())
	return renderSVG(p, 5*vg.Inch, 3.6*vg.Inch)
}

// MaxScatterPoints is the most rows a scatter plot draws. A larger data set
// is drawn from a random sample of that many rows, the same sample for every
// plot of the report: a million points would make an SVG of hundreds of
// megabytes that no browser opens, and show no more than the sample does.
const MaxScatterPoints = 2000

// MaxMatrixPoints is the most rows each panel of the scatter matrix draws,
// a sample drawn as ScatterRows draws its own: the matrix has up to 56
// panels, each a few centimetres wide.
const MaxMatrixPoints = 500

// MaxMatrixFeatures is the most features the scatter matrix shows (the
// first ones, in input order): beyond that its panels are too small to read
// and their number grows as the square.
const MaxMatrixFeatures = 8

// ScatterRows returns the rows of d a scatter plot of at most max points
// draws, in row order: every row, or a sample of max rows drawn with a
// fixed seed, so that the report of the same data is the same.
func ScatterRows(d *dataset.Dataset, max int) []int {
	n := len(d.Y)
	if n <= max {
		rows := make([]int, n)
		for i := range rows {
			rows[i] = i
		}
		return rows
	}
	rows := rand.New(rand.NewPCG(1, 2)).Perm(n)[:max]
	slices.Sort(rows)
	return rows
}

func addClassScatters(p *plot.Plot, d *dataset.Dataset, i, j int, radius float64, legend bool, rows []int) error {
	for k, class := range d.Classes {
		var xys plotter.XYs
		for _, r := range rows {
			// A missing value (data.missing: impute) has no place on
			// the plot.
			if x, v, y := d.X[r][i], d.X[r][j], d.Y[r]; y == k && !math.IsNaN(x) && !math.IsNaN(v) {
				xys = append(xys, plotter.XY{X: x, Y: v})
			}
		}
		if len(xys) == 0 {
			continue
		}
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return fmt.Errorf("report: scatter %s/%s: %w", d.Features[i], d.Features[j], err)
		}
		c := colorAt(k)
		s.Color = color.NRGBA{c.R, c.G, c.B, 0xd0}
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(radius)
		p.Add(s)
		if legend {
			p.Legend.Add(class, s)
		}
	}
	return nil
}

// ScatterMatrix plots every feature against every other (the first
// MaxMatrixFeatures), with each feature's per-class histogram of every row
// on the diagonal.
func ScatterMatrix(d *dataset.Dataset) ([]byte, error) {
	n := min(len(d.Features), MaxMatrixFeatures)
	rows := ScatterRows(d, MaxMatrixPoints)
	plots := make([][]*plot.Plot, n)
	for r := range n {
		plots[r] = make([]*plot.Plot, n)
		for c := range n {
			p := newPlot("")
			p.X.Tick.Label.Font.Size = vg.Points(7)
			p.Y.Tick.Label.Font.Size = vg.Points(7)
			p.X.Label.TextStyle.Font.Size = vg.Points(8)
			p.Y.Label.TextStyle.Font.Size = vg.Points(8)
			if r == n-1 {
				p.X.Label.Text = d.Features[c]
			}
			if c == 0 {
				p.Y.Label.Text = d.Features[r]
			}
			if r == c {
				if err := addClassHistograms(p, d, c); err != nil {
					return nil, err
				}
			} else if err := addClassScatters(p, d, c, r, 1.4, false, rows); err != nil {
				return nil, err
			}
			plots[r][c] = p
		}
	}
	size := vg.Length(n) * 1.6 * vg.Inch
	return renderGrid(plots, size, size)
}

func addClassHistograms(p *plot.Plot, d *dataset.Dataset, j int) error {
	lo, hi := valueRange(d, j)
	if hi == lo {
		hi = lo + 1
	}
	const bins = 12
	width := (hi - lo) / bins
	for k := range d.Classes {
		counts := make([]float64, bins)
		found := false
		for r, y := range d.Y {
			if v := d.X[r][j]; y == k && !math.IsNaN(v) {
				b := min(int((v-lo)/width), bins-1)
				counts[b]++
				found = true
			}
		}
		if !found {
			continue
		}
		var hb []plotter.HistogramBin
		for b, v := range counts {
			hb = append(hb, plotter.HistogramBin{Min: lo + float64(b)*width, Max: lo + float64(b+1)*width, Weight: v})
		}
		h := &plotter.Histogram{Bins: hb, Width: width, LineStyle: draw.LineStyle{}}
		c := colorAt(k)
		h.FillColor = color.NRGBA{c.R, c.G, c.B, 0x80}
		p.Add(h)
	}
	p.Y.Min = 0
	p.Y.Tick.Marker = countTicks{}
	return nil
}

func maxOf(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		m = max(m, v)
	}
	return m
}

// valueRange returns the smallest and largest value of feature j, missing
// values (NaN) left out; both are 0 when every value is missing.
func valueRange(d *dataset.Dataset, j int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range d.X {
		if v := x[j]; !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo > hi {
		return 0, 0
	}
	return lo, hi
}
