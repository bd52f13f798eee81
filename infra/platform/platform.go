// Package platform installs what the workloads run on: ArgoCD and
// kube-prometheus-stack as pinned Helm releases, the Grafana dashboards as
// labelled ConfigMaps, the training namespace and service account, and the
// root ArgoCD Application that syncs gitops/apps from this repository.
package platform

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/appproject"
	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/dashboards"
	"github.com/mlopsgo/mlops/infra/internal/helm"
	"github.com/mlopsgo/mlops/infra/internal/helmvalues"
)

// RootApplication is the name of the app-of-apps Application.
const RootApplication = "root"

// Args configures the platform.
type Args struct {
	// Provider is the cluster's Kubernetes provider; every resource here
	// uses it.
	Provider *kubernetes.Provider
	// DependsOn holds what must run first (the cluster's add-ons: the load
	// balancer controller's webhook, the gp3 storage class).
	DependsOn []pulumi.Resource

	ArgoCD, KubePrometheusStack helmvalues.Chart
	Monitoring                  config.Monitoring
	Dashboards                  []dashboards.Dashboard

	RepoURL string
	GitOps  config.GitOps
	// Project is the AppProject the root Application, and the Applications
	// it syncs, run under (gitops/projects).
	Project         appproject.Project
	Training        config.Training
	TrainingRoleARN pulumi.StringInput
	// ApplicationViewers is the Kubernetes group that may read the ArgoCD
	// Applications (and nothing else). Optional. Default: none.
	ApplicationViewers string
}

// Platform is the component.
type Platform struct {
	pulumi.ResourceState

	ArgoCDRelease, KubePrometheusStackRelease pulumi.StringOutput
}

