package ciaccess

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/cluster"
	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/naming"
	"github.com/mlopsgo/mlops/infra/internal/policy"
)

// Stack is one main stack the bootstrap makes roles for.
type Stack struct {
	config.BootstrapStack
	// Scope is what its CI policies name (StackScope).
	Scope policy.Scope
}

// StackScope is everything one main stack owns, as the CI policies name it:
// the names come from the same naming rules the main program uses, the
// boundary, CI roles and CI policies from the bootstrap. Pure, so the IAM
// simulation and the tests build the same scope the bootstrap does.
func StackScope(env policy.Env, project string, st config.BootstrapStack, all []config.BootstrapStack,
	boundaryARN, stateBucket, kmsKeyARN string,
) (policy.Scope, error) {
	n := naming.New(project, st.Name)
	bucket, err := n.BucketName(env.Account)
	if err != nil {
		return policy.Scope{}, err
	}
	var roles, policies []string
	for _, other := range all {
		prefix := naming.New(project, other.Name).Prefix()
		for _, p := range Purposes {
			roles = append(roles, RoleName(prefix, p))
			for i := 1; i <= MaxPolicyParts; i++ {
				policies = append(policies, PolicyName(prefix, p, i))
			}
		}
	}
	var promoteSource string
	if st.PromotesFrom != "" {
		promoteSource = naming.New(project, st.PromotesFrom).RepositoryName()
	}
	return policy.Scope{
		Env: env, Project: project, Stack: st.Name, NamePrefix: n.Prefix(), PromoteSourceRepository: promoteSource,
		ClusterName: n.ClusterName(), RepositoryName: n.RepositoryName(), BucketName: bucket,
		LogGroup: n.ClusterLogGroup(), StateBucket: stateBucket, KMSKeyARN: kmsKeyARN, ForceDestroy: st.ForceDestroy,
		BoundaryARN: boundaryARN, CIRoles: roles, CIPolicies: policies,
		PassRoles:       passRoles(n),
		ManagedPolicies: policy.ManagedPolicyARNs(env),
	}, nil
}

// passRoles are the roles the deploy role hands to EKS: the cluster's and
// the nodes' roles, and the IRSA roles of the add-ons that take a service
// account role (cluster.PassedRoleSuffixes), each to eks.amazonaws.com only.
func passRoles(n naming.Namer) []policy.PassRole {
	var out []policy.PassRole
	for _, suffix := range cluster.PassedRoleSuffixes {
		out = append(out, policy.PassRole{Name: n.Name(suffix), Service: "eks.amazonaws.com"})
	}
	return out
}

// BoundaryName is the name of the permissions boundary of the stack whose
// resource names start with namePrefix.
func BoundaryName(namePrefix string) string { return namePrefix + "-boundary" }

// MaxPolicyParts is how many managed policies one CI role's permissions may
// take (IAM attaches at most 10 managed policies to a role by default).
const MaxPolicyParts = 4

// PolicyName is the name of part i (from 1) of a CI role's permissions.
func PolicyName(namePrefix, purpose string, i int) string {
	return fmt.Sprintf("%s-%d", RoleName(namePrefix, purpose), i)
}

// Permissions returns the permission document of a purpose.
func Permissions(purpose string, s policy.Scope) policy.Document {
	switch purpose {
	case Preview:
		return policy.PreviewPolicy(s)
	case Deploy:
		return policy.DeployPolicy(s)
	case Release:
		return policy.ReleasePolicy(s)
	default:
		return policy.BucketReadWritePolicy(s.Env, s.BucketName)
	}
}

// Subject is the OIDC subject a purpose's role of a stack trusts.
func Subject(repo policy.Repo, purpose string, st config.BootstrapStack) string {
	switch purpose {
	case Preview:
		return repo.PullRequestSubject()
	case Deploy:
		return repo.EnvironmentSubject(st.DeployEnvironment)
	case Release:
		return repo.EnvironmentSubject(ReleaseEnvironment)
	default:
		return repo.EnvironmentSubject(TrainEnvironment)
	}
}

// RolesArgs configures the bootstrap's CI roles.
type RolesArgs struct {
	Env     policy.Env
	Project string
	Repo    policy.Repo
	// ProviderARN adopts the account's existing GitHub OIDC provider; ""
	// creates it.
	ProviderARN string
	Stacks      []config.BootstrapStack
	// StateBucket and KMSKeyARN are the self-managed Pulumi backend the
	// preview and deploy roles use.
	StateBucket string
	KMSKeyARN   pulumi.StringOutput
	Tags        map[string]string
}

// Roles is the bootstrap's CI component.
type Roles struct {
	pulumi.ResourceState

	ProviderARN pulumi.StringOutput
	// BoundaryARNs holds each stack's permissions boundary.
	BoundaryARNs map[string]pulumi.StringOutput
	// ARNs holds each stack's role ARNs by purpose.
	ARNs map[string]map[string]pulumi.StringOutput
}

