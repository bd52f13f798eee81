// Package ciaccess gives GitHub Actions short-lived AWS credentials: the
// account's GitHub OIDC provider and one least-privilege role per workflow
// purpose, each trusting exactly one subject of this repository, plus EKS
// access entries for the roles that reach the cluster. No static keys.
package ciaccess

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/cluster"
	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/policy"
)

// Purposes, in the order roles are created.
const (
	Preview = "preview"
	Deploy  = "deploy"
	Release = "release"
	Train   = "train"
)

// GitHub environments whose jobs may assume the release and train roles:
// a job on main without one (a schedule, a workflow_dispatch, a newly
// merged workflow) cannot. The repository's environment settings (required
// reviewers, deployment branches) then guard the roles (docs/cicd.md).
const (
	ReleaseEnvironment = "release"
	TrainEnvironment   = "train"
)

// ApplicationViewerGroup is the Kubernetes group of the release role's
// access entry: the platform binds it to reading ArgoCD Applications, so
// the release can wait for dev to run what it released before opening the
// prod promotion.
const ApplicationViewerGroup = "mlops:application-viewers"

// Args configures the CI roles.
type Args struct {
	Scope  policy.Scope
	Repo   policy.Repo
	GitHub config.GitHub
	// ClusterName resolves once the cluster exists.
	ClusterName pulumi.StringInput
	Tags        map[string]string
}

// Role is one purpose's role and the subject it trusts.
type Role struct {
	Purpose string
	Subject string
	ARN     pulumi.StringOutput
}

// CIAccess is the component.
type CIAccess struct {
	pulumi.ResourceState

	ProviderARN pulumi.StringOutput
	Roles       map[string]Role
}

// New creates the provider (or looks up the existing one) and the roles.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*CIAccess, error) {
	c := &CIAccess{Roles: map[string]Role{}}
	if err := ctx.RegisterComponentResource("mlops:infra:CIAccess", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	s := args.Scope

	var providerARN pulumi.StringOutput
	switch args.GitHub.OIDCProvider {
	case config.OIDCExisting:
		found, err := iam.LookupOpenIdConnectProvider(ctx, &iam.LookupOpenIdConnectProviderArgs{
			Url: pulumi.StringRef(policy.GitHubOIDCURL),
		}, pulumi.Parent(c))
		if err != nil {
			return nil, err
		}
		providerARN = pulumi.String(found.Arn).ToStringOutput()
	default:
		p, err := iam.NewOpenIdConnectProvider(ctx, name+"-github", &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String(policy.GitHubOIDCURL),
			ClientIdLists: pulumi.ToStringArray([]string{policy.STSAudience}),
			Tags:          pulumi.ToStringMap(args.Tags),
		}, parent,
			// One provider per URL per account: a stack that is destroyed
			// leaves it to the other stacks of the account.
			pulumi.RetainOnDelete(true))
		if err != nil {
			return nil, err
		}
		providerARN = p.Arn
	}

	g := args.GitHub
	roles := []struct {
		purpose, subject string
		permissions      policy.Document
		// accessPolicy is the EKS access policy, "" for roles that do not
		// reach the cluster or reach it through groups.
		accessPolicy string
		// groups are Kubernetes groups of an access entry without a policy.
		groups []string
	}{
		{Preview, args.Repo.PullRequestSubject(), policy.PreviewPolicy(s), "AmazonEKSViewPolicy", nil},
		{Deploy, args.Repo.EnvironmentSubject(g.DeployEnvironment), policy.DeployPolicy(s), "AmazonEKSClusterAdminPolicy", nil},
		{Release, args.Repo.EnvironmentSubject(ReleaseEnvironment), policy.ReleasePolicy(s), "", []string{ApplicationViewerGroup}},
		{Train, args.Repo.EnvironmentSubject(TrainEnvironment), policy.BucketReadWritePolicy(s.Env, s.BucketName), "", nil},
	}
	for _, r := range roles {
		roleName := s.NamePrefix + "-ci-" + r.purpose
		trust := providerARN.ApplyT(func(arn string) (string, error) {
			return policy.GitHubTrust(arn, r.subject).JSON()
		}).(pulumi.StringOutput)
		role, err := iam.NewRole(ctx, roleName, &iam.RoleArgs{
			Name:               pulumi.String(roleName),
			AssumeRolePolicy:   trust,
			Description:        pulumi.String("GitHub Actions " + r.purpose + ": " + r.subject),
			MaxSessionDuration: pulumi.Int(3600),
			Tags:               pulumi.ToStringMap(args.Tags),
		}, parent)
		if err != nil {
			return nil, err
		}
		permissions, err := r.permissions.JSON()
		if err != nil {
			return nil, err
		}
		if _, err := iam.NewRolePolicy(ctx, roleName, &iam.RolePolicyArgs{
			Role:   role.Name,
			Name:   pulumi.String(r.purpose),
			Policy: pulumi.String(permissions),
		}, parent); err != nil {
			return nil, err
		}
		if r.accessPolicy != "" {
			if err := cluster.AccessEntry(ctx, roleName, args.ClusterName, role.Arn,
				s.AccessPolicyARN(r.accessPolicy), args.Tags, parent); err != nil {
				return nil, err
			}
		}
		if len(r.groups) > 0 {
			if err := cluster.GroupAccessEntry(ctx, roleName, args.ClusterName, role.Arn, r.groups, args.Tags, parent); err != nil {
				return nil, err
			}
		}
		c.Roles[r.purpose] = Role{Purpose: r.purpose, Subject: r.subject, ARN: role.Arn}
	}

	c.ProviderARN = providerARN
	outputs := pulumi.Map{"githubOidcProviderArn": providerARN}
	for p, r := range c.Roles {
		outputs[p+"RoleArn"] = r.ARN
	}
	if err := ctx.RegisterResourceOutputs(c, outputs); err != nil {
		return nil, err
	}
	return c, nil
}
