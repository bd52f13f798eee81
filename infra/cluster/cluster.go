// Package cluster is the EKS cluster (pulumi-eks v2) with one managed node
// group, control-plane logging, access-entry authentication, Secrets
// envelope-encrypted with a customer-managed KMS key and the IAM OIDC
// provider for IRSA; its add-ons (VPC CNI with network policies and its own
// IRSA role, the EBS CSI driver, metrics-server, the AWS Load Balancer
// Controller); and the Kubernetes provider built from its kubeconfig, which
// every Kubernetes resource of the program uses. Nodes require IMDSv2 with
// a hop limit of 1, so pods cannot use the node role's credentials.
package cluster

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/helm"
	"github.com/mlopsgo/mlops/infra/internal/helmvalues"
	"github.com/mlopsgo/mlops/infra/internal/irsa"
	"github.com/mlopsgo/mlops/infra/internal/policy"
	"github.com/mlopsgo/mlops/infra/internal/principal"
)

// Role names (suffixes of the stack prefix) the cluster creates.
const (
	ClusterRoleSuffix = "eks-cluster"
	NodeRoleSuffix    = "eks-node"
	EBSCSIRoleSuffix  = "ebs-csi"
	VPCCNIRoleSuffix  = "vpc-cni"
	LBCRoleSuffix     = "lb-controller"
)

// PassedRoleSuffixes are the roles the deploy role hands to EKS: the
// cluster's and the nodes' roles, and the IRSA roles of the add-ons
// (CreateAddon with a service account role needs iam:PassRole on it).
var PassedRoleSuffixes = []string{ClusterRoleSuffix, NodeRoleSuffix, EBSCSIRoleSuffix, VPCCNIRoleSuffix}

// vpcCNIServiceAccount is the VPC CNI's service account (the aws-node
// DaemonSet in kube-system), which its IRSA role trusts.
const vpcCNIServiceAccount = "aws-node"

// Args configures the cluster.
type Args struct {
	Env        policy.Env
	NamePrefix string
	Name       string // EKS cluster name
	LogGroup   string
	Tags       map[string]string
	// CreatorARN is the principal that created (or, on the first run,
	// creates) the cluster (Creator): EKS makes it cluster admin on
	// creation, so an AdminPrincipalARNs entry naming it gets no second
	// access entry, and the cluster carries it as its CreatorTag.
	CreatorARN string

	VpcID            pulumi.StringInput
	PublicSubnetIDs  pulumi.StringArrayInput
	PrivateSubnetIDs pulumi.StringArrayInput
	NodeSubnetIDs    pulumi.StringArrayInput

	Cluster config.Cluster
	Nodes   config.Nodes
	Addons  config.Addons
	// Edge holds the certificate every HTTPS listener of the load balancer
	// controller's IngressClass serves.
	Edge config.Edge
	// MetricsServer and LoadBalancerController are the two charts the
	// cluster installs itself.
	MetricsServer, LoadBalancerController helmvalues.Chart
}

// Cluster is the component.
type Cluster struct {
	pulumi.ResourceState

	// Name resolves once the cluster exists, so resources that take it
	// wait for the cluster.
	Name pulumi.StringOutput
	// Kubeconfig authenticates with `aws eks get-token` (no credentials in
	// it); it is a secret output all the same.
	Kubeconfig pulumi.StringOutput
	Provider   *kubernetes.Provider
	// OIDCProviderARN and OIDCIssuer serve the IRSA roles.
	OIDCProviderARN pulumi.StringOutput
	OIDCIssuer      pulumi.StringOutput
	// Ready is what workloads wait for: add-ons, storage class, controllers.
	Ready []pulumi.Resource
}

