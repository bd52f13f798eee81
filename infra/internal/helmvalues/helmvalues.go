// Package helmvalues holds the Helm charts the platform installs (fixed
// release names, repositories, pinned versions) and their values as Go
// structs, rendered to the plain maps Helm takes. It does not import Pulumi:
// values that are only known at deploy time (role ARNs, the VPC id) are set
// by the Pulumi code at the paths named here.
package helmvalues

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mlopsgo/mlops/infra/internal/config"
)

// Chart is a chart at an exact version in a repository.
type Chart struct {
	Repo, Name, Version string
}

// Fixed release names. kube-prometheus-stack's matters beyond taste: its
// resources are named after it (the Grafana Secret and Services, the
// port-forward commands in the stack outputs).
const (
	ArgoCDRelease                 = "argocd"
	KubePrometheusStackRelease    = "kube-prometheus-stack"
	MetricsServerRelease          = "metrics-server"
	LoadBalancerControllerRelease = "aws-load-balancer-controller"
	ArgoRolloutsRelease           = "argo-rollouts"
)

// Namespaces the platform creates (kube-system exists already).
const (
	ArgoCDNamespace     = "argocd"
	MonitoringNamespace = "monitoring"
	// ArgoRolloutsNamespace holds the Argo Rollouts controller and its
	// dashboard (docs/runbooks.md port-forwards to it).
	ArgoRolloutsNamespace = "argo-rollouts"
	SystemNamespace       = "kube-system"
)

// StorageClass is the encrypted gp3 class the cluster creates and
// Prometheus uses.
const StorageClass = "gp3"

// Grafana's admin Secret when the password comes from config.
const (
	GrafanaAdminSecret = "grafana-admin"
	GrafanaUserKey     = "admin-user"
	GrafanaPasswordKey = "admin-password"
)

// GrafanaGeneratedSecret is where the Grafana chart keeps the password it
// generates (its fullname: <release>-grafana).
const GrafanaGeneratedSecret = KubePrometheusStackRelease + "-grafana"

// Dashboard sidecar label: ConfigMaps with grafana_dashboard: "1" load.
const (
	DashboardLabel      = "grafana_dashboard"
	DashboardLabelValue = "1"
)

// LoadBalancerControllerServiceAccount is the controller's IRSA subject.
const LoadBalancerControllerServiceAccount = "aws-load-balancer-controller"

// ArgoRolloutsChart returns the argo-rollouts chart at the configured
// version.
func ArgoRolloutsChart(c config.Charts) Chart {
	return Chart{Repo: "https://argoproj.github.io/argo-helm", Name: "argo-rollouts", Version: c.ArgoRollouts}
}

// Charts returns the four charts at the configured versions.
func Charts(c config.Charts) (argo, kps, metrics, lbc Chart) {
	return Chart{Repo: "https://argoproj.github.io/argo-helm", Name: "argo-cd", Version: c.ArgoCD},
		Chart{Repo: "https://prometheus-community.github.io/helm-charts", Name: "kube-prometheus-stack", Version: c.KubePrometheusStack},
		Chart{Repo: "https://kubernetes-sigs.github.io/metrics-server/", Name: "metrics-server", Version: c.MetricsServer},
		Chart{Repo: "https://aws.github.io/eks-charts", Name: "aws-load-balancer-controller", Version: c.AWSLoadBalancerController}
}

// ArgoCD values: CRDs installed and kept on uninstall (so deleting the
// release never cascades into every Application), no Dex (no SSO here).
type ArgoCD struct {
	CRDs struct {
		Install bool `json:"install"`
		Keep    bool `json:"keep"`
	} `json:"crds"`
	Dex struct {
		Enabled bool `json:"enabled"`
	} `json:"dex"`
}

// ArgoCDValues returns the ArgoCD chart's values.
func ArgoCDValues() ArgoCD {
	var v ArgoCD
	v.CRDs.Install, v.CRDs.Keep = true, true
	return v
}

