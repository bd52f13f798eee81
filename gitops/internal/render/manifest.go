package render

import (
	"fmt"

	rolloutsv1alpha1 "github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

// Manifest is one render of the chart: each kind it renders at most once,
// typed, nil when the values turn it off; Services and AnalysisTemplates,
// of which it renders several, in lists.
type Manifest struct {
	// Deployment or Rollout: the workload (rollout.enabled picks).
	Deployment *appsv1.Deployment
	Rollout    *rolloutsv1alpha1.Rollout
	// Service is the main Service, named as the workload; Services holds
	// it and the others (the Rollout's canary and stable Services).
	Service           *corev1.Service
	Services          []*corev1.Service
	AnalysisTemplates []*rolloutsv1alpha1.AnalysisTemplate
	ConfigMap         *corev1.ConfigMap
	ServiceAccount    *corev1.ServiceAccount
	Ingress           *networkingv1.Ingress
	NetworkPolicy     *networkingv1.NetworkPolicy
	HPA               *autoscalingv2.HorizontalPodAutoscaler
	PDB               *policyv1.PodDisruptionBudget
	ServiceMonitor    *monitoringv1.ServiceMonitor
	PrometheusRule    *monitoringv1.PrometheusRule

	// Objects holds every object in render order (template name, then
	// position in the template).
	Objects []Object
	// Notes is the rendered NOTES.txt.
	Notes string
}

// add files obj under its kind; a second object of one kind is an error.
func (m *Manifest) add(obj Object) error {
	var dup bool
	switch v := obj.Value.(type) {
	case *appsv1.Deployment:
		dup, m.Deployment = m.Deployment != nil, v
	case *rolloutsv1alpha1.Rollout:
		dup, m.Rollout = m.Rollout != nil, v
	case *corev1.Service:
		for _, s := range m.Services {
			dup = dup || s.Name == v.Name
		}
		m.Services = append(m.Services, v)
	case *rolloutsv1alpha1.AnalysisTemplate:
		for _, a := range m.AnalysisTemplates {
			dup = dup || a.Name == v.Name
		}
		m.AnalysisTemplates = append(m.AnalysisTemplates, v)
	case *corev1.ConfigMap:
		dup, m.ConfigMap = m.ConfigMap != nil, v
	case *corev1.ServiceAccount:
		dup, m.ServiceAccount = m.ServiceAccount != nil, v
	case *networkingv1.Ingress:
		dup, m.Ingress = m.Ingress != nil, v
	case *networkingv1.NetworkPolicy:
		dup, m.NetworkPolicy = m.NetworkPolicy != nil, v
	case *autoscalingv2.HorizontalPodAutoscaler:
		dup, m.HPA = m.HPA != nil, v
	case *policyv1.PodDisruptionBudget:
		dup, m.PDB = m.PDB != nil, v
	case *monitoringv1.ServiceMonitor:
		dup, m.ServiceMonitor = m.ServiceMonitor != nil, v
	case *monitoringv1.PrometheusRule:
		dup, m.PrometheusRule = m.PrometheusRule != nil, v
	default:
		return fmt.Errorf("%w: %s %s", ErrUnknownKind, obj.APIVersion, obj.Kind)
	}
	if dup {
		return fmt.Errorf("render: a second %s (%q)", obj.Kind, obj.Name)
	}
	m.Objects = append(m.Objects, obj)
	return nil
}

// finish picks the main Service, the one named as the workload, once every
// object is in.
func (m *Manifest) finish() error {
	if m.Deployment != nil && m.Rollout != nil {
		return fmt.Errorf("render: both a Deployment (%q) and a Rollout (%q)", m.Deployment.Name, m.Rollout.Name)
	}
	name := ""
	switch {
	case m.Deployment != nil:
		name = m.Deployment.Name
	case m.Rollout != nil:
		name = m.Rollout.Name
	}
	for _, s := range m.Services {
		if s.Name == name {
			m.Service = s
		}
	}
	if m.Service == nil && len(m.Services) > 0 {
		return fmt.Errorf("render: no Service is named as the workload %q", name)
	}
	return nil
}

// PodTemplate returns the workload's pod template: the Deployment's or the
// Rollout's. It panics when the chart rendered neither, which every
// accepted set of values does.
func (m *Manifest) PodTemplate() *corev1.PodTemplateSpec {
	switch {
	case m.Deployment != nil:
		return &m.Deployment.Spec.Template
	case m.Rollout != nil:
		return &m.Rollout.Spec.Template
	}
	panic("render: the manifest has no Deployment or Rollout")
}

// AnalysisTemplate returns the AnalysisTemplate of that name, or nil.
func (m *Manifest) AnalysisTemplate(name string) *rolloutsv1alpha1.AnalysisTemplate {
	for _, a := range m.AnalysisTemplates {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// RuleFile returns the PrometheusRule's groups as a Prometheus rule file,
// the form promtool and a plain Prometheus read (the Prometheus Operator
// writes the same file from the object).
func (m *Manifest) RuleFile() ([]byte, error) {
	if m.PrometheusRule == nil {
		return nil, fmt.Errorf("render: the chart rendered no PrometheusRule")
	}
	b, err := yaml.Marshal(struct {
		Groups []monitoringv1.RuleGroup `json:"groups"`
	}{m.PrometheusRule.Spec.Groups})
	if err != nil {
		return nil, fmt.Errorf("render: rule file: %w", err)
	}
	return b, nil
}
