// Package statebackend is a self-managed Pulumi backend for the main stacks:
// the S3 bucket of `pulumi login s3://...` (versioned, encrypted, public
// access blocked, TLS only) and the KMS key of the `awskms://` secrets
// provider. The bootstrap program creates them, protected: losing either
// loses every stack's state or secrets.
package statebackend

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/policy"
	"github.com/mlopsgo/mlops/infra/internal/privatebucket"
)

// Args configures the backend.
type Args struct {
	Env        policy.Env
	BucketName string
	// KeyAlias is the KMS alias without "alias/".
	KeyAlias string
	Tags     map[string]string
}

// StateBackend is the component.
type StateBackend struct {
	pulumi.ResourceState

	BucketName pulumi.StringOutput
	KeyARN     pulumi.StringOutput
	// URL is the `pulumi login` URL; SecretsProvider the --secrets-provider.
	URL             pulumi.StringOutput
	SecretsProvider pulumi.StringOutput
}

// New creates the bucket and the key.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*StateBackend, error) {
	c := &StateBackend{}
	if err := ctx.RegisterComponentResource("mlops:bootstrap:StateBackend", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	keep := pulumi.Protect(true)
	tags := pulumi.ToStringMap(args.Tags)

	b, err := privatebucket.New(ctx, name, privatebucket.Args{
		Env: args.Env, BucketName: args.BucketName, Protect: true, Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	bucket := b.Bucket

	key, err := kms.NewKey(ctx, name+"-secrets", &kms.KeyArgs{
		Description:          pulumi.String("Pulumi secrets provider (awskms://alias/" + args.KeyAlias + ")"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Tags:                 tags,
	}, parent, keep)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-secrets", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + args.KeyAlias),
		TargetKeyId: key.KeyId,
	}, parent); err != nil {
		return nil, err
	}

	c.BucketName = bucket.Bucket
	c.KeyARN = key.Arn
	c.URL = pulumi.Sprintf("s3://%s?region=%s", bucket.Bucket, args.Env.Region)
	c.SecretsProvider = pulumi.Sprintf("awskms://alias/%s?region=%s", args.KeyAlias, args.Env.Region)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"bucketName": c.BucketName, "keyArn": c.KeyARN, "url": c.URL, "secretsProvider": c.SecretsProvider,
	}); err != nil {
		return nil, err
	}
	return c, nil
}
