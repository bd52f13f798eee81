package main

import (
	"fmt"
	"path/filepath"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/ciaccess"
	"github.com/mlopsgo/mlops/infra/cluster"
	"github.com/mlopsgo/mlops/infra/internal/appproject"
	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/dashboards"
	"github.com/mlopsgo/mlops/infra/internal/helmvalues"
	"github.com/mlopsgo/mlops/infra/internal/naming"
	"github.com/mlopsgo/mlops/infra/internal/policy"
	"github.com/mlopsgo/mlops/infra/network"
	"github.com/mlopsgo/mlops/infra/platform"
	"github.com/mlopsgo/mlops/infra/registry"
	"github.com/mlopsgo/mlops/infra/stackoutputs"
	"github.com/mlopsgo/mlops/infra/storage"
)

// ctxSource reads stack config through the Pulumi context.
type ctxSource struct{ ctx *pulumi.Context }

func (s ctxSource) Get(key string) (string, bool) { return s.ctx.GetConfig(key) }
func (s ctxSource) IsSecret(key string) bool      { return s.ctx.IsConfigSecret(key) }

// program builds the whole stack and returns its outputs by name. Every
// check on config and on the dashboard files runs before the first resource
// is registered, so a bad stack fails without touching anything.
func program(ctx *pulumi.Context) (map[string]pulumi.Input, error) {
	cfg, err := config.Load(ctx.Project(), ctx.Stack(), ctxSource{ctx})
	if err != nil {
		return nil, fmt.Errorf("stack config: %w", err)
	}
	if err := warn(ctx.Log, cfg.Warnings); err != nil {
		return nil, err
	}
	boards, err := dashboards.Load(rootPath(ctx, cfg.DashboardsDir))
	if err != nil {
		return nil, fmt.Errorf("%s:dashboardsDir: %w", cfg.Project, err)
	}
	project, err := appproject.Load(rootPath(ctx, cfg.ArgoCDProjectFile), cfg.GitHub.RepoURL())
	if err != nil {
		return nil, fmt.Errorf("%s:argocdProjectFile (and %s:githubRepository): %w", cfg.Project, cfg.Project, err)
	}

	// Who and where we deploy: resolved from the credentials, never written
	// in code or config.
	identity, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, err
	}
	partition, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return nil, err
	}
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State:   pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
	})
	if err != nil {
		return nil, err
	}
	if len(zones.Names) < cfg.Network.AZCount {
		return nil, fmt.Errorf("%s:azCount: %d zones asked for, %s has %d", cfg.Project, cfg.Network.AZCount, cfg.Region, len(zones.Names))
	}
	env := policy.Env{Partition: partition.Partition, Account: identity.AccountId, Region: cfg.Region}

	names := naming.New(cfg.Project, cfg.Stack)
	bucketName, err := names.BucketName(env.Account)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{policy.TagProject: cfg.Project, policy.TagStack: cfg.Stack, "managed-by": "pulumi"}

	boot, err := readBootstrap(ctx, cfg.BootstrapStack, cfg.Stack)
	if err != nil {
		return nil, err
	}
	// The deploy role may create a role only with the bootstrap's
	// permissions boundary: every role this program registers, now or
	// added later, gets it here.
	if err := ctx.RegisterStackTransformation(withBoundary(boot.BoundaryARN)); err != nil {
		return nil, fmt.Errorf("register the boundary transformation: %w", err)
	}
	argoChart, kpsChart, metricsChart, lbcChart := helmvalues.Charts(cfg.Charts)

	net, err := network.New(ctx, "network", network.Args{
		NamePrefix: names.Prefix(), CIDR: cfg.Network.CIDR, AZs: zones.Names[:cfg.Network.AZCount],
		NATGateways: cfg.Network.NATGateways, ClusterName: names.ClusterName(), Tags: tags,
	})
	if err != nil {
		return nil, err
	}

	reg, err := registry.New(ctx, "registry", registry.Args{
		Name: names.RepositoryName(), KeepTaggedImages: cfg.Registry.KeepTaggedImages,
		UntaggedExpireDays: cfg.Registry.UntaggedExpireDays, ForceDelete: cfg.Storage.ForceDestroy, Tags: tags,
	})
	if err != nil {
		return nil, err
	}

	creator, err := cluster.Creator(ctx, names.ClusterName(), identity.Arn)
	if err != nil {
		return nil, err
	}
	eks, err := cluster.New(ctx, "cluster", cluster.Args{
		Env: env, NamePrefix: names.Prefix(), Name: names.ClusterName(), LogGroup: names.ClusterLogGroup(), Tags: tags,
		CreatorARN: creator,
		VpcID:      net.VpcID, PublicSubnetIDs: net.PublicSubnetIDs, PrivateSubnetIDs: net.PrivateSubnetIDs,
		NodeSubnetIDs: net.NodeSubnetIDs,
		Cluster:       cfg.Cluster, Nodes: cfg.Nodes, Addons: cfg.Addons, Edge: cfg.Edge,
		MetricsServer: metricsChart, LoadBalancerController: lbcChart,
	})
	if err != nil {
		return nil, err
	}

	store, err := storage.New(ctx, "storage", storage.Args{
		Env: env, NamePrefix: names.Prefix(), BucketName: bucketName,
		NoncurrentVersionDays: cfg.Storage.NoncurrentVersionDays, ForceDestroy: cfg.Storage.ForceDestroy, Tags: tags,
		OIDCProviderARN: eks.OIDCProviderARN, OIDCIssuer: eks.OIDCIssuer,
		Namespace: cfg.Training.Namespace, ServiceAccount: cfg.Training.ServiceAccount,
	})
	if err != nil {
		return nil, err
	}

	if _, err := platform.New(ctx, "platform", platform.Args{
		Provider: eks.Provider, DependsOn: eks.Ready,
		ArgoCD: argoChart, KubePrometheusStack: kpsChart, ArgoRollouts: helmvalues.ArgoRolloutsChart(cfg.Charts),
		Monitoring: cfg.Monitoring, Dashboards: boards,
		RepoURL: cfg.GitHub.RepoURL(), GitOps: cfg.GitOps, Project: project,
		Training: cfg.Training, TrainingRoleARN: store.TrainingRoleARN,
		ApplicationViewers: ciaccess.ApplicationViewerGroup,
	}); err != nil {
		return nil, err
	}

	if _, err := ciaccess.New(ctx, "ci-access", names.Prefix(), ciaccess.Args{
		Env: env, ClusterName: eks.Name, RoleARNs: boot.RoleARNs, Tags: tags, CreatorARN: creator,
	}); err != nil {
		return nil, err
	}

	grafanaSecret := helmvalues.GrafanaGeneratedSecret
	if cfg.Monitoring.GrafanaAdminPassword != "" {
		grafanaSecret = helmvalues.GrafanaAdminSecret
	}
	return map[string]pulumi.Input{
		stackoutputs.Region:                  pulumi.String(cfg.Region),
		stackoutputs.VPCID:                   net.VpcID,
		stackoutputs.ClusterName:             eks.Name,
		stackoutputs.Kubeconfig:              eks.Kubeconfig,
		stackoutputs.UpdateKubeconfigCommand: pulumi.Sprintf("aws eks update-kubeconfig --region %s --name %s", cfg.Region, eks.Name),
		stackoutputs.ECRRepositoryURL:        reg.RepositoryURL,
		stackoutputs.ECRRepositoryName:       reg.RepositoryName,
		stackoutputs.ArtifactBucketName:      store.BucketName,
		stackoutputs.DVCRemoteURL:            store.DVCRemoteURL,
		stackoutputs.GitHubOIDCProviderARN:   boot.ProviderARN,
		stackoutputs.PreviewRoleARN:          boot.RoleARNs[ciaccess.Preview],
		stackoutputs.DeployRoleARN:           boot.RoleARNs[ciaccess.Deploy],
		stackoutputs.ReleaseRoleARN:          boot.RoleARNs[ciaccess.Release],
		stackoutputs.TrainRoleARN:            boot.RoleARNs[ciaccess.Train],
		stackoutputs.TrainingJobRoleARN:      store.TrainingRoleARN,
		stackoutputs.GrafanaPortForward: pulumi.String(fmt.Sprintf(
			"kubectl -n %s port-forward svc/%s-grafana 3000:80", helmvalues.MonitoringNamespace, helmvalues.KubePrometheusStackRelease)),
		stackoutputs.GrafanaPasswordCommand: pulumi.String(fmt.Sprintf(
			"kubectl -n %s get secret %s -o jsonpath='{.data.%s}' | base64 -d", helmvalues.MonitoringNamespace, grafanaSecret, helmvalues.GrafanaPasswordKey)),
		stackoutputs.ArgoCDPortForward: pulumi.String(fmt.Sprintf(
			"kubectl -n %s port-forward svc/%s-server 8080:443", helmvalues.ArgoCDNamespace, helmvalues.ArgoCDRelease)),
		stackoutputs.ArgoCDPasswordCommand: pulumi.String(fmt.Sprintf(
			"kubectl -n %s get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d", helmvalues.ArgoCDNamespace)),
	}, nil
}

