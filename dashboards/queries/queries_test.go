package queries

import (
	"slices"
	"testing"
)

func TestExpandAndVars(t *testing.T) {
	expr := `sum(rate(x{pod=~"$pod", ns="${namespace}", m=~"${model:regex}"}[$__rate_interval]))`
	if got, want := Vars(expr), []string{"__rate_interval", "model", "namespace", "pod"}; !slices.Equal(got, want) {
		t.Errorf("Vars = %v, want %v", got, want)
	}
	got := Expand(expr, map[string]string{"pod": "(a|b)", "namespace": "ns", "__rate_interval": "5s"})
	want := `sum(rate(x{pod=~"(a|b)", ns="ns", m=~"${model:regex}"}[5s]))`
	if got != want {
		t.Errorf("Expand = %s, want %s", got, want)
	}
	// $pod must not eat the start of $pods.
	if got := Expand(`$pods $pod`, map[string]string{"pod": "p"}); got != `$pods p` {
		t.Errorf("Expand = %s", got)
	}
}

func TestMetrics(t *testing.T) {
	tests := []struct {
		expr    string
		want    []string
		wantErr bool
	}{
		{expr: `a`, want: []string{"a"}},
		{expr: `histogram_quantile(0.9, sum by (le) (rate(h_bucket{x="1"}[5m]))) / on() group_left b or c`, want: []string{"b", "c", "h_bucket"}},
		{expr: `{__name__="a", x="1"} + a`, want: []string{"a"}},
		{expr: `time() - max(t)`, want: []string{"t"}},
		{expr: `{x="1"}`, wantErr: true},                   // no metric name
		{expr: `rate(a[$__rate_interval])`, wantErr: true}, // not expanded
		{expr: `sum(a`, wantErr: true},
	}
	for _, tt := range tests {
		got, err := Metrics(tt.expr)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("Metrics(%s) = %v, %v; want %v, error %v", tt.expr, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestRead(t *testing.T) {
	data := []byte(`{
  "uid": "u", "title": "T",
  "panels": [
    {"type": "row", "title": "R", "panels": [
      {"type": "stat", "title": "Collapsed", "datasource": {"type": "prometheus", "uid": "${datasource}"},
       "targets": [{"refId": "A", "expr": "a", "datasource": {"type": "prometheus", "uid": "${datasource}"}}]}
    ]},
    {"type": "table", "title": "P", "datasource": {"type": "prometheus", "uid": "fixed"},
     "targets": [{"refId": "A", "expr": "b", "instant": true, "legendFormat": "{{x}} {{ y }}"}]}
  ],
  "templating": {"list": [
    {"type": "datasource", "name": "datasource", "query": "prometheus"},
    {"type": "query", "name": "pod", "query": {"query": "label_values(up{ns=\"$ns\"}, pod)"}, "datasource": {"uid": "${datasource}"}}
  ]},
  "links": [{"title": "L", "type": "link", "url": "/d/x", "includeVars": true}]
}`)
	d, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Targets) != 2 || d.Targets[0].Name() != "T / Collapsed / A" || !d.Targets[1].Instant {
		t.Errorf("targets %+v", d.Targets)
	}
	if got := LegendLabels(d.Targets[1].Legend); !slices.Equal(got, []string{"x", "y"}) {
		t.Errorf("LegendLabels = %v", got)
	}
	// The panel with a fixed uid and its target without a datasource show.
	if len(d.Datasources) != 4 || d.Datasources[2].UID != "fixed" || d.Datasources[3].UID != "" {
		t.Errorf("datasources %+v", d.Datasources)
	}
	if v := d.Variables[1]; v.Selector != `up{ns="$ns"}` || v.Label != "pod" || v.Datasource != "${datasource}" {
		t.Errorf("variable %+v", v)
	}
	if d.Variables[0].Query != "prometheus" || len(d.Links) != 1 || !d.Links[0].IncludeVars {
		t.Errorf("dashboard %+v", d)
	}
}
