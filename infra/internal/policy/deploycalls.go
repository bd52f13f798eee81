package policy

// Call is one AWS API request the deploy role makes, as an IAM evaluator
// sees it: the action, one resource ARN it names (ids are examples) and the
// request's condition keys. A request that names several resources is one
// Call per resource: IAM must allow each.
type Call struct {
	Action   string            `json:"action"`
	Resource string            `json:"resource"`
	Context  map[string]string `json:"context,omitempty"`
}

// TypeCalls is one row of the deploy role's table: a resource type (or
// invoke token) the program registers, and the calls `pulumi up`, `refresh`
// and `destroy` make for it. NoAWS, when set, says why the type makes no
// AWS call of its own.
type TypeCalls struct {
	Type  string
	Calls []Call
	NoAWS string
}

// PulumiEKSChildren are the resource types pulumi-eks v2 registers under its
// components with the arguments the cluster package passes (a service role
// and instance roles given, no default node group, access-entry
// authentication, EKS's own VPC CNI, no launch template): Pulumi's mocks do
// not run a remote component, so these are read from its source
// (nodejs/eks/cluster.ts, securitygroup.ts, nodegroup.ts at v2.8.1).
var PulumiEKSChildren = map[string][]string{
	"eks:index:Cluster": {
		"aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule",
		"aws:eks/cluster:Cluster", "aws:eks/accessEntry:AccessEntry", "pulumi:providers:kubernetes",
	},
	"eks:index:ManagedNodeGroup": {"aws:eks/nodeGroup:NodeGroup"},
}

