package platform

import (
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// applicationViewer lets the Kubernetes group read ArgoCD Applications in
// namespace, and nothing else: a Role with get, list and watch on
// applications.argoproj.io, bound to the group. The release role's EKS
// access entry carries the group (infra/ciaccess), so the release workflow
// can wait for dev's Application to be Healthy and Synced at the released
// revision. None of the EKS access policies fits: AmazonEKSViewPolicy
// covers built-in kinds only, and AmazonEKSAdminViewPolicy reads every
// kind, Secrets included.
func applicationViewer(ctx *pulumi.Context, name, namespace, group string, opts ...pulumi.ResourceOption) error {
	meta := &metav1.ObjectMetaArgs{
		Name:      pulumi.String("mlops-application-viewer"),
		Namespace: pulumi.String(namespace),
		Labels:    pulumi.StringMap{"app.kubernetes.io/part-of": pulumi.String("mlops")},
	}
	role, err := rbacv1.NewRole(ctx, name+"-application-viewer", &rbacv1.RoleArgs{
		Metadata: meta,
		Rules: rbacv1.PolicyRuleArray{&rbacv1.PolicyRuleArgs{
			ApiGroups: pulumi.ToStringArray([]string{"argoproj.io"}),
			Resources: pulumi.ToStringArray([]string{"applications"}),
			Verbs:     pulumi.ToStringArray([]string{"get", "list", "watch"}),
		}},
	}, opts...)
	if err != nil {
		return err
	}
	_, err = rbacv1.NewRoleBinding(ctx, name+"-application-viewer", &rbacv1.RoleBindingArgs{
		Metadata: meta,
		RoleRef: &rbacv1.RoleRefArgs{
			ApiGroup: pulumi.String("rbac.authorization.k8s.io"),
			Kind:     pulumi.String("Role"),
			Name:     role.Metadata.Name().Elem(),
		},
		Subjects: rbacv1.SubjectArray{&rbacv1.SubjectArgs{
			ApiGroup: pulumi.String("rbac.authorization.k8s.io"),
			Kind:     pulumi.String("Group"),
			Name:     pulumi.String(group),
		}},
	}, opts...)
	return err
}
