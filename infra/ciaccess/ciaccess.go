// Package ciaccess is the GitHub Actions side of the account: the bootstrap
// program (infra/bootstrap) creates the account's GitHub OIDC provider (or
// adopts it), the permissions boundary and one least-privilege role per
// workflow purpose and main stack (NewRoles); the main program gives those
// roles EKS access entries (New). No static keys.
package ciaccess

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/cluster"
	"github.com/mlopsgo/mlops/infra/internal/policy"
	"github.com/mlopsgo/mlops/infra/internal/principal"
)

// Purposes, in the order roles are created.
const (
	Preview = "preview"
	Deploy  = "deploy"
	Release = "release"
	Train   = "train"
)

// Purposes lists every purpose in order.
var Purposes = []string{Preview, Deploy, Release, Train}

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

// RoleName is the name of a stack's CI role: "<project>-<stack>-ci-<purpose>".
func RoleName(namePrefix, purpose string) string { return namePrefix + "-ci-" + purpose }

// Args configures the access entries of the CI roles.
type Args struct {
	Env policy.Env
	// ClusterName resolves once the cluster exists.
	ClusterName pulumi.StringInput
	// RoleARNs are the bootstrap's CI role ARNs of this stack, by purpose.
	RoleARNs map[string]pulumi.StringInput
	Tags     map[string]string
	// CreatorARN is the cluster's creator (cluster.Creator): a CI role
	// that created the cluster has EKS's access entry already.
	CreatorARN string
}

// CIAccess is the main program's component: the access entries.
type CIAccess struct {
	pulumi.ResourceState
}

// New gives the CI roles that reach the cluster their access entries:
// preview views, deploy administers, release reads ArgoCD Applications
// through a group; train has none.
func New(ctx *pulumi.Context, name, namePrefix string, args Args, opts ...pulumi.ResourceOption) (*CIAccess, error) {
	c := &CIAccess{}
	if err := ctx.RegisterComponentResource("mlops:infra:CIAccess", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	for _, e := range []struct {
		purpose, accessPolicy string
		groups                []string
	}{
		{Preview, "AmazonEKSViewPolicy", nil},
		{Deploy, "AmazonEKSClusterAdminPolicy", nil},
		{Release, "", []string{ApplicationViewerGroup}},
	} {
		arn, roleName := args.RoleARNs[e.purpose], RoleName(namePrefix, e.purpose)
		// The bootstrap names the role (its ARN is an output here): the
		// creator's entry exists, and a second fails.
		if principal.Same(args.Env.RoleARN(roleName), args.CreatorARN) && e.accessPolicy != "" && len(e.groups) == 0 {
			continue
		}
		if e.accessPolicy != "" {
			if err := cluster.AccessEntry(ctx, roleName, args.ClusterName, arn,
				args.Env.AccessPolicyARN(e.accessPolicy), args.Tags, parent); err != nil {
				return nil, err
			}
		}
		if len(e.groups) > 0 {
			if err := cluster.GroupAccessEntry(ctx, roleName, args.ClusterName, arn, e.groups, args.Tags, parent); err != nil {
				return nil, err
			}
		}
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{}); err != nil {
		return nil, err
	}
	return c, nil
}
