// Package privatebucket creates an S3 bucket with the guards every bucket of
// the project carries: owner-enforced objects, public access blocked,
// SSE-S3 encryption, versioning and a TLS-only bucket policy. The artifact
// bucket (storage) and the Pulumi state bucket (statebackend) are both one.
package privatebucket

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/policy"
)

// Args configures the bucket.
type Args struct {
	Env          policy.Env
	BucketName   string
	ForceDestroy bool
	// Protect keeps `pulumi destroy` from deleting the bucket.
	Protect bool
	Tags    map[string]string
}

// Bucket is the bucket and its versioning, which a lifecycle configuration
// must wait for.
type Bucket struct {
	Bucket     *s3.BucketV2
	Versioning *s3.BucketVersioningV2
}

// New creates the bucket and its guards, each named name, with opts (the
// parent component).
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Bucket, error) {
	bucketOpts := opts
	if args.Protect {
		bucketOpts = append(append([]pulumi.ResourceOption{}, opts...), pulumi.Protect(true))
	}
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(args.BucketName),
		ForceDestroy: pulumi.Bool(args.ForceDestroy),
		Tags:         pulumi.ToStringMap(args.Tags),
	}, bucketOpts...)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, opts...); err != nil {
		return nil, err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, err
	}
	// SSE-S3: no KMS right is then needed to read or write an object (the
	// state's secrets are encrypted by the secrets provider already).
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{
			&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
				ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
					SseAlgorithm: pulumi.String("AES256"),
				},
			},
		},
	}, opts...); err != nil {
		return nil, err
	}
	// Versions are the undo of an overwrite or a bad `pulumi state` edit.
	versioning, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, opts...)
	if err != nil {
		return nil, err
	}
	policyOpts := append(append([]pulumi.ResourceOption{}, opts...), pulumi.DependsOn([]pulumi.Resource{pab}))
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: pulumi.String(policy.TLSOnlyBucketPolicy(args.Env.BucketARN(args.BucketName)).MustJSON()),
	}, policyOpts...); err != nil {
		return nil, err
	}
	return &Bucket{Bucket: bucket, Versioning: versioning}, nil
}
