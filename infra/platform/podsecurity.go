package platform

import "github.com/mlopsgo/mlops/infra/internal/helmvalues"

// Pod Security Standards levels (pod-security.kubernetes.io).
const (
	psPrivileged = "privileged"
	psBaseline   = "baseline"
	psRestricted = "restricted"
)

// PodSecurityLabels returns the Pod Security admission labels of a
// namespace the program creates: what it enforces, and the stricter level
// it warns and audits at, so a workload that could tighten shows up
// without being refused.
//   - monitoring enforces privileged: kube-prometheus-stack's node-exporter
//     needs the host's network, PID namespace and paths. It warns at
//     baseline, so anything else that needs privileges is visible.
//   - argocd and training enforce baseline (no host access, no privileged
//     containers) and warn at restricted.
//
// The app's namespaces come from its ArgoCD Applications, which enforce
// restricted (gitops/apps).
func PodSecurityLabels(namespace string) map[string]string {
	enforce, warn := psBaseline, psRestricted
	if namespace == helmvalues.MonitoringNamespace {
		enforce, warn = psPrivileged, psBaseline
	}
	return map[string]string{
		"pod-security.kubernetes.io/enforce": enforce,
		"pod-security.kubernetes.io/warn":    warn,
		"pod-security.kubernetes.io/audit":   warn,
		"app.kubernetes.io/part-of":          "mlops",
	}
}
