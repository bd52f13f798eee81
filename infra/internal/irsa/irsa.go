// Package irsa creates IAM roles for Kubernetes service accounts: the role
// trusts exactly one service account of the cluster through its OIDC
// provider.
package irsa

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/policy"
)

// Args names the role and the one service account it trusts.
type Args struct {
	RoleName       string
	ProviderARN    pulumi.StringInput
	Issuer         pulumi.StringInput // with or without https://
	Namespace      string
	ServiceAccount string
	Tags           map[string]string
}

// NewRole creates the role (without permissions: attach them to it).
func NewRole(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*iam.Role, error) {
	trust := pulumi.All(args.ProviderARN, args.Issuer).ApplyT(func(v []any) (string, error) {
		return policy.IRSATrust(v[0].(string), v[1].(string), args.Namespace, args.ServiceAccount).JSON()
	}).(pulumi.StringOutput)
	return iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(args.RoleName),
		AssumeRolePolicy: trust,
		Description:      pulumi.String("IRSA: " + args.Namespace + "/" + args.ServiceAccount),
		Tags:             pulumi.ToStringMap(args.Tags),
	}, opts...)
}
