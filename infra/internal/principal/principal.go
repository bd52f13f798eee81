// Package principal compares IAM principals the way EKS access entries see
// them, so the program can tell that a configured admin is the identity
// running `pulumi up`, which EKS makes admin already. It does not import
// Pulumi.
package principal

import (
	"fmt"
	"strings"
)

// ID is an IAM user or role as an access entry knows it: the same
// partition, account, kind and name are the same principal, whatever the
// path (a role name is unique in its account, paths included) and, for a
// role, whichever session assumed it.
type ID struct {
	Partition, Account string
	// Kind is "role", "user" or "root".
	Kind, Name string
}

// Parse reads an IAM role or user ARN (arn:aws:iam::<account>:role/<path>/<name>),
// an account root ARN, or the STS ARN of a role session
// (arn:aws:sts::<account>:assumed-role/<name>/<session>), which is what
// sts:GetCallerIdentity returns for roles.
func Parse(arn string) (ID, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[4] == "" {
		return ID{}, fmt.Errorf("principal: %q is not an ARN", arn)
	}
	id := ID{Partition: parts[1], Account: parts[4]}
	service, res := parts[2], parts[5]
	kind, rest, _ := strings.Cut(res, "/")
	switch {
	case service == "iam" && res == "root":
		id.Kind = "root"
	case service == "iam" && (kind == "role" || kind == "user") && rest != "":
		id.Kind = kind
		id.Name = rest[strings.LastIndex(rest, "/")+1:]
	case service == "sts" && kind == "assumed-role":
		name, session, ok := strings.Cut(rest, "/")
		if !ok || name == "" || session == "" {
			return ID{}, fmt.Errorf("principal: %q is not a role session ARN", arn)
		}
		id.Kind, id.Name = "role", name
	default:
		return ID{}, fmt.Errorf("principal: %q is not an IAM user, role, root or role session ARN", arn)
	}
	if id.Kind != "root" && id.Name == "" {
		return ID{}, fmt.Errorf("principal: %q has no name", arn)
	}
	return id, nil
}

// Same reports whether two ARNs name the same principal; an ARN that does
// not parse is the same as nothing.
func Same(a, b string) bool {
	x, errA := Parse(a)
	y, errB := Parse(b)
	return errA == nil && errB == nil && x == y
}

// ARN returns id as an IAM ARN: a role session's role, without its path
// (Same ignores paths), or the account's root.
func (id ID) ARN() string {
	if id.Kind == "root" {
		return fmt.Sprintf("arn:%s:iam::%s:root", id.Partition, id.Account)
	}
	return fmt.Sprintf("arn:%s:iam::%s:%s/%s", id.Partition, id.Account, id.Kind, id.Name)
}
