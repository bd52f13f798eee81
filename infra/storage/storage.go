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
	"github.com/mlopsgo/mlops/infra/internal/privatebucket"
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
	b, err := privatebucket.New(ctx, name, privatebucket.Args{
		Env: args.Env, BucketName: args.BucketName, ForceDestroy: args.ForceDestroy, Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	bucket := b.Bucket
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
	}, parent, pulumi.DependsOn([]pulumi.Resource{b.Versioning})); err != nil {
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
