package report

import (
	"errors"
	"fmt"
	"html/template"
	"io"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

// Options says what to render.
type Options struct {
	// Run is the run the model charts show. Required.
	Run *tracking.Run
	// History are the runs for the run-over-run chart and table, oldest
	// first (Run among them). Optional: with fewer than two, that section
	// is left out.
	History []*tracking.Run
	// Data is the run's data set for the data charts. Optional: without
	// it the data section says why (DataNote) instead.
	Data *dataset.Dataset
	// DataNote is shown in the data section: why Data is missing, or a
	// warning about it (the file changed since the run).
	DataNote string
	// Pairs are the feature index pairs to scatter. Optional. Default:
	// DefaultPairs.
	Pairs [][2]int
	// Tune is the tune run the tuning section shows (Kind tune).
	// Optional: without it the section is left out.
	Tune *tracking.Run
	// TuneNote is shown in the tuning section: how Tune was picked, or a
	// warning about it (it tuned other data).
	TuneNote string
	// Root is the repository's root (see FindRoot): the data paths the
	// page names (the run's, and Data's in the chart captions), when
	// absolute and below it, are shown relative to it (DisplayPath).
	// Optional. Default: the paths as they are.
	Root string
}

// DefaultPairs are the first two pairs of features ((0,1) and (2,3); Iris:
// sepal length vs width, petal length vs width), as far as there are
// features.
func DefaultPairs(features int) [][2]int {
	var out [][2]int
	for i := 0; i+1 < features && len(out) < 2; i += 2 {
		out = append(out, [2]int{i, i + 1})
	}
	return out
}

// Chart is one rendered chart.
type Chart struct {
	// ID is the chart's element id in the page (chart-...).
	ID      string
	Title   string
	Caption string
	SVG     template.HTML
	// Wide charts take a whole row.
	Wide bool
}

// Report is everything the page shows.
type Report struct {
	Run     *tracking.Run
	History []*tracking.Run
	// DataPath is the run's data file as the page shows it (DisplayPath).
	DataPath    string
	DataCharts  []Chart
	DataNote    string
	ModelCharts []Chart
	Confusions  []Chart
	RunCharts   []Chart
	// Tuning is the tuning section, nil without a tune run.
	Tuning *Tuning
}

// Charts returns every chart the page shows, in page order.
func (r *Report) Charts() []Chart {
	var all []Chart
	for _, cs := range [][]Chart{r.DataCharts, r.ModelCharts, r.Confusions, r.RunCharts} {
		all = append(all, cs...)
	}
	if r.Tuning != nil {
		for _, m := range r.Tuning.Models {
			all = append(all, m.Charts...)
		}
	}
	return all
}

// Build renders every chart for opts.
func Build(opts Options) (*Report, error) {
	if opts.Run == nil {
		return nil, errors.New("report: Options.Run is required")
	}
	rep := &Report{Run: opts.Run, History: opts.History, DataNote: opts.DataNote}
	if opts.Run.Data != nil {
		rep.DataPath = DisplayPath(opts.Root, opts.Run.Data.Path)
	}
	add := func(list *[]Chart, id, title, caption string, wide bool, svg []byte, err error) error {
		if err != nil {
			return err
		}
		if svg != nil {
			*list = append(*list, Chart{ID: "chart-" + id, Title: title, Caption: caption, SVG: template.HTML(svg), Wide: wide}) //nolint:gosec // our own SVG
		}
		return nil
	}
	if d := opts.Data; d != nil {
		svg, err := ClassDistribution(d)
		if err := add(&rep.DataCharts, "class-distribution", "Class distribution",
			fmt.Sprintf("Rows per %s in %s (after dropping %d exact duplicates).", d.Label, DisplayPath(opts.Root, d.Name), d.Duplicates), false, svg, err); err != nil {
			return nil, err
		}
		drawn := "Each row of the data"
		if n := min(len(d.Y), MaxScatterPoints); n < len(d.Y) {
			drawn = fmt.Sprintf("A random sample of %d of the %d rows (the same in every plot)", n, len(d.Y))
		}
		pairs := opts.Pairs
		if pairs == nil {
			pairs = DefaultPairs(len(d.Features))
		}
		for _, pr := range pairs {
			i, j := pr[0], pr[1]
			if i < 0 || j < 0 || i >= len(d.Features) || j >= len(d.Features) {
				return nil, fmt.Errorf("report: scatter pair (%d, %d) is outside the %d features", i, j, len(d.Features))
			}
			svg, err := Scatter(d, i, j)
			if err := add(&rep.DataCharts, "scatter-"+d.Features[i]+"-"+d.Features[j], d.Features[i]+" vs "+d.Features[j],
				drawn+", coloured by "+d.Label+".", false, svg, err); err != nil {
				return nil, err
			}
		}
		if len(d.Features) >= 2 {
			svg, err := ScatterMatrix(d)
			caption := "Every feature against every other; the diagonal holds each feature's histogram per class."
			if len(d.Features) > MaxMatrixFeatures {
				caption = fmt.Sprintf("The first %d of the %d features against each other; the diagonal holds each feature's histogram per class.", MaxMatrixFeatures, len(d.Features))
			}
			if n := min(len(d.Y), MaxMatrixPoints); n < len(d.Y) {
				caption += fmt.Sprintf(" The points are a random sample of %d rows; the histograms count every row.", n)
			}
			if err := add(&rep.DataCharts, "scatter-matrix", "Scatter matrix", caption, true, svg, err); err != nil {
				return nil, err
			}
		}
	}
	// Failed models have no metrics to chart: the models table shows them
	// with their reason.
	run := trainedOnly(opts.Run)
	if len(run.Models) > 0 {
		svg, err := MetricComparison(run)
		if err := add(&rep.ModelCharts, "metric-comparison", "Model comparison",
			"Hold-out metrics (weighted precision and recall, macro F1) and mean cross-validated accuracy with ± one standard deviation.", true, svg, err); err != nil {
			return nil, err
		}
		svg, err = CVDistribution(run)
		if err := add(&rep.ModelCharts, "cv-distribution", "Cross-validation scores",
			"Accuracy of every fold of every repeat: box = quartiles, line = median.", false, svg, err); err != nil {
			return nil, err
		}
		svg, err = LearningCurves(run)
		if err := add(&rep.ModelCharts, "learning-curves", "Learning curves",
			"Training loss per iteration of the final fit, for the algorithms that have one.", false, svg, err); err != nil {
			return nil, err
		}
		var classes []string
		if run.Data != nil {
			classes = run.Data.Classes
		}
		for i := range run.Models {
			m := &run.Models[i]
			svg, err := Confusion(m, classes)
			if err := add(&rep.Confusions, "confusion-"+m.Name, m.Name, "Rows: true class; columns: predicted class (hold-out split).", false, svg, err); err != nil {
				return nil, err
			}
		}
	}
	history := make([]*tracking.Run, len(opts.History))
	for i, r := range opts.History {
		history[i] = trainedOnly(r)
	}
	svg, err := RunsOverTime(history)
	if err := add(&rep.RunCharts, "runs-over-time", "Run over run",
		"Each model's mean CV accuracy (± std) in every finished run, oldest first.", true, svg, err); err != nil {
		return nil, err
	}
	if opts.Tune != nil {
		if rep.Tuning, err = buildTuning(opts.Tune, opts.TuneNote); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// Render builds the report for opts and writes the HTML page to w.
func Render(w io.Writer, opts Options) error {
	rep, err := Build(opts)
	if err != nil {
		return err
	}
	return WriteHTML(w, rep)
}

// trainedOnly returns r, or when some of its models failed, a shallow copy
// of r without them.
func trainedOnly(r *tracking.Run) *tracking.Run {
	var kept []tracking.Model
	for _, m := range r.Models {
		if !m.Failed() {
			kept = append(kept, m)
		}
	}
	if len(kept) == len(r.Models) {
		return r
	}
	c := *r
	c.Models = kept
	return &c
}