// New creates the platform.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Platform, error) {
	p := &Platform{}
	opts = append(opts, pulumi.Providers(args.Provider))
	if err := ctx.RegisterComponentResource("mlops:infra:Platform", name, p, opts...); err != nil {
		return nil, err
	}
	on := func(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
		return append([]pulumi.ResourceOption{pulumi.Parent(p), pulumi.Provider(args.Provider)}, extra...)
	}

	ns := map[string]*corev1.Namespace{}
	for _, n := range []string{helmvalues.ArgoCDNamespace, helmvalues.MonitoringNamespace, args.Training.Namespace} {
		res, err := corev1.NewNamespace(ctx, name+"-ns-"+n, &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(n), Labels: pulumi.ToStringMap(PodSecurityLabels(n))},
		}, on()...)
		if err != nil {
			return nil, err
		}
		ns[n] = res
	}
	monitoring := ns[helmvalues.MonitoringNamespace].Metadata.Name().Elem()

	if args.ApplicationViewers != "" {
		if err := applicationViewer(ctx, name, helmvalues.ArgoCDNamespace, args.ApplicationViewers,
			on(pulumi.DependsOn([]pulumi.Resource{ns[helmvalues.ArgoCDNamespace]}))...); err != nil {
			return nil, err
		}
	}

	// The training Job's identity (IRSA).
	if _, err := corev1.NewServiceAccount(ctx, name+"-training-sa", &corev1.ServiceAccountArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(args.Training.ServiceAccount),
			Namespace:   ns[args.Training.Namespace].Metadata.Name().Elem(),
			Annotations: pulumi.StringMap{"eks.amazonaws.com/role-arn": args.TrainingRoleARN},
		},
	}, on()...); err != nil {
		return nil, err
	}

	kpsDeps := append([]pulumi.Resource{ns[helmvalues.MonitoringNamespace]}, args.DependsOn...)
	if args.Monitoring.GrafanaAdminPassword != "" {
		secret, err := corev1.NewSecret(ctx, name+"-grafana-admin", &corev1.SecretArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(helmvalues.GrafanaAdminSecret), Namespace: monitoring},
			StringData: pulumi.StringMap{
				helmvalues.GrafanaUserKey:     pulumi.String("admin"),
				helmvalues.GrafanaPasswordKey: pulumi.ToSecret(pulumi.String(args.Monitoring.GrafanaAdminPassword)).(pulumi.StringOutput),
			},
		}, on()...)
		if err != nil {
			return nil, err
		}
		kpsDeps = append(kpsDeps, secret)
	}
	kps, err := helm.New(ctx, helm.Release{
		Name: helmvalues.KubePrometheusStackRelease, Chart: args.KubePrometheusStack,
		Namespace: helmvalues.MonitoringNamespace,
		Values:    helmvalues.KubePrometheusStackValues(args.Monitoring),
		Secret:    args.Monitoring.ValuesSecret(),
		Timeout:   900,
	}, on(pulumi.DependsOn(kpsDeps))...)
	if err != nil {
		return nil, err
	}

	// One ConfigMap per dashboard; Grafana's sidecar loads them by label.
	for _, d := range args.Dashboards {
		if _, err := corev1.NewConfigMap(ctx, name+"-"+d.ConfigMapName, &corev1.ConfigMapArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name:      pulumi.String(d.ConfigMapName),
				Namespace: monitoring,
				Labels:    pulumi.StringMap{helmvalues.DashboardLabel: pulumi.String(helmvalues.DashboardLabelValue)},
			},
			Data: pulumi.StringMap{d.File: pulumi.String(d.JSON)},
		}, on()...); err != nil {
			return nil, err
		}
	}

	argo, err := helm.New(ctx, helm.Release{
		Name: helmvalues.ArgoCDRelease, Chart: args.ArgoCD,
		Namespace: helmvalues.ArgoCDNamespace,
		Values:    helmvalues.ArgoCDValues(),
	}, on(pulumi.DependsOn(append([]pulumi.Resource{ns[helmvalues.ArgoCDNamespace]}, args.DependsOn...)))...)
	if err != nil {
		return nil, err
	}

	// The AppProject every Application of this repository runs under,
	// after the ArgoCD release (its CRD), instead of ArgoCD's permissive
	// default project.
	project, err := apiextensions.NewCustomResource(ctx, name+"-app-project", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("argoproj.io/v1alpha1"),
		Kind:       pulumi.String("AppProject"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(args.Project.Name),
			Namespace: pulumi.String(appproject.Namespace),
			Labels:    pulumi.ToStringMap(args.Project.Labels),
		},
		OtherFields: kubernetes.UntypedArgs{"spec": pulumi.ToMap(args.Project.Spec)},
	}, on(pulumi.DependsOn([]pulumi.Resource{argo}))...)
	if err != nil {
		return nil, err
	}

	// ArgoCD's own default project allows any repository, destination and
	// kind; an Application under it would bypass the project above. It is
	// patched closed rather than created: argocd-server creates it at
	// start-up (so it may exist already, owned by another field manager,
	// hence the forced apply), and recreates it if deleted.
	if _, err := apiextensions.NewCustomResourcePatch(ctx, name+"-default-project", &apiextensions.CustomResourcePatchArgs{
		ApiVersion: pulumi.String("argoproj.io/v1alpha1"),
		Kind:       pulumi.String("AppProject"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:        pulumi.String(appproject.DefaultProject),
			Namespace:   pulumi.String(appproject.Namespace),
			Annotations: pulumi.StringMap{"pulumi.com/patchForce": pulumi.String("true")},
		},
		OtherFields: kubernetes.UntypedArgs{"spec": pulumi.ToMap(appproject.LockedDefaultSpec())},
	}, on(pulumi.DependsOn([]pulumi.Resource{argo}))...); err != nil {
		return nil, err
	}

	// The root Application, after its project, the ArgoCD release (its CRD) and the
	// monitoring stack (the ServiceMonitor and PrometheusRule CRDs the
	// app's chart uses). Its finalizer makes deleting it delete what it
	// deployed first (load balancers included), which teardown relies on.
	if _, err := apiextensions.NewCustomResource(ctx, name+"-root-app", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("argoproj.io/v1alpha1"),
		Kind:       pulumi.String("Application"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:       pulumi.String(RootApplication),
			Namespace:  pulumi.String(helmvalues.ArgoCDNamespace),
			Finalizers: pulumi.ToStringArray([]string{"resources-finalizer.argocd.argoproj.io"}),
		},
		OtherFields: kubernetes.UntypedArgs{
			"spec": pulumi.Map{
				"project": pulumi.String(args.Project.Name),
				"source": pulumi.Map{
					"repoURL":        pulumi.String(args.RepoURL),
					"targetRevision": pulumi.String(args.GitOps.Revision),
					"path":           pulumi.String(args.GitOps.Path),
				},
				"destination": pulumi.Map{
					"server":    pulumi.String("https://kubernetes.default.svc"),
					"namespace": pulumi.String(helmvalues.ArgoCDNamespace),
				},
				"syncPolicy": pulumi.Map{
					"automated":   pulumi.Map{"prune": pulumi.Bool(true), "selfHeal": pulumi.Bool(true)},
					"syncOptions": pulumi.ToStringArray([]string{"CreateNamespace=true"}),
				},
			},
		},
	}, on(pulumi.DependsOn([]pulumi.Resource{project, argo, kps}))...); err != nil {
		return nil, err
	}

	p.ArgoCDRelease, p.KubePrometheusStackRelease = argo.Name.Elem(), kps.Name.Elem()
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{
		"argocdRelease": p.ArgoCDRelease, "kubePrometheusStackRelease": p.KubePrometheusStackRelease,
	}); err != nil {
		return nil, err
	}
	return p, nil
}
