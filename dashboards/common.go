package dashboards

import (
	"strconv"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/heatmap"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/mlopsgo/mlops/app/telemetry"
)

// Template variables every dashboard declares. Queries refer to them as
// "$name"; the datasource one is "${datasource}" in datasource references.
const (
	VarDatasource = "datasource"
	VarNamespace  = "namespace"
	VarPod        = "pod"
	VarModel      = "model"
)

// DatasourceType is the plugin type of the datasource variable: every
// query on these dashboards is PromQL.
const DatasourceType = "prometheus"

// Dashboard UIDs, stable so that links (and bookmarks) keep working.
const (
	ServiceUID = "model-api-service"
	ModelUID   = "model-api-model"
)

// Tag marks every dashboard of the serving app.
const Tag = "model-api"

// The dashboards use Grafana's classic JSON model: the one that file (and
// so ConfigMap sidecar) provisioning reads in every Grafana version, and
// that Grafana 12 and later migrate to their v2 schema on load. The SDK marks
// its classic dashboard types deprecated in favour of the v2 resource
// format, which still needs feature toggles to provision, so they are named
// once here.
type (
	dashboardBuilder = dashboard.DashboardBuilder //nolint:staticcheck // the classic model on purpose, see above
	dashboardModel   = dashboard.Dashboard        //nolint:staticcheck // the classic model on purpose, see above
)

// datasourceRef points a panel, a query or a variable at the datasource the
// viewer picked, never at a fixed uid.
func datasourceRef() common.DataSourceRef {
	return common.DataSourceRef{
		Type: cog.ToPtr(DatasourceType),
		Uid:  cog.ToPtr("${" + VarDatasource + "}"),
	}
}

// --- PromQL ------------------------------------------------------------

// Grafana's interval macros, replaced by Grafana before a query is sent.
const (
	rateInterval = "$__rate_interval"
	rangeMacro   = "$__range"
)

// matcher renders one label matcher, value quoted as PromQL wants.
func matcher(label, op, value string) string {
	return label + op + strconv.Quote(value)
}

// podScope limits a selector to the namespace and pods picked on the
// dashboard. Every selector on every dashboard carries it.
func podScope() []string {
	return []string{
		matcher(LabelNamespace, "=", "$"+VarNamespace),
		matcher(LabelPod, "=~", "$"+VarPod),
	}
}

// modelScope is podScope plus the models picked on the dashboard.
func modelScope() []string {
	return append(podScope(), matcher(telemetry.LabelModel, "=~", "$"+VarModel))
}

// selector renders metric{scope..., extra...}.
func selector(metric string, scope []string, extra ...string) string {
	return metric + "{" + strings.Join(append(scope, extra...), ", ") + "}"
}

// rate is the per-second rate of a counter selector over Grafana's rate
// interval.
func rate(sel string) string {
	return "rate(" + sel + "[" + rateInterval + "])"
}

// aggr applies an aggregation by labels ("" labels: over everything).
func aggr(op, expr string, labels ...string) string {
	if len(labels) == 0 {
		return op + "(" + expr + ")"
	}
	return op + " by (" + strings.Join(labels, ", ") + ") (" + expr + ")"
}

// sumRate is sum by (labels) (rate(sel[$__rate_interval])).
func sumRate(sel string, labels ...string) string {
	return aggr("sum", rate(sel), labels...)
}

// quantile is a quantile of a classic histogram, by labels.
func quantile(q float64, histogram string, scope []string, labels ...string) string {
	by := append([]string{"le"}, labels...)
	return "histogram_quantile(" + strconv.FormatFloat(q, 'f', -1, 64) + ", " +
		sumRate(selector(histogram+"_bucket", scope), by...) + ")"
}

// ratioOrZero divides part by whole per labels, and gives 0 instead of no
// data where part has no series yet (no 5xx so far is a ratio of 0, not a
// gap in the graph).
func ratioOrZero(part, whole string) string {
	return "(" + part + " or 0 * " + whole + ") / " + whole
}

// --- queries and variables ---------------------------------------------

// query is one PromQL target on the picked datasource.
func query(expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		Datasource(datasourceRef()).
		Expr(expr).
		LegendFormat(legend).
		Range()
}

// instantTable is an instant PromQL target formatted as a table.
func instantTable(expr string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		Datasource(datasourceRef()).
		Expr(expr).
		Format(prometheus.PromQueryFormatTable).
		Instant()
}

// datasourceVariable lets the viewer pick any Prometheus datasource; with
// none picked Grafana takes the default one of that type.
func datasourceVariable() *dashboard.DatasourceVariableBuilder {
	return dashboard.NewDatasourceVariableBuilder(VarDatasource).
		Label("Data source").
		Type(DatasourceType)
}

// labelValuesVariable is a variable listing a label's values on a series
// selector, through the picked datasource.
func labelValuesVariable(name, label, sel string) *dashboard.QueryVariableBuilder {
	q := "label_values(" + sel + ", " + label + ")"
	return dashboard.NewQueryVariableBuilder(name).
		Label(strings.ToUpper(name[:1]) + name[1:]).
		Datasource(datasourceRef()).
		Query(dashboard.StringOrMap{String: cog.ToPtr(q)}).
		Definition(q).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc)
}

// multiAll makes a variable multi-valued with an "All" option selected.
// There is deliberately no custom all value: Grafana then expands "All" to
// the listed values, so pod=~"$pod" never matches other pods of the
// namespace in the cluster-wide series.
func multiAll(v *dashboard.QueryVariableBuilder) *dashboard.QueryVariableBuilder {
	return v.Multi(true).IncludeAll(true).Current(dashboard.VariableOption{
		Selected: cog.ToPtr(true),
		Text:     dashboard.StringOrArrayOfString{String: cog.ToPtr("All")},
		Value:    dashboard.StringOrArrayOfString{String: cog.ToPtr("$__all")},
	})
}

