package policy

import "strings"

// Scope names everything one stack owns, so the CI roles' permissions can
// name ARNs (or the stack's tags) instead of "*".
type Scope struct {
	Env
	Project        string // tag value of TagProject
	Stack          string // tag value of TagStack
	NamePrefix     string // "<project>-<stack>": every role the stack creates
	ClusterName    string
	RepositoryName string // ECR
	// PromoteSourceRepository is the ECR repository (name) of the stack
	// whose images this stack's release copies in, or "".
	PromoteSourceRepository string
	BucketName              string // artifact bucket
	LogGroup                string // EKS control-plane log group
	StateBucket             string // optional: S3 backend of `pulumi login s3://...`
	KMSKeyARN               string // optional: awskms secrets provider key
	ForceDestroy            bool   // deploy may empty the bucket on destroy
	// BoundaryARN is the permissions boundary every role the deploy role
	// creates must carry (the bootstrap's).
	BoundaryARN string
	// CIRoles are the names of every CI role of the account (this stack's
	// and the other stacks'): the deploy role may change none of them.
	CIRoles []string
	// CIPolicies are the names of the CI roles' managed policies, which the
	// deploy role may not change either.
	CIPolicies []string
	// PassRoles are the roles the deploy role hands to an AWS service.
	PassRoles []PassRole
	// ManagedPolicies are the AWS managed policy ARNs the stack attaches;
	// the deploy role may attach those and no others.
	ManagedPolicies []string
}

// PassRole is a role the deploy role may pass, and the one service it may
// pass it to (iam:PassedToService).
type PassRole struct {
	Name    string
	Service string
}

// Tag keys every resource of a stack carries; EC2 and OIDC rights of the
// deploy role are scoped to resources carrying the stack's values.
const (
	TagProject = "project"
	TagStack   = "stack"
)

// stackTags is the condition block "these tag keys have this stack's
// values", for prefix aws:RequestTag or aws:ResourceTag.
func (s Scope) stackTags(prefix string) map[string]Strings {
	return map[string]Strings{
		prefix + "/" + TagProject: {s.Project},
		prefix + "/" + TagStack:   {s.Stack},
	}
}

func (s Scope) clusterARNs() []string {
	c := s.ClusterName
	return []string{
		s.ARN("eks", "cluster/"+c),
		s.ARN("eks", "nodegroup/"+c+"/*"),
		s.ARN("eks", "addon/"+c+"/*"),
		s.ARN("eks", "access-entry/"+c+"/*"),
	}
}

func (s Scope) repositoryARN() string { return s.ARN("ecr", "repository/"+s.RepositoryName) }

func (s Scope) rolesARN() string { return s.RoleARN(s.NamePrefix + "-*") }

// eksOIDCProviderARN matches the IRSA provider of any EKS cluster of the
// region: its id is unknown before the cluster exists, so the deploy
// role's rights on it are scoped by the stack's tags.
func (s Scope) eksOIDCProviderARN() string {
	return s.GlobalARN("iam", "oidc-provider/"+s.EKSOIDCHostPattern())
}

func (s Scope) logGroupARNs() []string {
	g := s.ARN("logs", "log-group:"+s.LogGroup)
	return []string{g, g + ":*"}
}

// bucketReadActions are the calls the AWS provider makes to read a bucket's
// configuration (all bucket-level: none of them reads objects).
var bucketReadActions = []string{
	"s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketPolicy", "s3:GetBucketVersioning",
	"s3:GetEncryptionConfiguration", "s3:GetBucketPublicAccessBlock", "s3:GetLifecycleConfiguration",
	"s3:GetBucketTagging", "s3:GetBucketOwnershipControls", "s3:GetBucketAcl", "s3:GetBucketCORS",
	"s3:GetBucketWebsite", "s3:GetBucketLogging", "s3:GetAccelerateConfiguration",
	"s3:GetBucketRequestPayment", "s3:GetReplicationConfiguration", "s3:GetBucketObjectLockConfiguration",
}

