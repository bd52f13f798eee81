// Package gitops holds the tests of the Helm chart (charts/model-api), the
// ArgoCD Applications (apps/) and the GitHub workflows.
//
// # The chart
//
// The tests render the chart with Helm's Go SDK (internal/render) for the
// chart's defaults, each environment as its Application renders it, and each
// accepted fixture in testdata/values, and decode every object strictly into
// its Kubernetes or Prometheus Operator type. They check what must agree:
// the security context, probes on paths model-api serves (read from its
// source), the container port and environment against model-api's flags,
// the Service port name against the ServiceMonitor's, selectors against pod
// labels, and the NetworkPolicy against the Service's target port. Rejected
// fixtures (testdata/values/invalid-*.yaml) must fail the render. Golden
// files hold the rendered environments: go test -run TestGolden -regen.
//
// # The alert rules
//
// Every series an alert expression reads (parsed with Prometheus's PromQL
// parser) is an app/telemetry constant or one of a short list of external
// series, and every selector is scoped to the release's job and namespace;
// every alert has a severity, a summary, a description and a runbook link
// to a section of docs/runbooks.md. The e2e package runs promtool and a
// real Prometheus on them (make e2e-gitops).
//
// # The Applications
//
// Each Application is checked field by field against Argo CD's Application
// schema (testdata/argocd, restated from Argo CD's CRD, with unknown fields
// as errors), and against the repository: the chart path and value files it
// names exist, its repoURL matches the infra stack's, and it pins a commit
// sha and (once released) the image as Helm parameters; the chart renders
// nothing without an image. internal/release and cmd/bumpapp write those
// pins, refusing to move an environment backwards.
package gitops