// ArgoRollouts values (the argo-rollouts chart, 2.41.0's keys): the CRDs
// installed and kept on uninstall (deleting the release never deletes
// the app's Rollouts), the controller's metrics scraped through its
// ServiceMonitor (model-api's ModelAPIRolloutAborted reads rollout_info),
// and the dashboard on, reachable only with a port-forward.
type ArgoRollouts struct {
	InstallCRDs bool `json:"installCRDs"`
	KeepCRDs    bool `json:"keepCRDs"`
	Controller  struct {
		Metrics struct {
			Enabled        bool `json:"enabled"`
			ServiceMonitor struct {
				Enabled           bool         `json:"enabled"`
				MetricRelabelings []Relabeling `json:"metricRelabelings"`
			} `json:"serviceMonitor"`
		} `json:"metrics"`
	} `json:"controller"`
	Dashboard struct {
		Enabled bool `json:"enabled"`
		Service struct {
			Type string `json:"type"`
		} `json:"service"`
		Ingress struct {
			Enabled bool `json:"enabled"`
		} `json:"ingress"`
		ContainerSecurityContext SecurityContext `json:"containerSecurityContext"`
	} `json:"dashboard"`
}

// Relabeling is a Prometheus Operator relabel config.
type Relabeling struct {
	SourceLabels []string `json:"sourceLabels,omitempty"`
	Regex        string   `json:"regex,omitempty"`
	TargetLabel  string   `json:"targetLabel,omitempty"`
	Replacement  string   `json:"replacement,omitempty"`
	Action       string   `json:"action"`
}

// SecurityContext is the part of a container's securityContext that Pod
// Security "restricted" asks for.
type SecurityContext struct {
	AllowPrivilegeEscalation bool `json:"allowPrivilegeEscalation"`
	Capabilities             struct {
		Drop []string `json:"drop"`
	} `json:"capabilities"`
	ReadOnlyRootFilesystem bool `json:"readOnlyRootFilesystem"`
	SeccompProfile         struct {
		Type string `json:"type"`
	} `json:"seccompProfile"`
}

// RestrictedSecurityContext meets Pod Security "restricted" (with the
// pod's runAsNonRoot, which both argo-rollouts pods set by default).
func RestrictedSecurityContext() SecurityContext {
	var s SecurityContext
	s.Capabilities.Drop = []string{"ALL"}
	s.ReadOnlyRootFilesystem = true
	s.SeccompProfile.Type = "RuntimeDefault"
	return s
}

// ArgoRolloutsValues returns the argo-rollouts chart's values.
//
// The controller exports rollout_info{namespace, name, phase} about each
// Rollout, while Prometheus gives every series of the scrape the
// controller's own namespace (argo-rollouts); the chart's ServiceMonitor
// cannot honour the exported labels, so Prometheus renames the Rollout's
// namespace to exported_namespace. The metric relabelings move it back,
// so the app's alert selects rollout_info by the Rollout's namespace.
//
// The dashboard's container gets the restricted security context the
// chart leaves empty (the namespace enforces restricted); it has no
// Ingress and a ClusterIP Service: docs/runbooks.md port-forwards to it.
func ArgoRolloutsValues() ArgoRollouts {
	var v ArgoRollouts
	v.InstallCRDs, v.KeepCRDs = true, true
	m := &v.Controller.Metrics
	m.Enabled, m.ServiceMonitor.Enabled = true, true
	m.ServiceMonitor.MetricRelabelings = []Relabeling{
		{SourceLabels: []string{"exported_namespace"}, Regex: "(.+)", TargetLabel: "namespace", Replacement: "$1", Action: "replace"},
		{Regex: "exported_namespace", Action: "labeldrop"},
	}
	d := &v.Dashboard
	d.Enabled, d.Service.Type, d.Ingress.Enabled = true, "ClusterIP", false
	d.ContainerSecurityContext = RestrictedSecurityContext()
	return v
}

