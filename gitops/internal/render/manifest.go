package render

import (
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

// Manifest is one render of the chart: each kind it renders at most once,
// typed, nil when the values turn it off.
type Manifest struct {
	Deployment     *appsv1.Deployment
	Service        *corev1.Service
	ServiceAccount *corev1.ServiceAccount
	Ingress        *networkingv1.Ingress
	NetworkPolicy  *networkingv1.NetworkPolicy
	HPA            *autoscalingv2.HorizontalPodAutoscaler
	PDB            *policyv1.PodDisruptionBudget
	ServiceMonitor *monitoringv1.ServiceMonitor
	PrometheusRule *monitoringv1.PrometheusRule

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
	case *corev1.Service:
		dup, m.Service = m.Service != nil, v
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