// New creates the cluster and its add-ons.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Cluster, error) {
	c := &Cluster{}
	if err := ctx.RegisterComponentResource("mlops:infra:Cluster", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	e := args.Env
	tags := pulumi.ToStringMap(args.Tags)
	roleName := func(suffix string) string { return args.NamePrefix + "-" + suffix }

	// EKS writes control-plane logs here; creating it first gives it a
	// retention instead of "never expire".
	logGroup, err := cloudwatch.NewLogGroup(ctx, name+"-control-plane", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(args.LogGroup),
		RetentionInDays: pulumi.Int(args.Cluster.LogRetentionDays),
		Tags:            tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	clusterRole, clusterAttach, err := serviceRole(ctx, roleName(ClusterRoleSuffix), "eks.amazonaws.com",
		[]string{"AmazonEKSClusterPolicy"}, e, args.Tags, parent)
	if err != nil {
		return nil, err
	}
	// No AmazonEKS_CNI_Policy here: the VPC CNI has its own IRSA role
	// below, so nothing on a node holds rights over the VPC's network
	// interfaces.
	nodeRole, nodeAttach, err := serviceRole(ctx, roleName(NodeRoleSuffix), "ec2.amazonaws.com",
		[]string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"}, e, args.Tags, parent)
	if err != nil {
		return nil, err
	}

	// Kubernetes Secrets are envelope-encrypted with this key (EKS wraps
	// each data key with it). Its default key policy leaves access to the
	// account's IAM policies.
	secretsKey, err := kms.NewKey(ctx, name+"-secrets", &kms.KeyArgs{
		Description:       pulumi.String("EKS Secrets envelope encryption of cluster " + args.Name),
		EnableKeyRotation: pulumi.Bool(true),
		Tags:              tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-secrets", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + args.Name + "-eks-secrets"),
		TargetKeyId: secretsKey.KeyId,
	}, parent); err != nil {
		return nil, err
	}

	authMode := eks.AuthenticationModeApi
	cluster, err := eks.NewCluster(ctx, args.Name, &eks.ClusterArgs{
		Name:                   pulumi.StringPtr(args.Name),
		Version:                pulumi.StringPtr(args.Cluster.Version),
		VpcId:                  args.VpcID,
		PublicSubnetIds:        args.PublicSubnetIDs,
		PrivateSubnetIds:       args.PrivateSubnetIDs,
		EndpointPublicAccess:   pulumi.BoolPtr(true),
		EndpointPrivateAccess:  pulumi.BoolPtr(true),
		PublicAccessCidrs:      pulumi.ToStringArray(args.Cluster.PublicAccessCIDRs),
		EncryptionConfigKeyArn: secretsKey.Arn,
		AuthenticationMode:     &authMode,
		EnabledClusterLogTypes: pulumi.ToStringArray(args.Cluster.LogTypes),
		ServiceRole:            clusterRole,
		InstanceRoles:          iam.RoleArray{nodeRole},
		// pulumi-eks v2's default node group uses launch configurations,
		// which new accounts cannot create: a managed node group instead.
		SkipDefaultNodeGroup: pulumi.BoolRef(true),
		// Keep EKS's own VPC CNI (no kubectl step); the vpc-cni add-on
		// below takes it over and turns network policies on.
		UseDefaultVpcCni: pulumi.BoolRef(true),
		Tags:             withCreator(args.Tags, args.CreatorARN),
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{logGroup}, clusterAttach...)))
	if err != nil {
		return nil, err
	}
	clusterName := cluster.KubeconfigJson.ApplyT(func(string) string { return args.Name }).(pulumi.StringOutput)

	// The IAM OIDC provider for IRSA, from the cluster's issuer.
	issuer := awseks.LookupClusterOutput(ctx, awseks.LookupClusterOutputArgs{Name: clusterName}).
		Identities().Index(pulumi.Int(0)).Oidcs().Index(pulumi.Int(0)).Issuer()
	oidc, err := iam.NewOpenIdConnectProvider(ctx, name+"-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           issuer,
		ClientIdLists: pulumi.ToStringArray([]string{policy.STSAudience}),
		Tags:          tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	// The VPC CNI add-on with its own IRSA role, before any node exists:
	// the node role no longer carries the CNI policy, so nodes only become
	// Ready once aws-node runs with this role. (The add-on takes over EKS's
	// default aws-node DaemonSet, which has no pods yet.)
	cniRole, err := irsa.NewRole(ctx, roleName(VPCCNIRoleSuffix), irsa.Args{
		RoleName: roleName(VPCCNIRoleSuffix), ProviderARN: oidc.Arn, Issuer: issuer,
		Namespace: helmvalues.SystemNamespace, ServiceAccount: vpcCNIServiceAccount, Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	cniAttach, err := iam.NewRolePolicyAttachment(ctx, roleName(VPCCNIRoleSuffix), &iam.RolePolicyAttachmentArgs{
		Role: cniRole.Name, PolicyArn: pulumi.String(e.ManagedPolicyARN("AmazonEKS_CNI_Policy")),
	}, parent)
	if err != nil {
		return nil, err
	}
	vpcCNI, err := awseks.NewAddon(ctx, name+"-vpc-cni", &awseks.AddonArgs{
		ClusterName:              clusterName,
		AddonName:                pulumi.String("vpc-cni"),
		AddonVersion:             optional(args.Addons.VPCCNI),
		ServiceAccountRoleArn:    cniRole.Arn,
		ConfigurationValues:      pulumi.String(`{"enableNetworkPolicy":"true"}`),
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
		Tags:                     tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{cniAttach}))
	if err != nil {
		return nil, err
	}

	// Nodes answer instance metadata only to IMDSv2 requests from the host
	// itself (hop limit 1): a pod's request crosses one more hop and gets
	// nothing, so pods cannot take the node role's credentials. Everything
	// that needs AWS runs with IRSA; the load balancer controller gets its
	// region and VPC from its values instead of the metadata service.
	lt, err := ec2.NewLaunchTemplate(ctx, args.Name+"-nodes", &ec2.LaunchTemplateArgs{
		Name:        pulumi.String(args.Name + "-nodes"),
		Description: pulumi.String("EKS managed nodes of " + args.Name + ": IMDSv2 only, hop limit 1, encrypted gp3 root volume"),
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String(dataDevice(args.Nodes.AMIType)),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(args.Nodes.DiskSizeGiB),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: tags},
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: tags},
		},
		UpdateDefaultVersion: pulumi.Bool(true),
		Tags:                 tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	nodeGroup, err := eks.NewManagedNodeGroup(ctx, args.Name+"-nodes", &eks.ManagedNodeGroupArgs{
		Cluster:       cluster,
		NodeRole:      nodeRole,
		AmiType:       pulumi.StringPtr(args.Nodes.AMIType),
		InstanceTypes: pulumi.ToStringArray([]string{args.Nodes.InstanceType}),
		CapacityType:  pulumi.StringPtr(args.Nodes.CapacityType),
		SubnetIds:     args.NodeSubnetIDs,
		// The disk size is the launch template's (EKS refuses both).
		LaunchTemplate: &awseks.NodeGroupLaunchTemplateArgs{
			Id:      lt.ID(),
			Version: lt.LatestVersion.ApplyT(func(v int) string { return fmt.Sprint(v) }).(pulumi.StringOutput),
		},
		ScalingConfig: &awseks.NodeGroupScalingConfigArgs{
			MinSize:     pulumi.Int(args.Nodes.MinSize),
			DesiredSize: pulumi.Int(args.Nodes.DesiredSize),
			MaxSize:     pulumi.Int(args.Nodes.MaxSize),
		},
		Tags: tags,
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{vpcCNI}, nodeAttach...)))
	if err != nil {
		return nil, err
	}

	// EBS CSI driver (IRSA).
	ebsRole, err := irsa.NewRole(ctx, roleName(EBSCSIRoleSuffix), irsa.Args{
		RoleName: roleName(EBSCSIRoleSuffix), ProviderARN: oidc.Arn, Issuer: issuer,
		Namespace: helmvalues.SystemNamespace, ServiceAccount: "ebs-csi-controller-sa", Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	ebsAttach, err := iam.NewRolePolicyAttachment(ctx, roleName(EBSCSIRoleSuffix), &iam.RolePolicyAttachmentArgs{
		Role: ebsRole.Name, PolicyArn: pulumi.String(e.ManagedPolicyARN("service-role/AmazonEBSCSIDriverPolicy")),
	}, parent)
	if err != nil {
		return nil, err
	}

	afterNodes := pulumi.DependsOn([]pulumi.Resource{nodeGroup})
	ebsCSI, err := awseks.NewAddon(ctx, name+"-ebs-csi", &awseks.AddonArgs{
		ClusterName:              clusterName,
		AddonName:                pulumi.String("aws-ebs-csi-driver"),
		AddonVersion:             optional(args.Addons.EBSCSI),
		ServiceAccountRoleArn:    ebsRole.Arn,
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
		Tags:                     tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{nodeGroup, ebsAttach}))
	if err != nil {
		return nil, err
	}

	// Every Kubernetes resource goes through this provider.
	k8s, err := kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig:            cluster.KubeconfigJson,
		EnableServerSideApply: pulumi.BoolPtr(true),
	}, parent, afterNodes)
	if err != nil {
		return nil, err
	}
	onK8s := []pulumi.ResourceOption{parent, pulumi.Provider(k8s)}

	gp3, err := storagev1.NewStorageClass(ctx, name+"-gp3", &storagev1.StorageClassArgs{
		Metadata:             &metav1.ObjectMetaArgs{Name: pulumi.String(helmvalues.StorageClass)},
		Provisioner:          pulumi.String("ebs.csi.aws.com"),
		Parameters:           pulumi.StringMap{"type": pulumi.String("gp3"), "encrypted": pulumi.String("true")},
		VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
		ReclaimPolicy:        pulumi.String("Delete"),
		AllowVolumeExpansion: pulumi.Bool(true),
	}, append(onK8s, pulumi.DependsOn([]pulumi.Resource{ebsCSI}))...)
	if err != nil {
		return nil, err
	}

	metrics, err := helm.New(ctx, helm.Release{
		Name: helmvalues.MetricsServerRelease, Chart: args.MetricsServer,
		Namespace: helmvalues.SystemNamespace, Values: helmvalues.MetricsServer{},
	}, onK8s...)
	if err != nil {
		return nil, err
	}

	// AWS Load Balancer Controller (IRSA), so the chart's Ingress gets an ALB.
	lbcRole, err := irsa.NewRole(ctx, roleName(LBCRoleSuffix), irsa.Args{
		RoleName: roleName(LBCRoleSuffix), ProviderARN: oidc.Arn, Issuer: issuer,
		Namespace: helmvalues.SystemNamespace, ServiceAccount: helmvalues.LoadBalancerControllerServiceAccount, Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	lbcPolicy, err := iam.NewRolePolicy(ctx, roleName(LBCRoleSuffix), &iam.RolePolicyArgs{
		Role:   lbcRole.Name,
		Name:   pulumi.String("aws-load-balancer-controller"),
		Policy: pulumi.String(policy.LoadBalancerControllerPolicy(e).MustJSON()),
	}, parent)
	if err != nil {
		return nil, err
	}
	lbc, err := helm.New(ctx, helm.Release{
		Name: helmvalues.LoadBalancerControllerRelease, Chart: args.LoadBalancerController,
		Namespace: helmvalues.SystemNamespace,
		Values:    helmvalues.LoadBalancerControllerValues(args.Name, e.Region, args.Edge.CertificateARN),
		Sets: []helm.Set{
			{Path: helmvalues.LoadBalancerControllerRoleARNPath, Value: lbcRole.Arn},
			{Path: helmvalues.LoadBalancerControllerVPCPath, Value: args.VpcID},
		},
	}, append(onK8s, pulumi.DependsOn([]pulumi.Resource{lbcPolicy, vpcCNI}))...)
	if err != nil {
		return nil, err
	}

	// People (and roles) other than the creator who administer the cluster.
	// The creator has an access entry from EKS already (pulumi-eks creates
	// the cluster with bootstrapClusterCreatorAdminPermissions): a second
	// one for the same principal fails with ResourceInUseException. The
	// creator is the one the cluster's tag records, not this run's caller,
	// so a later run by someone else skips the same principal.
	for i, arn := range args.Cluster.AdminPrincipalARNs {
		if principal.Same(arn, args.CreatorARN) {
			continue
		}
		if err := AccessEntry(ctx, fmt.Sprintf("%s-admin-%d", name, i), clusterName, pulumi.String(arn),
			e.AccessPolicyARN("AmazonEKSClusterAdminPolicy"), args.Tags, parent); err != nil {
			return nil, err
		}
	}

	c.Name = clusterName
	c.Kubeconfig = pulumi.ToSecret(cluster.KubeconfigJson).(pulumi.StringOutput)
	c.Provider = k8s
	c.OIDCProviderARN = oidc.Arn
	c.OIDCIssuer = issuer
	c.Ready = []pulumi.Resource{vpcCNI, ebsCSI, gp3, metrics, lbc}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"name": c.Name, "oidcProviderArn": c.OIDCProviderARN, "kubeconfig": c.Kubeconfig,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// AccessEntry gives principal an EKS access entry with one access policy on
// the whole cluster. ciaccess uses it too.
func AccessEntry(ctx *pulumi.Context, name string, clusterName, principal pulumi.StringInput, accessPolicyARN string,
	tags map[string]string, opts ...pulumi.ResourceOption,
) error {
	entry, err := awseks.NewAccessEntry(ctx, name, &awseks.AccessEntryArgs{
		ClusterName:  clusterName,
		PrincipalArn: principal,
		Type:         pulumi.String("STANDARD"),
		Tags:         pulumi.ToStringMap(tags),
	}, opts...)
	if err != nil {
		return err
	}
	_, err = awseks.NewAccessPolicyAssociation(ctx, name, &awseks.AccessPolicyAssociationArgs{
		ClusterName:  clusterName,
		PrincipalArn: entry.PrincipalArn,
		PolicyArn:    pulumi.String(accessPolicyARN),
		AccessScope:  &awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{entry}))...)
	return err
}

// GroupAccessEntry gives principal access to the cluster as the members of
// the Kubernetes groups (bound by RBAC objects elsewhere), with no EKS
// access policy.
func GroupAccessEntry(ctx *pulumi.Context, name string, clusterName, principal pulumi.StringInput, groups []string,
	tags map[string]string, opts ...pulumi.ResourceOption,
) error {
	_, err := awseks.NewAccessEntry(ctx, name, &awseks.AccessEntryArgs{
		ClusterName:      clusterName,
		PrincipalArn:     principal,
		Type:             pulumi.String("STANDARD"),
		KubernetesGroups: pulumi.ToStringArray(groups),
		Tags:             pulumi.ToStringMap(tags),
	}, opts...)
	return err
}

// serviceRole creates a role an AWS service assumes, with AWS managed
// policies attached.
func serviceRole(ctx *pulumi.Context, roleName, service string, managed []string, e policy.Env,
	tags map[string]string, opts ...pulumi.ResourceOption,
) (*iam.Role, []pulumi.Resource, error) {
	role, err := iam.NewRole(ctx, roleName, &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		AssumeRolePolicy: pulumi.String(policy.ServiceTrust(service).MustJSON()),
		Tags:             pulumi.ToStringMap(tags),
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	var attached []pulumi.Resource
	for _, p := range managed {
		a, err := iam.NewRolePolicyAttachment(ctx, roleName+"-"+strings.ToLower(p), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(e.ManagedPolicyARN(p)),
		}, opts...)
		if err != nil {
			return nil, nil, err
		}
		attached = append(attached, a)
	}
	return role, attached, nil
}

// dataDevice is the block device of the nodes' container storage: the root
// volume of Amazon Linux, the second (data) volume of Bottlerocket, as EKS's
// own launch template sizes them.
func dataDevice(amiType string) string {
	if strings.HasPrefix(amiType, "BOTTLEROCKET") {
		return "/dev/xvdb"
	}
	return "/dev/xvda"
}

func optional(s string) pulumi.StringPtrInput {
	if s == "" {
		return nil
	}
	return pulumi.StringPtr(s)
}

// withCreator returns tags and the cluster's CreatorTag.
func withCreator(tags map[string]string, creator string) pulumi.StringMap {
	out := pulumi.ToStringMap(tags)
	if creator != "" {
		out[CreatorTag] = pulumi.String(creator)
	}
	return out
}
