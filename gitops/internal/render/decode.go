package render

import (
	"errors"
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

// ErrUnknownKind is returned for an apiVersion and kind with no Go type here.
var ErrUnknownKind = errors.New("render: unknown apiVersion/kind")

// Object is one rendered Kubernetes object.
type Object struct {
	// Source is the template (or file) it came from.
	Source string
	// APIVersion, Kind, Namespace and Name identify it.
	APIVersion, Kind, Namespace, Name string
	// Value is a pointer to the typed object (*appsv1.Deployment, ...).
	Value any
	// YAML is the document as rendered.
	YAML string
}

// typeMeta is what Decode reads first to pick the type.
type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

// types maps "apiVersion kind" to a constructor of its Go type: the kinds
// the chart may render.
var types = map[string]func() any{
	"apps/v1 Deployment":                      func() any { return new(appsv1.Deployment) },
	"v1 Service":                              func() any { return new(corev1.Service) },
	"v1 ConfigMap":                            func() any { return new(corev1.ConfigMap) },
	"v1 ServiceAccount":                       func() any { return new(corev1.ServiceAccount) },
	"networking.k8s.io/v1 Ingress":            func() any { return new(networkingv1.Ingress) },
	"networking.k8s.io/v1 NetworkPolicy":      func() any { return new(networkingv1.NetworkPolicy) },
	"autoscaling/v2 HorizontalPodAutoscaler":  func() any { return new(autoscalingv2.HorizontalPodAutoscaler) },
	"policy/v1 PodDisruptionBudget":           func() any { return new(policyv1.PodDisruptionBudget) },
	"monitoring.coreos.com/v1 ServiceMonitor": func() any { return new(monitoringv1.ServiceMonitor) },
	"monitoring.coreos.com/v1 PrometheusRule": func() any { return new(monitoringv1.PrometheusRule) },
	// Argo Rollouts' own Go types, at the version of the controller infra
	// installs (the argo-rollouts chart's appVersion).
	"argoproj.io/v1alpha1 Rollout":          func() any { return new(rolloutsv1alpha1.Rollout) },
	"argoproj.io/v1alpha1 AnalysisTemplate": func() any { return new(rolloutsv1alpha1.AnalysisTemplate) },
}

// Decode decodes one YAML document into the Go type of its apiVersion and
// kind. Unknown fields, duplicate keys and values of the wrong type are
// errors; so is a kind with no type here ([ErrUnknownKind]).
func Decode(doc []byte) (Object, error) {
	var tm typeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return Object{}, fmt.Errorf("render: %w", err)
	}
	id := fmt.Sprintf("%s %s %q", tm.APIVersion, tm.Kind, tm.Metadata.Name)
	newValue, ok := types[tm.APIVersion+" "+tm.Kind]
	if !ok {
		return Object{}, fmt.Errorf("%w: %s", ErrUnknownKind, id)
	}
	v := newValue()
	if err := yaml.UnmarshalStrict(doc, v); err != nil {
		return Object{}, fmt.Errorf("render: decode %s: %w", id, err)
	}
	return Object{APIVersion: tm.APIVersion, Kind: tm.Kind, Namespace: tm.Metadata.Namespace, Name: tm.Metadata.Name, Value: v, YAML: string(doc)}, nil
}