// DeployCalls is the table of every resource type and invoke of the main
// program with the calls the deploy role makes for it. The program's mock
// test fails on a registered type without a row; the IAM simulation
// (make e2e-iam) checks the deploy role is allowed each call.
func DeployCalls(s Scope) []TypeCalls {
	ec2 := func(r string) string { return s.ARN("ec2", r) }
	req := map[string]string{"aws:RequestTag/" + TagProject: s.Project, "aws:RequestTag/" + TagStack: s.Stack}
	own := map[string]string{"aws:ResourceTag/" + TagProject: s.Project, "aws:ResourceTag/" + TagStack: s.Stack}
	create := func(action, resource string) []Call {
		tag := map[string]string{"ec2:CreateAction": action[len("ec2:"):]}
		for k, v := range req {
			tag[k] = v
		}
		return []Call{{action, ec2(resource), req}, {"ec2:CreateTags", ec2(resource), tag}}
	}
	on := func(resource string, actions ...string) []Call {
		var out []Call
		for _, a := range actions {
			out = append(out, Call{a, ec2(resource), own})
		}
		return out
	}
	join := func(parts ...[]Call) []Call {
		var out []Call
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	describe := func(actions ...string) []Call {
		var out []Call
		for _, a := range actions {
			out = append(out, Call{Action: a, Resource: "*"})
		}
		return out
	}
	vpc, subnet, rt, igw := "vpc/vpc-0example", "subnet/subnet-0example", "route-table/rtb-0example", "internet-gateway/igw-0example"
	eip, nat, sg := "elastic-ip/eipalloc-0example", "natgateway/nat-0example", "security-group/sg-0example"
	lt := "launch-template/lt-0example"
	role := func(suffix string) string { return s.RoleARN(s.NamePrefix + "-" + suffix) }
	bounded := map[string]string{"iam:PermissionsBoundary": s.BoundaryARN}
	iamCalls := func(resource string, ctx map[string]string, actions ...string) []Call {
		var out []Call
		for _, a := range actions {
			out = append(out, Call{a, resource, ctx})
		}
		return out
	}
	pass := func(roleName, service string) Call {
		return Call{"iam:PassRole", s.RoleARN(roleName), map[string]string{"iam:PassedToService": service}}
	}
	cluster := s.clusterARNs()
	// Example ARNs of one node group, add-on and access entry of the cluster.
	nodegroup := s.ARN("eks", "nodegroup/"+s.ClusterName+"/nodes/0example")
	addon := s.ARN("eks", "addon/"+s.ClusterName+"/vpc-cni/0example")
	accessEntry := s.ARN("eks", "access-entry/"+s.ClusterName+"/role/"+s.Account+"/example/0example")
	bucket := s.BucketARN(s.BucketName)
	logGroup := s.logGroupARNs()[0]
	oidc := s.GlobalARN("iam", "oidc-provider/oidc.eks."+s.Region+".amazonaws.com/id/EXAMPLE")
	key := s.ARN("kms", "key/0example-key")
	alias := s.ARN("kms", "alias/"+s.NamePrefix+"-eks-secrets")
	noAWS := func(t, why string) TypeCalls { return TypeCalls{Type: t, NoAWS: why} }
	kubernetes := "Kubernetes API, authorized by the deploy role's EKS access entry, not IAM"

	rows := []TypeCalls{
		{Type: "aws:ec2/vpc:Vpc", Calls: join(create("ec2:CreateVpc", "vpc/vpc-0new"),
			on(vpc, "ec2:ModifyVpcAttribute", "ec2:DeleteVpc", "ec2:CreateTags", "ec2:DeleteTags"),
			describe("ec2:DescribeVpcs", "ec2:DescribeVpcAttribute"))},
		{Type: "aws:ec2/internetGateway:InternetGateway", Calls: join(create("ec2:CreateInternetGateway", "internet-gateway/igw-0new"),
			on(igw, "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway"),
			on(vpc, "ec2:AttachInternetGateway", "ec2:DetachInternetGateway"), describe("ec2:DescribeInternetGateways"))},
		{Type: "aws:ec2/routeTable:RouteTable", Calls: join(create("ec2:CreateRouteTable", "route-table/rtb-0new"),
			on(vpc, "ec2:CreateRouteTable"), on(rt, "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute", "ec2:DeleteRouteTable"),
			describe("ec2:DescribeRouteTables"))},
		{Type: "aws:ec2/subnet:Subnet", Calls: join(create("ec2:CreateSubnet", "subnet/subnet-0new"),
			on(vpc, "ec2:CreateSubnet"), on(subnet, "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet"), describe("ec2:DescribeSubnets"))},
		{Type: "aws:ec2/routeTableAssociation:RouteTableAssociation", Calls: join(
			on(rt, "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"),
			on(subnet, "ec2:AssociateRouteTable"))},
		{Type: "aws:ec2/eip:Eip", Calls: join(create("ec2:AllocateAddress", "elastic-ip/eipalloc-0new"),
			on(eip, "ec2:ReleaseAddress", "ec2:DisassociateAddress"), describe("ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"))},
		{Type: "aws:ec2/natGateway:NatGateway", Calls: join(create("ec2:CreateNatGateway", "natgateway/nat-0new"),
			on(subnet, "ec2:CreateNatGateway"), on(eip, "ec2:CreateNatGateway"), on(nat, "ec2:DeleteNatGateway"),
			describe("ec2:DescribeNatGateways"))},
		{Type: "aws:ec2/securityGroup:SecurityGroup", Calls: join(create("ec2:CreateSecurityGroup", "security-group/sg-0new"),
			on(vpc, "ec2:CreateSecurityGroup"),
			on(sg, "ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupEgress"),
			describe("ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"))},
		{Type: "aws:ec2/securityGroupRule:SecurityGroupRule", Calls: join(
			on(sg, "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"),
			// Authorize names the new rule too; Revoke names the group only.
			[]Call{{Action: "ec2:AuthorizeSecurityGroupIngress", Resource: ec2("security-group-rule/sgr-0example")}})},
		{Type: "aws:ec2/launchTemplate:LaunchTemplate", Calls: join(create("ec2:CreateLaunchTemplate", "launch-template/lt-0new"),
			on(lt, "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate", "ec2:CreateTags"),
			describe("ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"))},
		{Type: "aws:kms/key:Key", Calls: join(iamCalls("*", req, "kms:CreateKey", "kms:TagResource"),
			iamCalls(key, own, "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:EnableKeyRotation",
				"kms:ListResourceTags", "kms:ScheduleKeyDeletion"))},
		{Type: "aws:kms/alias:Alias", Calls: join(iamCalls(alias, nil, "kms:CreateAlias", "kms:DeleteAlias"),
			iamCalls(key, own, "kms:CreateAlias", "kms:DeleteAlias"), describe("kms:ListAliases"))},
		{Type: "aws:ecr/repository:Repository", Calls: iamCalls(s.repositoryARN(), nil,
			"ecr:CreateRepository", "ecr:DescribeRepositories", "ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration",
			"ecr:TagResource", "ecr:ListTagsForResource", "ecr:ListImages", "ecr:BatchDeleteImage", "ecr:DeleteRepository")},
		{Type: "aws:ecr/lifecyclePolicy:LifecyclePolicy", Calls: iamCalls(s.repositoryARN(), nil,
			"ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy")},
		{Type: "aws:cloudwatch/logGroup:LogGroup", Calls: append(iamCalls(logGroup, nil,
			"logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource", "logs:ListTagsForResource", "logs:DeleteLogGroup"),
			Call{Action: "logs:DescribeLogGroups", Resource: "*"})},
		{Type: "aws:iam/role:Role", Calls: append(iamCalls(role("eks-cluster"), bounded, "iam:CreateRole"),
			iamCalls(role("eks-cluster"), nil, "iam:GetRole", "iam:TagRole", "iam:UpdateAssumeRolePolicy",
				"iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:DeleteRole")...)},
		{Type: "aws:iam/rolePolicy:RolePolicy", Calls: append(iamCalls(role("lb-controller"), bounded, "iam:PutRolePolicy", "iam:DeleteRolePolicy"),
			iamCalls(role("lb-controller"), nil, "iam:GetRolePolicy")...)},
		{Type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", Calls: []Call{
			{"iam:AttachRolePolicy", role("eks-node"), map[string]string{"iam:PolicyARN": s.ManagedPolicies[0], "iam:PermissionsBoundary": s.BoundaryARN}},
			{"iam:DetachRolePolicy", role("eks-node"), map[string]string{"iam:PolicyARN": s.ManagedPolicies[0], "iam:PermissionsBoundary": s.BoundaryARN}},
			{Action: "iam:ListAttachedRolePolicies", Resource: role("eks-node")},
		}},
		{Type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider", Calls: []Call{
			{"iam:CreateOpenIDConnectProvider", oidc, req}, {"iam:TagOpenIDConnectProvider", oidc, req},
			{Action: "iam:GetOpenIDConnectProvider", Resource: oidc},
			{"iam:DeleteOpenIDConnectProvider", oidc, own},
		}},
		{Type: "aws:eks/cluster:Cluster", Calls: join(iamCalls("*", req, "eks:CreateCluster"),
			iamCalls(cluster[0], nil, "eks:DescribeCluster", "eks:TagResource", "eks:UpdateClusterConfig", "eks:DeleteCluster"),
			// Envelope encryption: EKS checks the key and takes a grant on
			// it as the caller.
			iamCalls(key, own, "kms:DescribeKey", "kms:CreateGrant"),
			[]Call{pass(s.NamePrefix+"-eks-cluster", "eks.amazonaws.com")})},
		{Type: "eks:index:Cluster", Calls: []Call{{Action: "eks:DescribeCluster", Resource: cluster[0]}}},
		{Type: "aws:eks/nodeGroup:NodeGroup", Calls: join(iamCalls(cluster[0], nil, "eks:CreateNodegroup"),
			iamCalls(nodegroup, nil, "eks:DescribeNodegroup", "eks:UpdateNodegroupConfig", "eks:DeleteNodegroup"),
			[]Call{pass(s.NamePrefix+"-eks-node", "eks.amazonaws.com")})},
		noAWS("eks:index:ManagedNodeGroup", "component: its aws:eks/nodeGroup:NodeGroup child makes the calls"),
		{Type: "aws:eks/addon:Addon", Calls: join(iamCalls(cluster[0], nil, "eks:CreateAddon"),
			iamCalls(addon, nil, "eks:DescribeAddon", "eks:UpdateAddon", "eks:DeleteAddon"),
			[]Call{{Action: "eks:DescribeAddonVersions", Resource: "*"}, pass(s.NamePrefix+"-ebs-csi", "eks.amazonaws.com"),
				pass(s.NamePrefix+"-vpc-cni", "eks.amazonaws.com")})},
		{Type: "aws:eks/accessEntry:AccessEntry", Calls: join(iamCalls(cluster[0], nil, "eks:CreateAccessEntry"),
			iamCalls(accessEntry, nil, "eks:DescribeAccessEntry", "eks:DeleteAccessEntry"))},
		{Type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", Calls: iamCalls(accessEntry, nil,
			"eks:AssociateAccessPolicy", "eks:ListAssociatedAccessPolicies", "eks:DisassociateAccessPolicy")},
		{Type: "aws:s3/bucketV2:BucketV2", Calls: iamCalls(bucket, nil,
			"s3:CreateBucket", "s3:ListBucket", "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:GetBucketAcl", "s3:DeleteBucket")},
		{Type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", Calls: iamCalls(bucket, nil, "s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls")},
		{Type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Calls: iamCalls(bucket, nil, "s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock")},
		{Type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", Calls: iamCalls(bucket, nil, "s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration")},
		{Type: "aws:s3/bucketVersioningV2:BucketVersioningV2", Calls: iamCalls(bucket, nil, "s3:PutBucketVersioning", "s3:GetBucketVersioning")},
		{Type: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", Calls: iamCalls(bucket, nil, "s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration")},
		{Type: "aws:s3/bucketPolicy:BucketPolicy", Calls: iamCalls(bucket, nil, "s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy")},
		// Invokes.
		{Type: "aws:index/getCallerIdentity:getCallerIdentity", NoAWS: "sts:GetCallerIdentity needs no permission"},
		{Type: "aws:index/getPartition:getPartition", NoAWS: "answered by the provider without a call"},
		{Type: "aws:index/getAvailabilityZones:getAvailabilityZones", Calls: describe("ec2:DescribeAvailabilityZones")},
		{Type: "aws:eks/getCluster:getCluster", Calls: []Call{{Action: "eks:DescribeCluster", Resource: cluster[0]}}},
		noAWS("pulumi:pulumi:StackReference", "reads the bootstrap stack's outputs from the Pulumi backend"),
		noAWS("pulumi:providers:kubernetes", kubernetes),
	}
	return rows
}

// NoAWSPrefixes are type prefixes that make no AWS call of the deploy role:
// the program's own components and Kubernetes resources (the Kubernetes API,
// authorized by the deploy role's EKS access entry).
var NoAWSPrefixes = []string{"mlops:infra:", "kubernetes:"}