// namespaceVariable lists the namespaces where model-api runs.
func namespaceVariable() *dashboard.QueryVariableBuilder {
	return labelValuesVariable(VarNamespace, LabelNamespace, telemetry.BuildInfo)
}

// podVariable lists model-api's pods in the picked namespace.
func podVariable() *dashboard.QueryVariableBuilder {
	return multiAll(labelValuesVariable(VarPod, LabelPod,
		selector(telemetry.BuildInfo, []string{matcher(LabelNamespace, "=", "$"+VarNamespace)})))
}

// modelVariable lists the models the picked pods serve.
func modelVariable() *dashboard.QueryVariableBuilder {
	return multiAll(labelValuesVariable(VarModel, telemetry.LabelModel,
		selector(telemetry.ModelInfo, podScope())))
}

// dashboardLink links to another of these dashboards, keeping the time
// range and the variables.
func dashboardLink(title, uid string) *dashboard.DashboardLinkBuilder {
	return dashboard.NewDashboardLinkBuilder(title).
		Type(dashboard.DashboardLinkTypeLink).
		Icon("dashboard").
		Url("/d/" + uid).
		IncludeVars(true).
		KeepTime(true)
}

// newDashboard holds the settings every dashboard shares.
func newDashboard(title, uid, description string) *dashboardBuilder {
	b := dashboard.NewDashboardBuilder(title) //nolint:staticcheck // the classic model on purpose, see dashboardBuilder
	return b.Uid(uid).
		Description(description).
		Tags([]string{Tag, "generated"}).
		Readonly().
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Refresh("30s").
		Time("now-1h", "now").
		Timezone(common.TimeZoneBrowser)
}

// --- default panel builders --------------------------------------------

// Panel sizes on Grafana's 24-column grid.
const (
	statHeight  = 4
	graphHeight = 8
	thirdWidth  = 8
	halfWidth   = 12
	fullWidth   = 24
	statWidth   = 5 // five stats a row: 4 + 5 + 5 + 5 + 5
)

// defaultTimeseries is the base of every graph of a quantity that is never
// negative: the y axis starts at 0.
func defaultTimeseries() *timeseries.PanelBuilder {
	return signedTimeseries().Min(0)
}

// signedTimeseries is the base of a graph whose values may be negative (a
// difference): defaultTimeseries without the floor at 0.
func signedTimeseries() *timeseries.PanelBuilder {
	return timeseries.NewPanelBuilder().
		Datasource(datasourceRef()).
		Height(graphHeight).
		Span(halfWidth).
		LineWidth(1).
		FillOpacity(10).
		ShowPoints(common.VisibilityModeNever).
		DrawStyle(common.GraphDrawStyleLine).
		LineInterpolation(common.LineInterpolationLinear).
		SpanNulls(common.BoolOrFloat64{Bool: cog.ToPtr(false)}).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeTable).
			Placement(common.LegendPlacementBottom).
			Calcs([]string{"lastNotNull", "max"}).
			ShowLegend(true)).
		Tooltip(common.NewVizTooltipOptionsBuilder().
			Mode(common.TooltipDisplayModeMulti).
			Sort(common.SortOrderDescending)).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().
			Mode(common.GraphThresholdsStyleModeOff))
}

// defaultStat is the base of every single-number panel: the last value.
func defaultStat() *stat.PanelBuilder {
	return stat.NewPanelBuilder().
		Datasource(datasourceRef()).
		Height(statHeight).
		Span(statWidth).
		GraphMode(common.BigValueGraphModeArea).
		ColorMode(common.BigValueColorModeValue).
		Orientation(common.VizOrientationAuto).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}))
}

// defaultTable is the base of every table: instant values, one row per
// series.
func defaultTable() *table.PanelBuilder {
	return table.NewPanelBuilder().
		Datasource(datasourceRef()).
		Height(graphHeight).
		Span(halfWidth)
}

// defaultHeatmap is the base of every histogram heatmap: Prometheus buckets
// as they are (le layout), not recalculated by Grafana.
func defaultHeatmap() *heatmap.PanelBuilder {
	return heatmap.NewPanelBuilder().
		Datasource(datasourceRef()).
		Height(graphHeight).
		Span(halfWidth).
		Calculate(false).
		RowsFrame(heatmap.NewRowsHeatmapOptionsBuilder().Layout(common.HeatmapCellLayoutLe)).
		Color(heatmap.NewHeatmapColorOptionsBuilder().
			Mode(heatmap.HeatmapColorModeScheme).
			Scheme("Oranges").
			Scale(heatmap.HeatmapColorScaleExponential).
			Exponent(0.5).
			Steps(64)).
		CellGap(1).
		ShowValue(common.VisibilityModeNever)
}

// thresholds builds absolute threshold steps: base colour, then (value,
// colour) pairs in increasing order.
func thresholds(base string, steps ...threshold) *dashboard.ThresholdsConfigBuilder {
	all := []dashboard.Threshold{{Color: base}}
	for _, s := range steps {
		all = append(all, dashboard.Threshold{Value: cog.ToPtr(s.value), Color: s.color})
	}
	return dashboard.NewThresholdsConfigBuilder().
		Mode(dashboard.ThresholdsModeAbsolute).
		Steps(all)
}

type threshold struct {
	value float64
	color string
}