// KubePrometheusStack values.
type KubePrometheusStack struct {
	CRDs         CRDs         `json:"crds"`
	Prometheus   Prometheus   `json:"prometheus"`
	Grafana      Grafana      `json:"grafana"`
	Alertmanager Alertmanager `json:"alertmanager"`
}

// CRDs values of kube-prometheus-stack. Helm installs a chart's CRDs on
// the first install only and never upgrades them, so a chart bump would
// leave the operator with CRDs older than it expects. The chart's upgrade
// Job (crds.upgradeJob, off by default; 88.5.3's values) applies them with
// server-side apply from a pre-install/pre-upgrade hook, which a Pulumi
// Helm Release runs; its forceConflicts (true in 88.5.3) takes the fields
// over from Helm.
type CRDs struct {
	UpgradeJob struct {
		Enabled bool `json:"enabled"`
	} `json:"upgradeJob"`
}

// Prometheus values.
type Prometheus struct {
	PrometheusSpec PrometheusSpec `json:"prometheusSpec"`
}

// PrometheusSpec values. The *NilUsesHelmValues false settings make
// Prometheus select every ServiceMonitor, PodMonitor, PrometheusRule, Probe
// and ScrapeConfig, not only those labelled release=<release name>.
type PrometheusSpec struct {
	ServiceMonitorSelectorNilUsesHelmValues bool        `json:"serviceMonitorSelectorNilUsesHelmValues"`
	PodMonitorSelectorNilUsesHelmValues     bool        `json:"podMonitorSelectorNilUsesHelmValues"`
	RuleSelectorNilUsesHelmValues           bool        `json:"ruleSelectorNilUsesHelmValues"`
	ProbeSelectorNilUsesHelmValues          bool        `json:"probeSelectorNilUsesHelmValues"`
	ScrapeConfigSelectorNilUsesHelmValues   bool        `json:"scrapeConfigSelectorNilUsesHelmValues"`
	Retention                               string      `json:"retention"`
	StorageSpec                             StorageSpec `json:"storageSpec"`
}

// StorageSpec gives Prometheus a persistent volume.
type StorageSpec struct {
	VolumeClaimTemplate struct {
		Spec struct {
			StorageClassName string   `json:"storageClassName"`
			AccessModes      []string `json:"accessModes"`
			Resources        struct {
				Requests map[string]string `json:"requests"`
			} `json:"resources"`
		} `json:"spec"`
	} `json:"volumeClaimTemplate"`
}

// Grafana values.
type Grafana struct {
	// AdminPassword is "" on purpose: it overrides the chart's well-known
	// default, so the Grafana chart generates a password (and keeps it across
	// upgrades) unless Admin.ExistingSecret names one.
	AdminPassword string        `json:"adminPassword"`
	Admin         *GrafanaAdmin `json:"admin,omitempty"`
	Sidecar       struct {
		Dashboards struct {
			Enabled         bool   `json:"enabled"`
			Label           string `json:"label"`
			LabelValue      string `json:"labelValue"`
			SearchNamespace string `json:"searchNamespace"`
		} `json:"dashboards"`
	} `json:"sidecar"`
}

// GrafanaAdmin points Grafana at an existing Secret.
type GrafanaAdmin struct {
	ExistingSecret string `json:"existingSecret"`
	UserKey        string `json:"userKey"`
	PasswordKey    string `json:"passwordKey"`
}

// Alertmanager values.
type Alertmanager struct {
	Config AlertmanagerConfig `json:"config"`
}

// AlertmanagerConfig is the part of alertmanager.yml the stack sets; Helm
// merges it over the chart's default (keeping its inhibit rules).
type AlertmanagerConfig struct {
	Route     Route      `json:"route"`
	Receivers []Receiver `json:"receivers"`
}

