package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

// GeneratedDir is where `make dashboards` writes the JSON, relative to the
// module root; infra provisions each file there as one ConfigMap.
const GeneratedDir = "generated"

// File is one generated dashboard: its file name and its JSON.
type File struct {
	Name string
	JSON []byte
}

// builders lists every dashboard by file name.
func builders() map[string]func() *dashboardBuilder {
	return map[string]func() *dashboardBuilder{
		ServiceUID + ".json": Service,
		ModelUID + ".json":   Model,
	}
}

// Generate builds every dashboard and renders it as indented JSON, sorted
// by file name. The output depends on the code only, so the committed files
// can be checked by generating them again.
func Generate() ([]File, error) {
	var files []File
	for name, build := range builders() {
		d, err := build().Build()
		if err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", name, err)
		}
		numberPanels(&d)
		showLinks(&d)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		// PromQL and descriptions hold < > &: keep them readable.
		enc.SetEscapeHTML(false)
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", name, err)
		}
		files = append(files, File{Name: name, JSON: buf.Bytes()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// numberPanels gives every panel and row an id, in order, and every query
// of a panel a refId (A, B, ...): Grafana needs both unique, and would
// otherwise make them up on each load.
func numberPanels(d *dashboardModel) {
	var id uint32
	number := func(p *dashboard.Panel) {
		id++
		n := id
		p.Id = &n
		for k, t := range p.Targets {
			if q, ok := t.(prometheus.Dataquery); ok {
				q.RefId = cog.ToPtr(string(rune('A' + k)))
				p.Targets[k] = q
			}
		}
	}
	for i := range d.Panels {
		switch p := d.Panels[i]; {
		case p.Panel != nil:
			number(p.Panel)
		case p.RowPanel != nil:
			id++
			p.RowPanel.Id = id
			for j := range p.RowPanel.Panels {
				number(&p.RowPanel.Panels[j])
			}
		}
	}
}

// showLinks puts the dashboard links in the top bar: the SDK places every
// link in the dashboard controls menu, where a viewer would not see it.
func showLinks(d *dashboardModel) {
	for i := range d.Links {
		d.Links[i].Placement = nil
	}
}

// Write generates every dashboard into dir and removes any other *.json
// there, so a dashboard deleted from the code does not linger in the
// cluster.
func Write(dir string) ([]File, error) {
	files, err := Generate()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, f := range files {
		keep[f.Name] = true
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.JSON, 0o644); err != nil {
			return nil, err
		}
	}
	stale, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	for _, path := range stale {
		if !keep[filepath.Base(path)] {
			if err := os.Remove(path); err != nil {
				return nil, err
			}
		}
	}
	return files, nil
}
