// Package naming derives every physical name the program sets from the
// project and stack names, so two stacks in one account never collide and
// the CI policies can scope ARNs by prefix. It does not import Pulumi.
package naming

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Namer hands out names that start with "<project>-<stack>".
type Namer struct {
	prefix string
}

// New returns a Namer for a project and stack (both already validated by
// config.Load).
func New(project, stack string) Namer {
	return Namer{prefix: project + "-" + stack}
}

// Prefix is "<project>-<stack>", the start of every physical name.
func (n Namer) Prefix() string { return n.prefix }

// Name joins the prefix and parts with hyphens: Name("ci", "deploy") is
// "mlops-dev-ci-deploy".
func (n Namer) Name(parts ...string) string {
	return strings.Join(append([]string{n.prefix}, parts...), "-")
}

// ClusterName is the EKS cluster's name.
func (n Namer) ClusterName() string { return n.prefix }

// RoleName is the name of an IAM role; IAM allows 64 characters.
func (n Namer) RoleName(purpose string) (string, error) {
	name := n.Name(purpose)
	if len(name) > 64 {
		return "", fmt.Errorf("IAM role name %q is longer than 64 characters", name)
	}
	return name, nil
}

// RepositoryName is the ECR repository of the serving image.
func (n Namer) RepositoryName() string { return n.prefix + "/model-api" }

// BucketName is the artifact bucket. S3 names are global, so it carries the
// account id (resolved at deploy time, never written in code).
func (n Namer) BucketName(accountID string) (string, error) {
	name := n.Name("artifacts", accountID)
	if len(name) > 63 {
		return "", fmt.Errorf("bucket name %q is longer than 63 characters", name)
	}
	return name, nil
}

// ClusterLogGroup is the log group EKS writes control-plane logs to; the
// program creates it first so it has a retention.
func (n Namer) ClusterLogGroup() string { return "/aws/eks/" + n.ClusterName() + "/cluster" }

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

// DashboardConfigMapName is the ConfigMap name for a dashboard file:
// "API Overview.json" becomes "grafana-dashboard-api-overview". It returns
// an error when nothing of the file name is left.
func DashboardConfigMapName(file string) (string, error) {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(file, `\`, "/")), ".json")
	slug := strings.Trim(nonName.ReplaceAllString(strings.ToLower(base), "-"), "-")
	if slug == "" {
		return "", fmt.Errorf("dashboard file %q has no usable name", file)
	}
	const prefix = "grafana-dashboard-"
	if len(prefix)+len(slug) > 63 {
		slug = strings.Trim(slug[:63-len(prefix)], "-")
	}
	return prefix + slug, nil
}