// Route is Alertmanager's routing tree. Empty timings inherit the parent's
// (the chart's defaults at the root).
type Route struct {
	Receiver       string   `json:"receiver"`
	GroupBy        []string `json:"group_by,omitempty"`
	Matchers       []string `json:"matchers,omitempty"`
	GroupWait      string   `json:"group_wait,omitempty"`
	GroupInterval  string   `json:"group_interval,omitempty"`
	RepeatInterval string   `json:"repeat_interval,omitempty"`
	Routes         []Route  `json:"routes,omitempty"`
}

// Receiver is an Alertmanager receiver.
type Receiver struct {
	Name           string          `json:"name"`
	SlackConfigs   []SlackConfig   `json:"slack_configs,omitempty"`
	WebhookConfigs []WebhookConfig `json:"webhook_configs,omitempty"`
}

// SlackConfig sends to a Slack incoming webhook.
type SlackConfig struct {
	APIURL       string `json:"api_url"`
	Channel      string `json:"channel,omitempty"`
	SendResolved bool   `json:"send_resolved"`
}

// WebhookConfig posts to a URL.
type WebhookConfig struct {
	URL          string `json:"url"`
	SendResolved bool   `json:"send_resolved"`
}

// NullReceiver drops what is routed to it (everything when no receiver is
// configured, and Watchdog when no dead-man's switch is: dev only).
const NullReceiver = "null"

// DeadMansSwitchReceiver receives the Watchdog heartbeat. config rejects a
// configured receiver of this name.
const DeadMansSwitchReceiver = config.DeadMansSwitchReceiver

// WatchdogRepeatInterval is how often the always-firing Watchdog alert is
// sent again to the dead-man's switch: the switch pages when it has heard
// nothing for a few of these (its own period, set in the service).
const WatchdogRepeatInterval = "1m"

// AlertmanagerConfigFor routes every alert to the first configured receiver
// (or drops it when there is none), and the Watchdog heartbeat to the
// dead-man's switch at deadMansSwitchURL every WatchdogRepeatInterval (or
// drops it when the URL is "").
func AlertmanagerConfigFor(receivers []config.AlertReceiver, deadMansSwitchURL string) AlertmanagerConfig {
	watchdog := Route{Receiver: NullReceiver, Matchers: []string{`alertname = "Watchdog"`}}
	c := AlertmanagerConfig{
		Route: Route{
			Receiver: NullReceiver,
			GroupBy:  []string{"namespace", "alertname"},
		},
		Receivers: []Receiver{{Name: NullReceiver}},
	}
	if deadMansSwitchURL != "" {
		watchdog.Receiver = DeadMansSwitchReceiver
		watchdog.GroupWait, watchdog.GroupInterval, watchdog.RepeatInterval = "0s", WatchdogRepeatInterval, WatchdogRepeatInterval
		// send_resolved false: Watchdog never resolves while all is well,
		// and a resolved message would read as a heartbeat.
		c.Receivers = append(c.Receivers, Receiver{Name: DeadMansSwitchReceiver, WebhookConfigs: []WebhookConfig{{URL: deadMansSwitchURL}}})
	}
	c.Route.Routes = []Route{watchdog}
	for i, r := range receivers {
		if i == 0 {
			c.Route.Receiver = r.Name
		}
		rc := Receiver{Name: r.Name}
		switch r.Type {
		case "slack":
			rc.SlackConfigs = []SlackConfig{{APIURL: r.URL, Channel: r.Channel, SendResolved: true}}
		case "webhook":
			rc.WebhookConfigs = []WebhookConfig{{URL: r.URL, SendResolved: true}}
		}
		c.Receivers = append(c.Receivers, rc)
	}
	return c
}

