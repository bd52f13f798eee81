// Package gitops holds the tests of the Helm chart (charts/model-api), the
// ArgoCD Applications (apps/) and the GitHub workflows.
package gitops