// warn logs what config accepted but a person should hear about, as Pulumi
// warnings (shown by preview and up).
func warn(log pulumi.Log, warnings []string) error {
	for _, w := range warnings {
		if err := log.Warn(w, nil); err != nil {
			return fmt.Errorf("log a config warning: %w", err)
		}
	}
	return nil
}

// rootPath resolves a config path relative to the project root (where
// Pulumi.yaml is).
func rootPath(ctx *pulumi.Context, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(ctx.RootDirectory(), p)
}

// bootstrap is what the main program reads from the account's bootstrap
// stack.
type bootstrap struct {
	ProviderARN pulumi.StringOutput
	BoundaryARN pulumi.StringOutput
	// RoleARNs are this stack's CI roles by purpose.
	RoleARNs map[string]pulumi.StringInput
}

// readBootstrap reads the bootstrap stack's outputs (a StackReference);
// a bootstrap that does not list this stack fails the update naming it.
func readBootstrap(ctx *pulumi.Context, name, stack string) (*bootstrap, error) {
	ref, err := pulumi.NewStackReference(ctx, name, nil)
	if err != nil {
		return nil, fmt.Errorf("bootstrap stack %s: %w", name, err)
	}
	stacks := ref.GetOutput(pulumi.String(stackoutputs.BootstrapStacks))
	// entry reads one ARN of this stack's entry in the bootstrap's stacks.
	entry := func(output string) pulumi.StringOutput {
		return stacks.ApplyT(func(v any) (string, error) {
			all, _ := v.(map[string]any)
			roles, _ := all[stack].(map[string]any)
			arn, _ := roles[output].(string)
			if arn == "" {
				return "", fmt.Errorf("bootstrap stack %s has no %s for stack %s: list %s in its stacks and run it (docs/bootstrap.md)", name, output, stack, stack)
			}
			return arn, nil
		}).(pulumi.StringOutput)
	}
	b := &bootstrap{
		ProviderARN: ref.GetStringOutput(pulumi.String(stackoutputs.BootstrapGitHubOIDCProviderARN)),
		BoundaryARN: entry(stackoutputs.BootstrapBoundaryARN),
		RoleARNs:    map[string]pulumi.StringInput{},
	}
	for purpose, output := range stackoutputs.RoleOutputs {
		b.RoleARNs[purpose] = entry(output)
	}
	return b, nil
}

// withBoundary sets the permissions boundary of every IAM role.
func withBoundary(boundaryARN pulumi.StringOutput) pulumi.ResourceTransformation {
	return func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		role, ok := args.Props.(*iam.RoleArgs)
		if !ok {
			return nil
		}
		role.PermissionsBoundary = boundaryARN
		return &pulumi.ResourceTransformationResult{Props: role, Opts: args.Opts}
	}
}