// NewRoles creates (or adopts) the GitHub OIDC provider, and per stack a
// permissions boundary and four roles, each trusting exactly one subject and
// holding its permissions as managed policies (the deploy role's are over
// the 10,240 characters IAM allows inline).
func NewRoles(ctx *pulumi.Context, name string, args RolesArgs, opts ...pulumi.ResourceOption) (*Roles, error) {
	c := &Roles{ARNs: map[string]map[string]pulumi.StringOutput{}, BoundaryARNs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("mlops:bootstrap:CIRoles", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	e := args.Env
	tags := pulumi.ToStringMap(args.Tags)

	var providerARN string
	// IAM rejects a trust policy naming a provider that does not exist yet.
	var afterProvider []pulumi.Resource
	if args.ProviderARN != "" {
		// Adopt: the provider stays unmanaged (other tools of the account
		// may use it), but it must be GitHub's, with STS's audience.
		found, err := iam.LookupOpenIdConnectProvider(ctx, &iam.LookupOpenIdConnectProviderArgs{
			Arn: pulumi.StringRef(args.ProviderARN),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("look up githubOidcProviderArn %s: %w", args.ProviderARN, err)
		}
		if found.Url != policy.GitHubOIDCHost && found.Url != policy.GitHubOIDCURL {
			return nil, fmt.Errorf("githubOidcProviderArn %s: URL %q is not GitHub's %s", args.ProviderARN, found.Url, policy.GitHubOIDCURL)
		}
		if !contains(found.ClientIdLists, policy.STSAudience) {
			return nil, fmt.Errorf("githubOidcProviderArn %s: audiences %v lack %s", args.ProviderARN, found.ClientIdLists, policy.STSAudience)
		}
		providerARN = args.ProviderARN
	} else {
		// The ARN is known before the provider exists: one per URL.
		p, err := iam.NewOpenIdConnectProvider(ctx, name+"-github", &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String(policy.GitHubOIDCURL),
			ClientIdLists: pulumi.ToStringArray([]string{policy.STSAudience}),
			Tags:          tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		afterProvider = append(afterProvider, p)
		providerARN = e.GlobalARN("iam", "oidc-provider/"+policy.GitHubOIDCHost)
	}

	for _, st := range args.Stacks {
		n := naming.New(args.Project, st.Name)
		prefix := n.Prefix()
		bucket, err := n.BucketName(e.Account)
		if err != nil {
			return nil, err
		}
		// One boundary per stack: a role dev's deploy role creates must
		// not reach prod's bucket or network.
		boundaryName := BoundaryName(prefix)
		boundary, err := iam.NewPolicy(ctx, boundaryName, &iam.PolicyArgs{
			Name:        pulumi.String(boundaryName),
			Description: pulumi.String("Permissions boundary of every role the deploy role of stack " + st.Name + " creates"),
			Policy: pulumi.String(policy.BoundaryPolicy(policy.BoundaryScope{
				Env: e, Project: args.Project, Stack: st.Name, ArtifactBucket: bucket,
			}).MustJSON()),
			Tags: tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		c.BoundaryARNs[st.Name] = boundary.Arn
		boundaryARN := e.PolicyARN(boundaryName)
		c.ARNs[st.Name] = map[string]pulumi.StringOutput{}
		for _, purpose := range Purposes {
			roleName := RoleName(prefix, purpose)
			trust, err := policy.GitHubTrust(providerARN, Subject(args.Repo, purpose, st)).JSON()
			if err != nil {
				return nil, err
			}
			role, err := iam.NewRole(ctx, roleName, &iam.RoleArgs{
				Name:               pulumi.String(roleName),
				AssumeRolePolicy:   pulumi.String(trust),
				Description:        pulumi.String("GitHub Actions " + purpose + " of stack " + st.Name + ": " + Subject(args.Repo, purpose, st)),
				MaxSessionDuration: pulumi.Int(3600),
				Tags:               tags,
			}, parent, pulumi.DependsOn(afterProvider))
			if err != nil {
				return nil, err
			}
			// The KMS key's ARN is an output; the documents need it as a
			// string.
			docs := args.KMSKeyARN.ApplyT(func(key string) ([]string, error) {
				s, err := StackScope(e, args.Project, st, args.Stacks, boundaryARN, args.StateBucket, key)
				if err != nil {
					return nil, err
				}
				parts, err := policy.Split(Permissions(purpose, s), policy.ManagedPolicyLimit)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", roleName, err)
				}
				out := make([]string, len(parts))
				for i, p := range parts {
					out[i] = p.MustJSON()
				}
				return out, nil
			}).(pulumi.StringArrayOutput)
			// The number of parts must be known now, before the key exists:
			// a key ARN's length is fixed (the id is a UUID), so a
			// placeholder of that length splits the same way.
			s, err := StackScope(e, args.Project, st, args.Stacks, boundaryARN, args.StateBucket, e.ARN("kms", "key/"+placeholderKeyID))
			if err != nil {
				return nil, err
			}
			parts, err := policy.Split(Permissions(purpose, s), policy.ManagedPolicyLimit)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", roleName, err)
			}
			if len(parts) > MaxPolicyParts {
				return nil, fmt.Errorf("%s: permissions need %d managed policies, more than %d", roleName, len(parts), MaxPolicyParts)
			}
			for i := range parts {
				policyName := PolicyName(prefix, purpose, i+1)
				p, err := iam.NewPolicy(ctx, policyName, &iam.PolicyArgs{
					Name:   pulumi.String(policyName),
					Policy: docs.Index(pulumi.Int(i)),
					Tags:   tags,
				}, parent)
				if err != nil {
					return nil, err
				}
				if _, err := iam.NewRolePolicyAttachment(ctx, policyName, &iam.RolePolicyAttachmentArgs{
					Role: role.Name, PolicyArn: p.Arn,
				}, parent); err != nil {
					return nil, err
				}
			}
			c.ARNs[st.Name][purpose] = role.Arn
		}
	}

	c.ProviderARN = pulumi.String(providerARN).ToStringOutput()
	boundaries := pulumi.StringMap{}
	for stack, arn := range c.BoundaryARNs {
		boundaries[stack] = arn
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"githubOidcProviderArn": c.ProviderARN, "boundaryArns": boundaries,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// placeholderKeyID has the shape of a KMS key id (a UUID).
var placeholderKeyID = strings.Join([]string{
	strings.Repeat("0", 8), strings.Repeat("0", 4), strings.Repeat("0", 4), strings.Repeat("0", 4), strings.Repeat("0", 12),
}, "-")

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
