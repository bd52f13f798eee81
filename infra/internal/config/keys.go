package config

// Key describes one stack configuration key: its name without the project
// namespace (aws:region is the one key outside it), its default ("" when it
// has none), and what it means. docs/deploy.md lists the same keys; a test
// keeps the two in step.
type Key struct {
	Name     string
	Default  string
	Required bool
	Secret   bool
	Doc      string
}

// RegionKey is the AWS provider's own region key, read as is.
const RegionKey = "aws:region"

// Keys is every key the program reads, in the order docs/deploy.md lists
// them. Load reads each of them exactly once.
var Keys = []Key{
	{Name: RegionKey, Required: true, Doc: "AWS region of every resource (the AWS provider reads it too)."},
	{Name: "environment", Default: "<stack name>", Doc: "`dev` or `prod`: which rules the stack follows (prod requires alertReceivers, deadMansSwitchUrl and certificateArn). Default: the stack name when it is dev or prod; any other stack name must set it."},
	{Name: "githubRepository", Required: true, Doc: "GitHub `owner/repo` of this repository: OIDC trust subjects and the ArgoCD repoURL."},
	{Name: "githubOwnerId", Doc: "Numeric id of the owner; with githubRepoId, switches the OIDC subjects to GitHub's immutable `repo:owner@id/repo@id:...` form."},
	{Name: "githubRepoId", Doc: "Numeric id of the repository (see githubOwnerId); both or neither."},
	{Name: "githubDeployEnvironment", Default: "<stack name>", Doc: "GitHub environment whose jobs may assume the deploy role."},
	{Name: "gitRevision", Default: "main", Doc: "Git revision (branch, tag or commit) the root ArgoCD Application tracks."},
	{Name: "gitopsPath", Default: "gitops/apps/<stack name>", Doc: "Folder of the repository the root ArgoCD Application syncs: the stack's own environment folder (ArgoCD does not recurse into sub-folders)."},
	{Name: "vpcCidr", Default: "10.0.0.0/16", Doc: "IPv4 range of the VPC, a private /16 to /20; each subnet is 1/16 of it."},
	{Name: "azCount", Default: "2", Doc: "Availability zones used (2 to 4); one public and one private subnet in each."},
	{Name: "natGateways", Default: "none", Doc: "`none`: nodes in the public subnets with public IPs, no NAT cost (as the original did); `single`: one NAT gateway, nodes private; `perAz`: one NAT gateway per zone."},
	{Name: "clusterVersion", Default: "1.35", Doc: "Kubernetes version of the EKS control plane and nodes."},
	{Name: "clusterPublicAccessCidrs", Default: `["0.0.0.0/0"]`, Doc: "CIDRs allowed to reach the public API endpoint (CI runners and you). A prod stack must set it and may not list `0.0.0.0/0`; dev may, with a warning."},
	{Name: "clusterLogTypes", Default: `["api","audit","authenticator"]`, Doc: "Control-plane log types sent to CloudWatch."},
	{Name: "clusterLogRetentionDays", Default: "7", Doc: "Retention of the control-plane log group (a CloudWatch retention value)."},
	{Name: "clusterAdminPrincipalArns", Default: "[]", Doc: "IAM role or user ARNs given cluster-admin access entries (the identity that runs the first `pulumi up` is admin already)."},
	{Name: "nodeInstanceType", Default: "t3.medium", Doc: "EC2 instance type of the managed node group."},
	{Name: "nodeAmiType", Default: "AL2023_x86_64_STANDARD", Doc: "AMI type of the node group; must match the instance type's architecture."},
	{Name: "nodeCapacityType", Default: "ON_DEMAND", Doc: "`ON_DEMAND` or `SPOT`."},
	{Name: "nodeMinSize", Default: "1", Doc: "Minimum node count (at least 1)."},
	{Name: "nodeDesiredSize", Default: "2", Doc: "Desired node count, between min and max."},
	{Name: "nodeMaxSize", Default: "3", Doc: "Maximum node count (at most 100)."},
	{Name: "nodeDiskSize", Default: "20", Doc: "Root volume size of each node in GiB (20 to 1000)."},
	{Name: "argocdChartVersion", Default: "10.1.1", Doc: "Exact version of the argo-cd Helm chart."},
	{Name: "kubePrometheusStackChartVersion", Default: "88.5.3", Doc: "Exact version of the kube-prometheus-stack Helm chart."},
	{Name: "metricsServerChartVersion", Default: "3.13.1", Doc: "Exact version of the metrics-server Helm chart."},
	{Name: "argoRolloutsChartVersion", Default: "2.41.0", Doc: "Exact version of the argo-rollouts Helm chart (its appVersion, the controller's, matches the minor of the argo-rollouts Go module the gitops tests decode with)."},
	{Name: "awsLoadBalancerControllerChartVersion", Default: "1.15.0", Doc: "Exact version of the aws-load-balancer-controller Helm chart (its IAM policy is in internal/policy)."},
	{Name: "vpcCniAddonVersion", Doc: "EKS add-on version of vpc-cni (e.g. v1.20.4-eksbuild.1); empty: EKS's default for the cluster version."},
	{Name: "ebsCsiAddonVersion", Doc: "EKS add-on version of aws-ebs-csi-driver; empty: EKS's default."},
	{Name: "grafanaAdminPassword", Secret: true, Doc: "Grafana admin password, set with `pulumi config set --secret` (16+ characters); absent: the Grafana chart generates one and keeps it in its Secret."},
	{Name: "alertReceivers", Default: "[]", Doc: "Alertmanager receivers: a list of `{name, type: slack|webhook, url, channel}`; the first one gets every alert but Watchdog. Required (at least one) in prod. Set with `--secret` when it holds webhook URLs."},
	{Name: "deadMansSwitchUrl", Secret: true, Doc: "HTTPS webhook of a dead-man's-switch service that pages when Alertmanager's Watchdog heartbeat stops arriving; Watchdog goes there every minute. Required in prod; set with `--secret`."},
	{Name: "certificateArn", Doc: "ARN of the ACM certificate of the public HTTPS listener (the load balancer controller's IngressClassParams carry it to every ALB). Required in prod; without it a dev ALB gets no HTTPS listener."},
	{Name: "prometheusRetention", Default: "10d", Doc: "Prometheus retention (a Prometheus duration)."},
	{Name: "prometheusStorageSize", Default: "20", Doc: "Prometheus volume size in GiB (gp3, encrypted)."},
	{Name: "ecrKeepTaggedImages", Default: "30", Doc: "ECR lifecycle: tagged images kept (the newest N)."},
	{Name: "ecrUntaggedExpireDays", Default: "7", Doc: "ECR lifecycle: untagged images expire after D days."},
	{Name: "artifactNoncurrentVersionDays", Default: "30", Doc: "Artifact bucket: non-current object versions expire after this many days."},
	{Name: "forceDestroy", Default: "false", Doc: "`true` lets `pulumi destroy` empty the bucket and the ECR repository (dev); `false` keeps data safe (prod)."},
	{Name: "bootstrapStack", Required: true, Doc: "The account's bootstrap stack (infra/bootstrap, docs/bootstrap.md) as `<organization>/mlops-bootstrap/<stack>`: the program reads the CI role ARNs and the permissions boundary from its outputs (a StackReference)."},
	{Name: "trainingNamespace", Default: "training", Doc: "Namespace of the training Job's service account."},
	{Name: "trainingServiceAccount", Default: "trainer", Doc: "Service account that may assume the training Job's IRSA role."},
	{Name: "argocdProjectFile", Default: "gitops/projects/mlops.yaml", Doc: "ArgoCD AppProject manifest the platform creates and every Application of this repository runs under, relative to the project root; its sourceRepos must be the stack's repository alone."},
	{Name: "dashboardsDir", Default: "dashboards/generated", Doc: "Folder of the Grafana dashboard JSON files, relative to the project root; one ConfigMap per *.json file."},
}

// lookupKey returns the Key named name in keys (nil: Keys); it panics on a
// name that is not there, which is a programming error a test catches.
func lookupKey(keys []Key, name string) Key {
	if keys == nil {
		keys = Keys
	}
	for _, k := range keys {
		if k.Name == name {
			return k
		}
	}
	panic("config: key " + name + " is not in the key table")
}
