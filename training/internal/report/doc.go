// Package report renders training runs as one self-contained HTML page:
// every chart an inline SVG drawn with gonum/plot, the CSS inline, no
// script, font, image or stylesheet fetched from anywhere (the page carries
// a Content-Security-Policy that forbids it), so the file can be mailed,
// attached to a CI job or opened offline.
//
// # Charts
//
// Data (from the run's CSV): the class distribution, scatter plots of
// feature pairs coloured by class (by default the first two pairs, e.g.
// sepal length vs width and petal length vs width), and a scatter matrix of
// all features. Models (from the run): hold-out accuracy, precision,
// recall and F1 next to CV accuracy with its standard deviation as error
// bars; the distribution of CV scores with every fold as a point; a
// confusion matrix heatmap per model; learning curves from each model's
// loss history. Runs: for several runs, each model's CV accuracy run over
// run. Tuning (from a tune run, Options.Tune): per tuned model, its final
// search's best score by trial with every trial as a point, its score
// against each hyper-parameter, and the parameters' fANOVA importances
// (package importance, as Optuna computes them).
//
// # Why gonum/plot
//
// It is the maintained Go plotting library, pure Go, renders SVG through
// vgsvg, and its output is deterministic, so the charts are golden-file
// tested byte for byte as gonum/plot tests its own plotters
// (plotter/*_test.go with cmpimg). Text is measured with the Liberation
// fonts it bundles; the page asks for Liberation Sans and falls back to its
// metric-compatible Arial/Helvetica, so labels fit where they were laid out.
package report
