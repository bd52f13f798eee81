// Package queries reads the PromQL out of generated Grafana dashboards (each
// panel's targets and each query variable's series selector), expands
// Grafana's variables in it, and lists the metrics it names with
// Prometheus's own parser. The dashboards' tests and their end-to-end check
// against a real Prometheus share it.
package queries

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Target is one PromQL query of a panel.
type Target struct {
	Dashboard string // the dashboard's title
	Panel     string // the panel's title
	RefID     string
	Expr      string
	Legend    string
	Instant   bool // an instant query (tables); otherwise a range query
}

// Name identifies the target in test output: dashboard / panel / refId.
func (t Target) Name() string {
	return t.Dashboard + " / " + t.Panel + " / " + t.RefID
}

// Variable is one template variable of a dashboard.
type Variable struct {
	Dashboard string
	Name      string
	Type      string // datasource, query, ...
	Query     string // the datasource type for a datasource variable
	// Datasource is the uid of the variable's datasource reference, if any.
	Datasource string
	// Selector and Label are label_values(Selector, Label) split apart, for
	// a query variable of that form.
	Selector, Label string
}

// Dashboard is what the checks need of one dashboard's JSON.
type Dashboard struct {
	UID, Title string
	Targets    []Target
	Variables  []Variable
	// Datasources lists the uid of every datasource reference of every
	// panel, row and target, with where it was found.
	Datasources []Ref
	Links       []Link
}

// Ref is a datasource reference and where it was found.
type Ref struct {
	Where     string
	Type, UID string
}

// Link is a dashboard link.
type Link struct {
	Title, Type, URL      string
	Placement             string
	IncludeVars, KeepTime bool
}

type dsRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type panelJSON struct {
	Type       string      `json:"type"`
	Title      string      `json:"title"`
	Datasource *dsRef      `json:"datasource"`
	Panels     []panelJSON `json:"panels"`
	Targets    []struct {
		RefID        string `json:"refId"`
		Expr         string `json:"expr"`
		LegendFormat string `json:"legendFormat"`
		Instant      bool   `json:"instant"`
		Datasource   *dsRef `json:"datasource"`
	} `json:"targets"`
}

var labelValues = regexp.MustCompile(`^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

// Read decodes a dashboard's JSON.
func Read(data []byte) (Dashboard, error) {
	var raw struct {
		UID        string      `json:"uid"`
		Title      string      `json:"title"`
		Panels     []panelJSON `json:"panels"`
		Templating struct {
			List []struct {
				Name       string          `json:"name"`
				Type       string          `json:"type"`
				Query      json.RawMessage `json:"query"`
				Datasource *dsRef          `json:"datasource"`
			} `json:"list"`
		} `json:"templating"`
		Links []struct {
			Title       string `json:"title"`
			Type        string `json:"type"`
			URL         string `json:"url"`
			Placement   string `json:"placement"`
			IncludeVars bool   `json:"includeVars"`
			KeepTime    bool   `json:"keepTime"`
		} `json:"links"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{UID: raw.UID, Title: raw.Title}
	var walk func(ps []panelJSON)
	walk = func(ps []panelJSON) {
		for _, p := range ps {
			where := d.Title + " / " + p.Title
			if p.Datasource != nil {
				d.Datasources = append(d.Datasources, Ref{Where: where, Type: p.Datasource.Type, UID: p.Datasource.UID})
			} else if p.Type != "row" {
				d.Datasources = append(d.Datasources, Ref{Where: where})
			}
			for _, t := range p.Targets {
				tg := Target{Dashboard: d.Title, Panel: p.Title, RefID: t.RefID, Expr: t.Expr, Legend: t.LegendFormat, Instant: t.Instant}
				d.Targets = append(d.Targets, tg)
				ref := Ref{Where: tg.Name()}
				if t.Datasource != nil {
					ref.Type, ref.UID = t.Datasource.Type, t.Datasource.UID
				}
				d.Datasources = append(d.Datasources, ref)
			}
			walk(p.Panels)
		}
	}
	walk(raw.Panels)
	for _, v := range raw.Templating.List {
		vr := Variable{Dashboard: d.Title, Name: v.Name, Type: v.Type}
		// A query is a string, or an object with a "query" string.
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &vr.Query); err != nil && json.Unmarshal(v.Query, &q) == nil {
			vr.Query = q.Query
		}
		if v.Datasource != nil {
			vr.Datasource = v.Datasource.UID
		}
		if m := labelValues.FindStringSubmatch(vr.Query); m != nil {
			vr.Selector, vr.Label = strings.TrimSpace(m[1]), m[2]
		}
		d.Variables = append(d.Variables, vr)
	}
	for _, l := range raw.Links {
		d.Links = append(d.Links, Link(l))
	}
	return d, nil
}

// promql is Prometheus's parser with its default options: no experimental
// syntax, which an older Prometheus would reject.
var promql = parser.NewParser(parser.Options{})

// varRef matches a Grafana variable reference: $name or ${name} (with an
// optional :format).
var varRef = regexp.MustCompile(`\$(?:\{([a-zA-Z0-9_]+)(?::[a-z]+)?\}|([a-zA-Z0-9_]+))`)

// Vars lists the variables an expression refers to, sorted, each once.
func Vars(expr string) []string {
	seen := map[string]bool{}
	for _, m := range varRef.FindAllStringSubmatch(expr, -1) {
		seen[m[1]+m[2]] = true
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// Expand replaces each variable reference whose name is in vars by its
// value, as Grafana does before sending a query; others stay as they are.
func Expand(expr string, vars map[string]string) string {
	return varRef.ReplaceAllStringFunc(expr, func(ref string) string {
		m := varRef.FindStringSubmatch(ref)
		if v, ok := vars[m[1]+m[2]]; ok {
			return v
		}
		return ref
	})
}

// Metrics parses an expression (its variables expanded) with Prometheus's
// parser and returns the metric names its selectors name, sorted, each
// once. A selector without a metric name is an error: the checks need to
// know what every query reads.
func Metrics(expr string) ([]string, error) {
	e, err := promql.ParseExpr(expr)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var errs []string
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		vs, ok := node.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		if name == "" {
			for _, m := range vs.LabelMatchers {
				if m.Name == model.MetricNameLabel && m.Type == labels.MatchEqual {
					name = m.Value
				}
			}
		}
		if name == "" {
			errs = append(errs, vs.String())
			return nil
		}
		seen[name] = true
		return nil
	})
	if len(errs) > 0 {
		return nil, fmt.Errorf("selectors without a metric name: %s", strings.Join(errs, ", "))
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// Selectors parses an expression and returns the label matchers of each of
// its vector selectors, keyed by the selector's text.
func Selectors(expr string) (map[string][]*labels.Matcher, error) {
	e, err := promql.ParseExpr(expr)
	if err != nil {
		return nil, err
	}
	out := map[string][]*labels.Matcher{}
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		if vs, ok := node.(*parser.VectorSelector); ok {
			out[vs.String()] = vs.LabelMatchers
		}
		return nil
	})
	return out, nil
}

// legendLabel matches {{label}} in a legend format.
var legendLabel = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)

// LegendLabels lists the labels a legend format shows.
func LegendLabels(legend string) []string {
	var out []string
	for _, m := range legendLabel.FindAllStringSubmatch(legend, -1) {
		out = append(out, m[1])
	}
	return out
}
