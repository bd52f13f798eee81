package appproject

// DefaultProject is the project ArgoCD creates at start-up when it is
// missing, and gives to an Application that names no project.
const DefaultProject = "default"

// LockedDefaultSpec returns the spec that closes ArgoCD's default project,
// as ArgoCD's documentation restricts it ("The Default Project"): no
// source repository, no destination, and every namespaced kind denied
// (an empty whitelist means "any kind", so a deny-all blacklist is what
// closes it). ArgoCD's default allows any repository, cluster and kind, so
// an Application created under it (or with no project) would bypass every
// rule of this repository's project. It cannot be deleted (ArgoCD
// recreates it), so the platform patches it to this.
func LockedDefaultSpec() map[string]any {
	return map[string]any{
		"description":                "closed by the mlops platform: use the mlops project",
		"sourceRepos":                []any{},
		"sourceNamespaces":           []any{},
		"destinations":               []any{},
		"clusterResourceWhitelist":   []any{},
		"namespaceResourceBlacklist": []any{map[string]any{"group": "*", "kind": "*"}},
	}
}