// KubePrometheusStackValues returns the chart's values for m. Prometheus
// keeps its data on an encrypted gp3 volume.
func KubePrometheusStackValues(m config.Monitoring) KubePrometheusStack {
	var v KubePrometheusStack
	v.CRDs.UpgradeJob.Enabled = true
	s := &v.Prometheus.PrometheusSpec
	s.Retention = m.PrometheusRetention
	s.StorageSpec.VolumeClaimTemplate.Spec.StorageClassName = StorageClass
	s.StorageSpec.VolumeClaimTemplate.Spec.AccessModes = []string{"ReadWriteOnce"}
	s.StorageSpec.VolumeClaimTemplate.Spec.Resources.Requests = map[string]string{"storage": fmt.Sprintf("%dGi", m.PrometheusStorageGiB)}

	d := &v.Grafana.Sidecar.Dashboards
	d.Enabled, d.Label, d.LabelValue, d.SearchNamespace = true, DashboardLabel, DashboardLabelValue, "ALL"
	if m.GrafanaAdminPassword != "" {
		v.Grafana.Admin = &GrafanaAdmin{ExistingSecret: GrafanaAdminSecret, UserKey: GrafanaUserKey, PasswordKey: GrafanaPasswordKey}
	}
	v.Alertmanager.Config = AlertmanagerConfigFor(m.AlertReceivers, m.DeadMansSwitchURL)
	return v
}

// LoadBalancerController values; the role ARN annotation and vpcId are set
// at LoadBalancerControllerRoleARNPath and LoadBalancerControllerVPCPath.
type LoadBalancerController struct {
	ClusterName    string `json:"clusterName"`
	Region         string `json:"region"`
	ServiceAccount struct {
		Create bool   `json:"create"`
		Name   string `json:"name"`
	} `json:"serviceAccount"`
	// EnableServiceMutatorWebhook false: plain type=LoadBalancer Services
	// keep Kubernetes' default behaviour unless they ask for the controller.
	EnableServiceMutatorWebhook bool `json:"enableServiceMutatorWebhook"`
	// IngressClassParams: the chart creates the IngressClass named
	// IngressClass and, with a spec, IngressClassParams of that name which it references.
	IngressClassParams IngressClassParams `json:"ingressClassParams"`
}

// IngressClass is the class the chart creates and model-api's Ingress
// names (gitops/charts/model-api: ingress.className).
const IngressClass = "alb"

// TLSPolicy is the ALB security policy of every HTTPS listener: TLS 1.3
// and 1.2 only, AWS's recommended policy.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// IngressClassParams are settings the controller enforces on every Ingress
// of the class; a field set here wins over the Ingress's annotation
// (certificate-arn, ssl-policy), so the certificate comes from stack config
// and not from git.
type IngressClassParams struct {
	Create bool `json:"create"`
	Spec   struct {
		CertificateARN []string `json:"certificateArn,omitempty"`
		SSLPolicy      string   `json:"sslPolicy,omitempty"`
	} `json:"spec"`
}

// Paths of the deploy-time values of the controller's chart.
var (
	LoadBalancerControllerRoleARNPath = []string{"serviceAccount", "annotations", "eks.amazonaws.com/role-arn"}
	LoadBalancerControllerVPCPath     = []string{"vpcId"}
)

// LoadBalancerControllerValues returns the controller's values. Every
// HTTPS listener of the IngressClass serves certificateARN ("" leaves the
// controller to discover one by host, which finds none for model-api's
// host-less Ingress: dev without a certificate has no public endpoint).
func LoadBalancerControllerValues(clusterName, region, certificateARN string) LoadBalancerController {
	v := LoadBalancerController{ClusterName: clusterName, Region: region}
	v.ServiceAccount.Create, v.ServiceAccount.Name = true, LoadBalancerControllerServiceAccount
	v.IngressClassParams.Create = true
	v.IngressClassParams.Spec.SSLPolicy = TLSPolicy
	if certificateARN != "" {
		v.IngressClassParams.Spec.CertificateARN = []string{certificateARN}
	}
	return v
}

// MetricsServer values: the chart's defaults serve the HPA on EKS.
type MetricsServer struct{}

// ToMap renders values as the map Helm takes. Integers stay integers.
func ToMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("helm values: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("helm values: %w", err)
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}
