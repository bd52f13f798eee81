// Package stackoutputs names the Pulumi stack outputs of the infra program.
// They are a contract: the GitHub workflows assume the CI roles through
// repository variables filled from these outputs, and a test elsewhere reads
// outputs.json (kept equal to this file by this package's test) to check that
// every role a workflow assumes is one infra creates. It does not import
// Pulumi, so anything may import it cheaply.
package stackoutputs

// Stack output names.
const (
	Region                  = "region"
	VPCID                   = "vpcId"
	ClusterName             = "clusterName"
	Kubeconfig              = "kubeconfig" // secret
	UpdateKubeconfigCommand = "updateKubeconfigCommand"
	ECRRepositoryURL        = "ecrRepositoryUrl"
	ECRRepositoryName       = "ecrRepositoryName"
	ArtifactBucketName      = "artifactBucketName"
	DVCRemoteURL            = "dvcRemoteUrl"
	GitHubOIDCProviderARN   = "githubOidcProviderArn"
	PreviewRoleARN          = "previewRoleArn"
	DeployRoleARN           = "deployRoleArn"
	ReleaseRoleARN          = "releaseRoleArn"
	TrainRoleARN            = "trainRoleArn"
	TrainingJobRoleARN      = "trainingJobRoleArn"
	GrafanaPortForward      = "grafanaPortForward"
	GrafanaPasswordCommand  = "grafanaAdminPasswordCommand"
	ArgoCDPortForward       = "argocdPortForward"
	ArgoCDPasswordCommand   = "argocdAdminPasswordCommand"
)

// All lists every output the program exports, in this order.
var All = []string{
	Region, VPCID, ClusterName, Kubeconfig, UpdateKubeconfigCommand,
	ECRRepositoryURL, ECRRepositoryName, ArtifactBucketName, DVCRemoteURL,
	GitHubOIDCProviderARN, PreviewRoleARN, DeployRoleARN, ReleaseRoleARN, TrainRoleARN,
	TrainingJobRoleARN, GrafanaPortForward, GrafanaPasswordCommand, ArgoCDPortForward, ArgoCDPasswordCommand,
}

// Secret lists the outputs Pulumi stores encrypted.
var Secret = []string{Kubeconfig}

// CIRole is one GitHub Actions role: the output holding its ARN, the
// repository variable a workflow should read it from, and the only OIDC
// subject it trusts (OWNER/REPO and ENVIRONMENT are the stack's
// githubRepository and githubDeployEnvironment; release and train trust the
// fixed GitHub environments "release" and "train").
type CIRole struct {
	Purpose        string `json:"purpose"`
	Output         string `json:"output"`
	GitHubVariable string `json:"githubVariable"`
	Subject        string `json:"subject"`
	Access         string `json:"access"`
}

// CIRoles are the roles the workflows may assume, one per purpose.
var CIRoles = []CIRole{
	{
		Purpose: "preview", Output: PreviewRoleARN, GitHubVariable: "AWS_PREVIEW_ROLE_ARN",
		Subject: "repo:OWNER/REPO:pull_request",
		Access:  "read-only: pulumi preview on pull requests; EKS view access",
	},
	{
		Purpose: "deploy", Output: DeployRoleARN, GitHubVariable: "AWS_DEPLOY_ROLE_ARN",
		Subject: "repo:OWNER/REPO:environment:ENVIRONMENT",
		Access:  "pulumi up of this stack (jobs declaring the GitHub environment); EKS cluster-admin access",
	},
	{
		Purpose: "release", Output: ReleaseRoleARN, GitHubVariable: "AWS_RELEASE_ROLE_ARN",
		Subject: "repo:OWNER/REPO:environment:release",
		Access:  "push images to this stack's ECR repository only; EKS: read ArgoCD Applications in argocd, nothing else",
	},
	{
		Purpose: "train", Output: TrainRoleARN, GitHubVariable: "AWS_TRAIN_ROLE_ARN",
		Subject: "repo:OWNER/REPO:environment:train",
		Access:  "read and write objects of the artifact bucket (DVC remote)",
	},
}
