package policy

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// A permissions boundary is a ceiling, not a grant: a role's effective
// rights are what both its own policies and the boundary allow. The
// bootstrap's boundary is the ceiling of every role the deploy role creates
// (the EKS cluster and node roles, the IRSA roles), so a deploy role that
// writes itself a powerful role gets nothing the boundary leaves out.
//
// Its allows name whole services where the roles' AWS managed policies do
// (AmazonEKSClusterPolicy and AmazonEKS_CNI_Policy grow with new EC2 and
// ELB calls), and its denies remove every IAM call that creates or changes
// an identity or its policies, and sts:AssumeRole.

// BoundaryWildcard is a wildcard action the boundary may allow, with why.
type BoundaryWildcard struct {
	Action, Reason string
}

// BoundaryWildcards is the complete list of wildcard actions
// CheckBoundary accepts in the boundary's allows.
var BoundaryWildcards = []BoundaryWildcard{
	{"ec2:*", "the cluster role (AmazonEKSClusterPolicy), the node role (AmazonEKS_CNI_Policy), the EBS CSI driver and the load balancer controller manage ENIs, volumes, snapshots and security groups; AWS adds calls to those policies"},
	{"elasticloadbalancing:*", "the cluster role (AmazonEKSClusterPolicy) and the load balancer controller manage load balancers"},
	{"autoscaling:Describe*", "the cluster role reads the node group's Auto Scaling group"},
	{"eks:Describe*", "the node role (AmazonEKSWorkerNodePolicy) describes its cluster"},
}

// BoundaryAllowedIAM are the only IAM calls the boundary allows: none
// creates or changes an identity or a policy.
var BoundaryAllowedIAM = []string{
	"iam:CreateServiceLinkedRole",                            // AmazonEKSClusterPolicy, load balancer controller: the AWS-defined ELB and EKS roles
	"iam:ListServerCertificates", "iam:GetServerCertificate", // load balancer controller
}

// EscalationActions are the calls the boundary denies to every role under
// it, as IAM action patterns.
var EscalationActions = []string{
	"iam:CreateRole", "iam:CreateUser", "iam:CreateGroup", "iam:CreatePolicy", "iam:CreatePolicyVersion",
	"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:CreateInstanceProfile",
	"iam:CreateOpenIDConnectProvider", "iam:CreateSAMLProvider", "iam:CreateServiceSpecificCredential",
	"iam:Put*", "iam:Attach*", "iam:Detach*", "iam:Delete*", "iam:Update*", "iam:Set*",
	"iam:Add*", "iam:Remove*", "iam:Tag*", "iam:Untag*", "iam:Upload*", "iam:PassRole",
	"iam:ChangePassword", "iam:ResetServiceSpecificCredential",
	"sts:AssumeRole",
}

// BoundaryScope is what the boundary of one stack's roles may reach. Each
// stack has its own boundary, so a role that dev's deploy role creates
// (an IRSA role a dev pod assumes) cannot reach prod's resources even
// though both stacks share the account.
type BoundaryScope struct {
	Env
	Project, Stack string
	// ArtifactBucket is the stack's artifact bucket (the training Job's
	// IRSA role reads and writes it); "" allows no bucket.
	ArtifactBucket string
}

// boundaryStackScoped are the account-wide services the boundary allows
// whose resources carry the stack tags: the boundary denies them on
// another stack's resources, and creating them with another stack's tags.
var boundaryStackScoped = []string{"ec2:*", "elasticloadbalancing:*", "autoscaling:UpdateAutoScalingGroup"}

