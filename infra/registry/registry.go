// Package registry is the ECR repository of the serving image: immutable
// tags, scan on push, encryption at rest, and a lifecycle policy.
package registry

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/policy"
)

// Args configures the repository.
type Args struct {
	Name               string
	KeepTaggedImages   int
	UntaggedExpireDays int
	// ForceDelete lets `pulumi destroy` delete a repository that still
	// holds images.
	ForceDelete bool
	Tags        map[string]string
}

// Registry is the component.
type Registry struct {
	pulumi.ResourceState

	RepositoryURL  pulumi.StringOutput
	RepositoryARN  pulumi.StringOutput
	RepositoryName pulumi.StringOutput
}

// New creates the repository and its lifecycle policy.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Registry, error) {
	r := &Registry{}
	if err := ctx.RegisterComponentResource("mlops:infra:Registry", name, r, opts...); err != nil {
		return nil, err
	}
	lifecycle, err := policy.ECRLifecyclePolicy(args.KeepTaggedImages, args.UntaggedExpireDays)
	if err != nil {
		return nil, err
	}
	repo, err := ecr.NewRepository(ctx, name, &ecr.RepositoryArgs{
		Name:               pulumi.String(args.Name),
		ImageTagMutability: pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{
			ScanOnPush: pulumi.Bool(true),
		},
		EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{
			&ecr.RepositoryEncryptionConfigurationArgs{EncryptionType: pulumi.String("AES256")},
		},
		ForceDelete: pulumi.Bool(args.ForceDelete),
		Tags:        pulumi.ToStringMap(args.Tags),
	}, pulumi.Parent(r))
	if err != nil {
		return nil, err
	}
	if _, err := ecr.NewLifecyclePolicy(ctx, name, &ecr.LifecyclePolicyArgs{
		Repository: repo.Name,
		Policy:     pulumi.String(lifecycle),
	}, pulumi.Parent(r)); err != nil {
		return nil, err
	}
	r.RepositoryURL, r.RepositoryARN, r.RepositoryName = repo.RepositoryUrl, repo.Arn, repo.Name
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{
		"repositoryUrl": r.RepositoryURL, "repositoryArn": r.RepositoryARN, "repositoryName": r.RepositoryName,
	}); err != nil {
		return nil, err
	}
	return r, nil
}
