package cluster

import (
	"fmt"
	"strings"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/internal/principal"
)

// CreatorTag is the cluster tag that records which principal created it.
// EKS gives that principal an access entry of its own (cluster creator
// admin permissions), so the program must never register a second one for
// it, whoever runs a later `pulumi up`: the tag is how a later run knows.
const CreatorTag = "mlops/cluster-creator"

// Creator returns the principal that created the cluster name: the one its
// CreatorTag records, or caller when the cluster does not exist yet (this
// run creates it) or predates the tag.
func Creator(ctx *pulumi.Context, name, caller string) (string, error) {
	c, err := awseks.LookupCluster(ctx, &awseks.LookupClusterArgs{Name: name})
	if err != nil {
		if notFound(err) {
			return canonical(caller), nil
		}
		return "", fmt.Errorf("look up cluster %s for its creator: %w", name, err)
	}
	if arn := c.Tags[CreatorTag]; arn != "" {
		return arn, nil
	}
	return canonical(caller), nil
}

// notFound reports whether a lookup failed because the cluster does not
// exist (the provider's "couldn't find resource", EKS's
// ResourceNotFoundException).
func notFound(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "couldn't find resource") || strings.Contains(msg, "resourcenotfoundexception") ||
		strings.Contains(msg, "not found")
}

// canonical is arn as a tag value can hold it and an access entry names
// it: a role session becomes its role (a session name may hold a comma,
// which tags refuse).
func canonical(arn string) string {
	id, err := principal.Parse(arn)
	if err != nil {
		return arn
	}
	return id.ARN()
}