// BoundaryPolicy is the permissions boundary of every role a stack's deploy
// role creates.
func BoundaryPolicy(b BoundaryScope) Document {
	workloads := []string{
		"ec2:*", "elasticloadbalancing:*", "autoscaling:Describe*", "autoscaling:UpdateAutoScalingGroup",
		"eks:Describe*", "eks-auth:AssumeRoleForPodIdentity",
		"ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage",
		"kms:CreateGrant", "kms:DescribeKey",
		"acm:ListCertificates", "acm:DescribeCertificate", "cognito-idp:DescribeUserPoolClient",
		"waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL",
		"wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
		"shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection",
	}
	workloads = append(workloads, BoundaryAllowedIAM...)
	st := []Statement{allow("BoundaryWorkloads", workloads, "*")}
	if b.ArtifactBucket != "" {
		st = append(st, allow("BoundaryArtifacts", []string{
			"s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject", "s3:PutObject",
		}, b.BucketARN(b.ArtifactBucket), b.BucketARN(b.ArtifactBucket)+"/*"))
	}
	// EC2 and ELB stay whole services (BoundaryWildcards says why), but
	// not across stacks: the project's resources tagged for another stack
	// are out of reach, and so is tagging a new one for another stack.
	// Untagged resources (the ENIs EKS creates) are not the project's, so
	// these leave them alone.
	for _, tag := range []string{"aws:ResourceTag", "aws:RequestTag"} {
		d := deny("BoundaryDenyOtherStacks"+strings.TrimPrefix(tag, "aws:"), boundaryStackScoped, "*")
		d.Condition = Conditions{
			"StringEquals":    {tag + "/" + TagProject: {b.Project}},
			"StringNotEquals": {tag + "/" + TagStack: {b.Stack}},
		}
		st = append(st, d)
	}
	st = append(st, deny("BoundaryDenyEscalation", EscalationActions, "*"))
	return doc(st...)
}

// CheckBoundary returns every rule a boundary breaks: its allows use no
// wildcard action outside BoundaryWildcards and no IAM or STS call outside
// BoundaryAllowedIAM, and a Deny on "*" covers every EscalationActions
// pattern.
func CheckBoundary(d Document) []string {
	var problems []string
	if d.Version != Version {
		problems = append(problems, fmt.Sprintf("version %q, want %q", d.Version, Version))
	}
	denied := map[string]bool{}
	for _, st := range d.Statement {
		switch st.Effect {
		case "Deny":
			if slices.Equal(st.Resource, []string{"*"}) && len(st.Condition) == 0 {
				for _, a := range st.Action {
					denied[a] = true
				}
			}
		case "Allow":
			if len(st.NotAction) > 0 || len(st.NotResource) > 0 {
				problems = append(problems, fmt.Sprintf("statement %q: NotAction/NotResource in an Allow", st.Sid))
			}
			for _, a := range st.Action {
				if strings.Contains(a, "*") && !slices.ContainsFunc(BoundaryWildcards, func(w BoundaryWildcard) bool { return w.Action == a }) {
					problems = append(problems, fmt.Sprintf("statement %q: wildcard action %q is not a listed boundary wildcard", st.Sid, a))
				}
				service, _, _ := strings.Cut(a, ":")
				if (service == "iam" || service == "sts") && !slices.Contains(BoundaryAllowedIAM, a) {
					problems = append(problems, fmt.Sprintf("statement %q: allows %s", st.Sid, a))
				}
			}
		}
	}
	for _, a := range EscalationActions {
		if !denied[a] {
			problems = append(problems, fmt.Sprintf("no Deny on \"*\" covers %s", a))
		}
	}
	for _, tag := range []string{"aws:ResourceTag", "aws:RequestTag"} {
		if !slices.ContainsFunc(d.Statement, func(st Statement) bool { return deniesOtherStacks(st, tag) }) {
			problems = append(problems, fmt.Sprintf("no Deny keeps %v off other stacks by %s/%s", boundaryStackScoped, tag, TagStack))
		}
	}
	return problems
}

// deniesOtherStacks reports whether st denies every boundaryStackScoped
// action on any resource whose tag (prefix "aws:ResourceTag" or
// "aws:RequestTag") names the project but not one stack.
func deniesOtherStacks(st Statement, tag string) bool {
	if st.Effect != "Deny" || !slices.Equal(st.Resource, []string{"*"}) {
		return false
	}
	for _, a := range boundaryStackScoped {
		if !slices.Contains(st.Action, a) {
			return false
		}
	}
	stack := st.Condition["StringNotEquals"][tag+"/"+TagStack]
	project := st.Condition["StringEquals"][tag+"/"+TagProject]
	return len(st.Condition) == 2 && len(stack) == 1 && stack[0] != "" && len(project) == 1 && project[0] != ""
}

// ActionMatches reports whether an IAM action pattern ("iam:Put*") matches
// an action ("iam:PutRolePolicy"); IAM compares actions without case.
func ActionMatches(pattern, action string) bool {
	ok, err := path.Match(strings.ToLower(pattern), strings.ToLower(action))
	return err == nil && ok
}