// readStatements let a role read (refresh, preview) everything the stack
// owns. The preview role has only these; the deploy role has them too.
func readStatements(s Scope) []Statement {
	st := []Statement{
		allow("EC2Describe", []string{"ec2:Describe*"}, "*"),
		allow("EKSRead", []string{
			"eks:DescribeCluster", "eks:ListNodegroups", "eks:DescribeNodegroup", "eks:ListAddons",
			"eks:DescribeAddon", "eks:ListAccessEntries", "eks:DescribeAccessEntry",
			"eks:ListAssociatedAccessPolicies", "eks:ListTagsForResource", "eks:DescribeUpdate", "eks:ListUpdates",
		}, s.clusterARNs()...),
		allow("EKSReadAccount", []string{"eks:DescribeAddonVersions", "eks:DescribeAddonConfiguration", "eks:ListClusters"}, "*"),
		allow("ECRRead", []string{
			"ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource",
		}, s.repositoryARN()),
		allow("IAMRoleRead", []string{
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
			"iam:ListRoleTags", "iam:ListInstanceProfilesForRole",
		}, s.rolesARN()),
		allow("IAMOIDCRead", []string{"iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviderTags"}, s.eksOIDCProviderARN()),
		allow("S3BucketRead", bucketReadActions, s.BucketARN(s.BucketName)),
		allow("LogsDescribe", []string{"logs:DescribeLogGroups"}, "*"),
		allow("LogsRead", []string{"logs:ListTagsForResource", "logs:ListTagsLogGroup"}, s.logGroupARNs()...),
	}
	return st
}

// PreviewPolicy is read-only: what `pulumi preview` on a pull request needs.
// Writes are limited to the lock files of an S3 state backend.
func PreviewPolicy(s Scope) Document {
	st := readStatements(s)
	if s.StateBucket != "" {
		b := s.BucketARN(s.StateBucket)
		st = append(st,
			allow("StateList", []string{"s3:ListBucket", "s3:GetBucketLocation"}, b),
			allow("StateRead", []string{"s3:GetObject"}, b+"/.pulumi/*"),
			allow("StateLock", []string{"s3:PutObject", "s3:DeleteObject"}, b+"/.pulumi/locks/*"),
		)
	}
	if s.KMSKeyARN != "" {
		st = append(st, allow("SecretsDecrypt", []string{"kms:Decrypt"}, s.KMSKeyARN))
	}
	return doc(st...)
}

