package main

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/ciaccess"
	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/policy"
	"github.com/mlopsgo/mlops/infra/stackoutputs"
	"github.com/mlopsgo/mlops/infra/statebackend"
)

// ctxSource reads stack config through the Pulumi context.
type ctxSource struct{ ctx *pulumi.Context }

func (s ctxSource) Get(key string) (string, bool) { return s.ctx.GetConfig(key) }
func (s ctxSource) IsSecret(key string) bool      { return s.ctx.IsConfigSecret(key) }

// program builds the bootstrap stack and returns its outputs by name.
// Config is validated before the first resource is registered.
func program(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
	cfg, err := config.LoadBootstrap(ctx.Project(), ctxSource{ctx})
	if err != nil {
		return nil, fmt.Errorf("stack config: %w", err)
	}
	identity, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("caller identity: %w", err)
	}
	partition, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("partition: %w", err)
	}
	env := policy.Env{Partition: partition.Partition, Account: identity.AccountId, Region: cfg.Region}
	bucket, err := cfg.StateBucketName(env.Account)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", ctx.Project(), err)
	}
	tags := map[string]string{policy.TagProject: cfg.Project, "managed-by": "pulumi-bootstrap"}

	state, err := statebackend.New(ctx, "state", statebackend.Args{
		Env: env, BucketName: bucket, KeyAlias: cfg.Project + "-pulumi-secrets", Tags: tags,
	})
	if err != nil {
		return nil, err
	}
	roles, err := ciaccess.NewRoles(ctx, "ci", ciaccess.RolesArgs{
		Env: env, Project: cfg.Project,
		Repo:        policy.Repo{Owner: cfg.GitHub.Owner, Name: cfg.GitHub.Repo, OwnerID: cfg.GitHub.OwnerID, RepoID: cfg.GitHub.RepoID},
		ProviderARN: cfg.OIDCProviderARN, Stacks: cfg.Stacks,
		StateBucket: bucket, KMSKeyARN: state.KeyARN, Tags: tags,
	})
	if err != nil {
		return nil, err
	}

	stacks := pulumi.Map{}
	for stack, arns := range roles.ARNs {
		m := pulumi.StringMap{stackoutputs.BootstrapBoundaryARN: roles.BoundaryARNs[stack]}
		for purpose, arn := range arns {
			m[stackoutputs.RoleOutputs[purpose]] = arn
		}
		stacks[stack] = m
	}
	return map[string]pulumi.Input{
		stackoutputs.BootstrapStacks:                stacks,
		stackoutputs.BootstrapGitHubOIDCProviderARN: roles.ProviderARN,
		stackoutputs.BootstrapStateBucket:           state.BucketName,
		stackoutputs.BootstrapStateURL:              state.URL,
		stackoutputs.BootstrapSecretsKMSKeyARN:      state.KeyARN,
		stackoutputs.BootstrapSecretsProvider:       state.SecretsProvider,
	}, nil
}
