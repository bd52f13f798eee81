package platform

import "github.com/mlopsgo/mlops/infra/internal/helmvalues"

// Pod Security Standards levels (pod-security.kubernetes.io).
const (
	psPrivileged = "privileged"
	psBaseline   = "baseline"
	psRestricted = "restricted"
)

// PodSecurityLabels returns the Pod Security admission labels of a
// namespace the program creates: the strictest level its workloads run at,
// enforced, and warned and audited at the level above it when there is one.
//   - argocd enforces restricted: every pod of the argo-cd chart (10.1.1,
//     Dex off, as helmvalues.ArgoCDValues sets it) runs as non-root with
//     no privilege escalation, all capabilities dropped and seccomp
//     RuntimeDefault (checked on its `helm template` output; a chart bump
//     that breaks this shows in the release's events as refused pods).
//   - argo-rollouts enforces restricted: the argo-rollouts chart's
//     controller sets a restricted security context, and the dashboard gets
//     one from helmvalues.ArgoRolloutsValues (the chart leaves it empty).
//   - training enforces restricted: it holds the training Job's service
//     account, and the Job runs the project's non-root image.
//   - monitoring enforces privileged: kube-prometheus-stack's node-exporter
//     needs the host's network, PID namespace and paths. It warns at
//     baseline, so anything else that needs privileges is visible.
//
// The app's namespaces come from its ArgoCD Applications, which enforce
// restricted (gitops/apps).
func PodSecurityLabels(namespace string) map[string]string {
	enforce, warn := psRestricted, psRestricted
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
