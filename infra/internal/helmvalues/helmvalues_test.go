package helmvalues

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/infra/internal/config"
)

// get walks a rendered values map.
func get(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%v: %q is not a map", path, p)
		}
		cur = mm[p]
	}
	return cur
}

func TestKubePrometheusStackValues(t *testing.T) {
	m, err := ToMap(KubePrometheusStackValues(config.Monitoring{PrometheusRetention: "10d", PrometheusStorageGiB: 20}))
	if err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{
		"serviceMonitorSelectorNilUsesHelmValues", "podMonitorSelectorNilUsesHelmValues",
		"ruleSelectorNilUsesHelmValues", "probeSelectorNilUsesHelmValues", "scrapeConfigSelectorNilUsesHelmValues",
	} {
		if v := get(t, m, "prometheus", "prometheusSpec", sel); v != false {
			t.Errorf("%s = %v, want false (select every monitor and rule)", sel, v)
		}
	}
	tests := []struct {
		path []string
		want any
	}{
		// CRDs follow chart bumps (Helm itself installs them once).
		{[]string{"crds", "upgradeJob", "enabled"}, true},
		{[]string{"prometheus", "prometheusSpec", "retention"}, "10d"},
		{[]string{"prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "storageClassName"}, "gp3"},
		{[]string{"prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "resources", "requests", "storage"}, "20Gi"},
		{[]string{"grafana", "sidecar", "dashboards", "enabled"}, true},
		{[]string{"grafana", "sidecar", "dashboards", "label"}, "grafana_dashboard"},
		{[]string{"grafana", "sidecar", "dashboards", "labelValue"}, "1"},
		{[]string{"grafana", "sidecar", "dashboards", "searchNamespace"}, "ALL"},
		{[]string{"grafana", "adminPassword"}, ""},
		{[]string{"grafana", "admin"}, nil},
		{[]string{"alertmanager", "config", "route", "receiver"}, "null"},
	}
	for _, tt := range tests {
		if got := get(t, m, tt.path...); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v = %#v, want %#v", tt.path, got, tt.want)
		}
	}

	withSecret, err := ToMap(KubePrometheusStackValues(config.Monitoring{GrafanaAdminPassword: "x"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := get(t, withSecret, "grafana", "admin", "existingSecret"); got != GrafanaAdminSecret {
		t.Errorf("existingSecret = %v", got)
	}
	b, err := json.Marshal(withSecret)
	if err != nil || strings.Contains(string(b), `"x"`) {
		t.Error("the password itself is in the values")
	}
}

func TestAlertmanagerRouting(t *testing.T) {
	none := AlertmanagerConfigFor(nil, "")
	if none.Route.Receiver != NullReceiver || len(none.Receivers) != 1 || none.Route.Routes[0].Receiver != NullReceiver {
		t.Errorf("no receivers (dev): %+v", none)
	}
	c := AlertmanagerConfigFor([]config.AlertReceiver{
		{Name: "team", Type: "slack", URL: "https://hooks.example/a", Channel: "#alerts"},
		{Name: "pager", Type: "webhook", URL: "https://pager.example/b"},
	}, "https://hc.example/ping")
	if c.Route.Receiver != "team" {
		t.Errorf("default receiver = %q, want the first one", c.Route.Receiver)
	}
	// Watchdog goes to the dead-man's switch, first (so not also to the
	// team) and often: the switch pages when the heartbeats stop.
	want := Route{
		Receiver: DeadMansSwitchReceiver, Matchers: []string{`alertname = "Watchdog"`},
		GroupWait: "0s", GroupInterval: "1m", RepeatInterval: "1m",
	}
	if len(c.Route.Routes) != 1 || !reflect.DeepEqual(c.Route.Routes[0], want) {
		t.Errorf("Watchdog route = %+v, want %+v", c.Route.Routes, want)
	}
	names := []string{}
	for _, r := range c.Receivers {
		names = append(names, r.Name)
	}
	if !reflect.DeepEqual(names, []string{"null", DeadMansSwitchReceiver, "team", "pager"}) {
		t.Errorf("receivers = %v", names)
	}
	if got := c.Receivers[1].WebhookConfigs; len(got) != 1 || got[0].URL != "https://hc.example/ping" || got[0].SendResolved {
		t.Errorf("dead-man's switch receiver = %+v, want one webhook without resolved messages", got)
	}
	if c.Receivers[2].SlackConfigs[0].Channel != "#alerts" || c.Receivers[3].WebhookConfigs[0].URL != "https://pager.example/b" {
		t.Errorf("receivers = %+v", c.Receivers)
	}
}

// The values carry the switch's URL, so they are secret when it is set.
func TestMonitoringValuesSecret(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    config.Monitoring
		want bool
	}{
		{"nothing secret", config.Monitoring{}, false},
		{"secret receivers", config.Monitoring{AlertReceiversSecret: true}, true},
		{"dead-man's switch", config.Monitoring{DeadMansSwitchURL: "https://hc.example/x"}, true},
	} {
		if got := tt.m.ValuesSecret(); got != tt.want {
			t.Errorf("%s: ValuesSecret() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestArgoCDValues(t *testing.T) {
	m, err := ToMap(ArgoCDValues())
	if err != nil {
		t.Fatal(err)
	}
	if get(t, m, "crds", "install") != true || get(t, m, "crds", "keep") != true || get(t, m, "dex", "enabled") != false {
		t.Errorf("argocd values = %v", m)
	}
}

func TestLoadBalancerControllerValues(t *testing.T) {
	m, err := ToMap(LoadBalancerControllerValues("mlops-dev", "eu-west-1", ""))
	if err != nil {
		t.Fatal(err)
	}
	if get(t, m, "clusterName") != "mlops-dev" || get(t, m, "region") != "eu-west-1" ||
		get(t, m, "serviceAccount", "name") != LoadBalancerControllerServiceAccount || get(t, m, "enableServiceMutatorWebhook") != false {
		t.Errorf("lbc values = %v", m)
	}
	if got := get(t, m, "ingressClassParams", "spec", "certificateArn"); got != nil {
		t.Errorf("certificateArn without a certificate = %v", got)
	}

	const arn = "arn:aws:acm:eu-west-1:111122223333:certificate/0a1b"
	m, err = ToMap(LoadBalancerControllerValues("mlops-prod", "eu-west-1", arn))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path []string
		want any
	}{
		{[]string{"ingressClassParams", "create"}, true},
		{[]string{"ingressClassParams", "spec", "certificateArn"}, []any{arn}},
		{[]string{"ingressClassParams", "spec", "sslPolicy"}, TLSPolicy},
	}
	for _, tt := range tests {
		if got := get(t, m, tt.path...); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v = %#v, want %#v", tt.path, got, tt.want)
		}
	}
}

func TestToMapKeepsIntegers(t *testing.T) {
	m, err := ToMap(struct {
		N int     `json:"n"`
		F float64 `json:"f"`
	}{N: 3, F: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := m["n"].(json.Number); !ok || n.String() != "3" {
		t.Errorf("n = %#v", m["n"])
	}
	empty, err := ToMap(MetricsServer{})
	if err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("ToMap(MetricsServer{}) = %v, %v", empty, err)
	}
}

func TestCharts(t *testing.T) {
	argo, kps, ms, lbc := Charts(config.Charts{ArgoCD: "1.0.0", KubePrometheusStack: "2.0.0", MetricsServer: "3.0.0", AWSLoadBalancerController: "4.0.0"})
	for _, c := range []Chart{argo, kps, ms, lbc} {
		if c.Repo == "" || c.Name == "" || c.Version == "" {
			t.Errorf("incomplete chart %+v", c)
		}
	}
	if kps.Name != KubePrometheusStackRelease || kps.Version != "2.0.0" || lbc.Version != "4.0.0" {
		t.Errorf("charts = %+v %+v", kps, lbc)
	}
}

func TestArgoRolloutsValues(t *testing.T) {
	m, err := ToMap(ArgoRolloutsValues())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	// The keys of the argo-rollouts chart's values.yaml (2.41.0) this sets.
	for _, want := range []string{
		`"installCRDs":true`, `"keepCRDs":true`,
		`"metrics":{"enabled":true,"serviceMonitor":{"enabled":true,"metricRelabelings":[`,
		`{"action":"replace","regex":"(.+)","replacement":"$1","sourceLabels":["exported_namespace"],"targetLabel":"namespace"}`,
		`{"action":"labeldrop","regex":"exported_namespace"}`,
		`"dashboard":{"containerSecurityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"readOnlyRootFilesystem":true,"seccompProfile":{"type":"RuntimeDefault"}},"enabled":true,"ingress":{"enabled":false},"service":{"type":"ClusterIP"}}`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("argo-rollouts values %s\nlack %s", b, want)
		}
	}
	if c := ArgoRolloutsChart(config.Charts{ArgoRollouts: "2.41.0"}); c.Repo != "https://argoproj.github.io/argo-helm" || c.Name != "argo-rollouts" || c.Version != "2.41.0" {
		t.Errorf("chart %+v", c)
	}
}
