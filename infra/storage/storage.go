// Package storage is the S3 bucket of the DVC remote and training
// artifacts (versioned, encrypted, public access blocked, TLS only, with a
// lifecycle) and the IRSA role a training Job uses to read and write it.
package storage

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/irsa"
	"github.com/mlopsgo/mlops/infra/internal/policy"
)

// DVCPrefix is the folder of the bucket the DVC remote uses.
const DVCPrefix = "dvc"

// TrainingRoleSuffix names the training Job's IRSA role.
const TrainingRoleSuffix = "training-job"

// Args configures the bucket and the training role.
type Args struct {
	Env                   policy.Env
	NamePrefix            string
	BucketName            string
	NoncurrentVersionDays int
	ForceDestroy          bool
	Tags                  map[string]string

	// The training Job's identity.
	OIDCProviderARN pulumi.StringInput
	OIDCIssuer      pulumi.StringInput
	Namespace       string
	ServiceAccount  string
}

// Storage is the component.
type Storage struct {
	pulumi.ResourceState

	BucketName      pulumi.StringOutput
	BucketARN       pulumi.StringOutput
	DVCRemoteURL    pulumi.StringOutput
	TrainingRoleARN pulumi.StringOutput
}

// New creates the bucket, its guards and the training role.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Storage, error) {
	s := &Storage{}
	if err := ctx.RegisterComponentResource("mlops:infra:Storage", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(args.BucketName),
		ForceDestroy: pulumi.Bool(args.ForceDestroy),
		Tags:         pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent); err != nil {
		return nil, err
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{
			&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
				ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
					SseAlgorithm: pulumi.String("AES256"),
				},
			},
		},
	}, parent); err != nil {
		return nil, err
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("expire-noncurrent-versions"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
				NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
					NoncurrentDays: pulumi.Int(args.NoncurrentVersionDays),
				},
				Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{
					ExpiredObjectDeleteMarker: pulumi.Bool(true),
				},
			},
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("abort-incomplete-uploads"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
				AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
					DaysAfterInitiation: pulumi.Int(7),
				},
			},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
		return nil, err
	}
	bucketARN := args.Env.BucketARN(args.BucketName)
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: pulumi.String(policy.TLSOnlyBucketPolicy(bucketARN).MustJSON()),
	}, parent, pulumi.DependsOn([]pulumi.Resource{pab})); err != nil {
		return nil, err
	}

	roleName := args.NamePrefix + "-" + TrainingRoleSuffix
	role, err := irsa.NewRole(ctx, roleName, irsa.Args{
		RoleName: roleName, ProviderARN: args.OIDCProviderARN, Issuer: args.OIDCIssuer,
		Namespace: args.Namespace, ServiceAccount: args.ServiceAccount, Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, roleName, &iam.RolePolicyArgs{
		Role:   role.Name,
		Name:   pulumi.String("artifact-bucket"),
		Policy: pulumi.String(policy.BucketReadWritePolicy(args.Env, args.BucketName).MustJSON()),
	}, parent); err != nil {
		return nil, err
	}

	s.BucketName = bucket.Bucket
	s.BucketARN = bucket.Arn
	s.DVCRemoteURL = pulumi.Sprintf("s3://%s/%s", bucket.Bucket, DVCPrefix)
	s.TrainingRoleARN = role.Arn
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"bucketName": s.BucketName, "dvcRemoteUrl": s.DVCRemoteURL, "trainingRoleArn": s.TrainingRoleARN,
	}); err != nil {
		return nil, err
	}
	return s, nil
}