// DeployPolicy is what `pulumi up` and `pulumi destroy` of this stack need,
// scoped to the stack's names and tags. Kubernetes access comes from an EKS
// access entry, not from IAM. It cannot escalate: every role it creates or
// changes carries the bootstrap's permissions boundary, it cannot touch the
// CI roles or the boundary, and its EC2 rights reach only resources tagged
// with this stack (statements below say how).
func DeployPolicy(s Scope) Document {
	st := readStatements(s)
	st = append(st, ec2Statements(s)...)
	st = append(st, iamStatements(s)...)
	st = append(st,
		// CreateCluster names no resource (IAM takes "*" only): the new
		// cluster must carry the stack's tags instead.
		Statement{
			Sid: "EKSCreateCluster", Effect: "Allow",
			Action: Strings{"eks:CreateCluster"}, Resource: Strings{"*"},
			Condition: Conditions{"StringEquals": s.stackTags("aws:RequestTag")},
		},
		allow("EKSManage", []string{
			"eks:DeleteCluster", "eks:UpdateClusterConfig", "eks:UpdateClusterVersion",
			"eks:TagResource", "eks:UntagResource",
			"eks:CreateNodegroup", "eks:DeleteNodegroup", "eks:UpdateNodegroupConfig", "eks:UpdateNodegroupVersion",
			"eks:CreateAddon", "eks:DeleteAddon", "eks:UpdateAddon",
			"eks:CreateAccessEntry", "eks:DeleteAccessEntry", "eks:UpdateAccessEntry",
			"eks:AssociateAccessPolicy", "eks:DisassociateAccessPolicy",
		}, s.clusterARNs()...),
		allow("ECRManage", []string{
			"ecr:CreateRepository", "ecr:DeleteRepository", "ecr:PutImageTagMutability",
			"ecr:PutImageScanningConfiguration", "ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy",
			"ecr:TagResource", "ecr:UntagResource", "ecr:ListImages", "ecr:BatchDeleteImage",
		}, s.repositoryARN()),
		allow("S3BucketManage", []string{
			"s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
			"s3:PutBucketVersioning", "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock",
			"s3:PutLifecycleConfiguration", "s3:PutBucketTagging", "s3:PutBucketOwnershipControls",
			"s3:ListBucketVersions",
		}, s.BucketARN(s.BucketName)),
		// The Secrets key: CreateKey names no resource (IAM takes "*"
		// only), so the new key must carry the stack's tags; every call on
		// a key needs them on the key. EKS's CreateCluster with envelope
		// encryption calls DescribeKey and CreateGrant as the caller.
		Statement{
			Sid: "KMSCreateKey", Effect: "Allow",
			Action: Strings{"kms:CreateKey", "kms:TagResource"}, Resource: Strings{"*"},
			Condition: Conditions{"StringEquals": s.stackTags("aws:RequestTag")},
		},
		Statement{
			Sid: "KMSOwnKey", Effect: "Allow",
			Action: Strings{
				"kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus",
				"kms:EnableKeyRotation", "kms:ListResourceTags", "kms:TagResource", "kms:UntagResource",
				"kms:ScheduleKeyDeletion", "kms:CreateGrant", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias",
			},
			Resource:  Strings{s.ARN("kms", "key/*")},
			Condition: Conditions{"StringEquals": s.stackTags("aws:ResourceTag")},
		},
		// An alias call names the alias and the key: the alias must be the
		// stack's by name, the key by its tags (above).
		allow("KMSOwnAlias", []string{"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"}, s.ARN("kms", "alias/"+s.NamePrefix+"-*")),
		allow("KMSList", []string{"kms:ListAliases"}, "*"),
		allow("LogsManage", []string{
			"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
			"logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup",
		}, s.logGroupARNs()...),
	)
	if s.ForceDestroy {
		st = append(st, allow("S3EmptyOnDestroy", []string{"s3:DeleteObject", "s3:DeleteObjectVersion"}, s.BucketARN(s.BucketName)+"/*"))
	}
	if s.StateBucket != "" {
		b := s.BucketARN(s.StateBucket)
		st = append(st,
			allow("StateList", []string{"s3:ListBucket", "s3:GetBucketLocation"}, b),
			allow("StateWrite", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, b+"/.pulumi/*"),
		)
	}
	if s.KMSKeyARN != "" {
		st = append(st, allow("SecretsCrypt", []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"}, s.KMSKeyARN))
	}
	return doc(st...)
}

// ReleasePolicy pushes images to this stack's ECR repository and nowhere
// else, and describes this stack's cluster (for a kubeconfig).
// GetAuthorizationToken has no resource-level permissions.
func ReleasePolicy(s Scope) Document {
	st := []Statement{
		allow("ECRLogin", []string{"ecr:GetAuthorizationToken"}, "*"),
		allow("ECRPush", []string{
			"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
			"ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
			"ecr:DescribeImages", "ecr:ListImages",
			// release.yml waits for the scan on push and prints its findings.
			"ecr:DescribeImageScanFindings",
		}, s.repositoryARN()),
		// verify-dev: aws eks update-kubeconfig, then kubectl as the access
		// entry's Application-viewer group (Kubernetes RBAC, not IAM).
		allow("EKSDescribe", []string{"eks:DescribeCluster"}, s.clusterARNs()[0]),
	}
	// The promotion copies the source stack's image by digest (docker
	// buildx imagetools create): it reads that repository, never writes.
	if s.PromoteSourceRepository != "" {
		st = append(st, allow("ECRPullPromoted", []string{
			"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages",
		}, s.ARN("ecr", "repository/"+s.PromoteSourceRepository)))
	}
	return doc(st...)
}

// BucketReadWritePolicy reads and writes objects of one bucket (the DVC
// remote and training artifacts); it cannot change the bucket or delete
// objects.
func BucketReadWritePolicy(e Env, bucket string) Document {
	b := e.BucketARN(bucket)
	return doc(
		allow("BucketList", []string{"s3:ListBucket", "s3:GetBucketLocation"}, b),
		allow("ObjectReadWrite", []string{"s3:GetObject", "s3:PutObject"}, b+"/*"),
	)
}

// TLSOnlyBucketPolicy denies every request to the bucket that does not use
// TLS. It is a Deny, so its wildcards widen nothing.
func TLSOnlyBucketPolicy(bucketARN string) Document {
	return doc(Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: &Principal{Any: true},
		Action:    Strings{"s3:*"},
		Resource:  Strings{bucketARN, bucketARN + "/*"},
		Condition: Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
	})
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// IsTLSOnly reports whether a bucket policy denies non-TLS requests for the
// bucket and its objects.
func IsTLSOnly(d Document, bucketARN string) bool {
	for _, st := range d.Statement {
		if st.Effect != "Deny" || st.Principal == nil || !st.Principal.Any {
			continue
		}
		if !contains(st.Action, "s3:*") || !contains(st.Resource, bucketARN) || !contains(st.Resource, bucketARN+"/*") {
			continue
		}
		if v := st.Condition["Bool"]["aws:SecureTransport"]; len(v) == 1 && strings.EqualFold(v[0], "false") {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
