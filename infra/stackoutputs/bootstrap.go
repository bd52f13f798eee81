package stackoutputs

// Output names of the bootstrap stack (infra/bootstrap): the main program
// reads them through a StackReference (its bootstrapStack key).
const (
	// BootstrapStacks maps each main stack's name to its CI role ARNs, keyed
	// by the main program's output names (PreviewRoleARN, DeployRoleARN,
	// ReleaseRoleARN, TrainRoleARN), and its permissions boundary's ARN
	// (BootstrapBoundaryARN).
	BootstrapStacks                = "stacks"
	BootstrapGitHubOIDCProviderARN = "githubOidcProviderArn"
	// BootstrapBoundaryARN is the key, in a stack's entry of
	// BootstrapStacks, of the boundary of every role that stack creates.
	BootstrapBoundaryARN      = "permissionsBoundaryArn"
	BootstrapStateBucket      = "stateBucket"
	BootstrapStateURL         = "stateBackendUrl"
	BootstrapSecretsKMSKeyARN = "secretsKmsKeyArn"
	BootstrapSecretsProvider  = "secretsProvider"
)

// BootstrapAll lists every output of the bootstrap stack.
var BootstrapAll = []string{
	BootstrapStacks, BootstrapGitHubOIDCProviderARN,
	BootstrapStateBucket, BootstrapStateURL, BootstrapSecretsKMSKeyARN, BootstrapSecretsProvider,
}

// RoleOutputs maps a CI purpose to the output name of its role's ARN.
var RoleOutputs = map[string]string{
	"preview": PreviewRoleARN, "deploy": DeployRoleARN, "release": ReleaseRoleARN, "train": TrainRoleARN,
}
