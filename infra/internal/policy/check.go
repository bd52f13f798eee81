package policy

import (
	"fmt"
	"slices"
	"strings"
)

// Exception allows a wildcard where AWS leaves no narrower choice: in an
// Allow statement with this Sid, these actions may have Resource "*", and
// an action containing "*" is allowed only if it is listed here verbatim.
type Exception struct {
	Sid     string
	Actions []string
	Reason  string
}

// Exceptions is the complete list of wildcards the project accepts. Check
// rejects every other "*" in an Allow statement's Action or Resource.
var Exceptions = []Exception{
	{
		Sid: "ECRLogin", Actions: []string{"ecr:GetAuthorizationToken"},
		Reason: "GetAuthorizationToken has no resource-level permissions; the token alone grants nothing (pushes are scoped to the repository ARN)",
	},
	{
		Sid: "EC2Describe", Actions: []string{"ec2:Describe*"},
		Reason: "EC2 Describe calls support no resource-level permissions and read metadata only; the set the AWS provider issues changes between provider versions",
	},
	{
		Sid: "EKSReadAccount", Actions: []string{"eks:DescribeAddonVersions", "eks:DescribeAddonConfiguration", "eks:ListClusters"},
		Reason: "account-level EKS reads without resource-level permissions",
	},
	{
		Sid: "LogsDescribe", Actions: []string{"logs:DescribeLogGroups"},
		Reason: "DescribeLogGroups has no resource-level permissions (it lists the account's log groups); the provider reads the control-plane log group with it",
	},
	{
		Sid: "EKSCreateCluster", Actions: []string{"eks:CreateCluster"},
		Reason: "CreateCluster has no resource-level permissions; the statement requires the stack's project and stack request tags",
	},
	{
		Sid: "KMSCreateKey", Actions: []string{"kms:CreateKey", "kms:TagResource"},
		Reason: "CreateKey has no resource (the key does not exist yet), and tagging at creation is authorized the same way; the statement requires the stack's project and stack request tags, and DenyRetagOtherStacks keeps its kms:TagResource off keys that already carry the project tag for another stack (or none, as the bootstrap's)",
	},
	{
		Sid: "KMSList", Actions: []string{"kms:ListAliases"},
		Reason: "ListAliases has no resource-level permissions; it lists alias names only",
	},
	{
		Sid: "LBCDescribe",
		Actions: []string{
			"ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
			"ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections",
			"ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances",
			"ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools",
			"ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
			"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
			"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
			"elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
			"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
			"elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
			"elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
			"elasticloadbalancing:DescribeCapacityReservation",
		},
		Reason: "AWS Load Balancer Controller (upstream policy): read-only discovery calls without resource-level permissions",
	},
	{
		Sid: "LBCIntegrations",
		Actions: []string{
			"cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate",
			"iam:ListServerCertificates", "iam:GetServerCertificate",
			"waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL",
			"wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
			"shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection",
		},
		Reason: "AWS Load Balancer Controller (upstream policy): certificates, WAF and Shield named by Ingress annotations, unknown in advance",
	},
	{
		Sid:     "LBCCreate",
		Actions: []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"},
		Reason:  "AWS Load Balancer Controller (upstream policy): new load balancers have no ARN yet; the statement requires the elbv2.k8s.aws/cluster request tag",
	},
	{
		Sid: "LBCListeners",
		Actions: []string{
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
		},
		Reason: "AWS Load Balancer Controller (upstream policy): listeners and rules of the load balancers it manages",
	},
	{
		Sid: "LBCModifyOwn",
		Actions: []string{
			"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
			"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
			"elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
			"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
			"elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyCapacityReservation",
			"elasticloadbalancing:ModifyIpPools",
		},
		Reason: "AWS Load Balancer Controller (upstream policy): only resources carrying the elbv2.k8s.aws/cluster tag (Null condition)",
	},
	{
		Sid: "LBCListenerSettings",
		Actions: []string{
			"elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener",
			"elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
			"elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
		},
		Reason: "AWS Load Balancer Controller (upstream policy): listener and rule settings of the load balancers it manages",
	},
}

func exceptionFor(sid string) (Exception, bool) {
	for _, e := range Exceptions {
		if e.Sid == sid {
			return e, true
		}
	}
	return Exception{}, false
}

// Check returns every rule a permission or resource policy breaks:
//   - an Allow statement must name its actions and resources (no NotAction,
//     NotResource or "*" principal);
//   - no action is "*" or "service:*";
//   - an action with a wildcard, and any action on Resource "*", must be in
//     the statement's Exception (by Sid);
//   - no resource ARN leaves the account open ("arn:...:...:*:...").
//
// Deny statements may use wildcards: they only narrow.
func Check(d Document) []string {
	var problems []string
	bad := func(st Statement, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("statement %q: %s", st.Sid, fmt.Sprintf(format, args...)))
	}
	if d.Version != Version {
		problems = append(problems, fmt.Sprintf("version %q, want %q", d.Version, Version))
	}
	for _, st := range d.Statement {
		if st.Effect != "Allow" {
			continue
		}
		if len(st.NotAction) > 0 || len(st.NotResource) > 0 {
			bad(st, "NotAction/NotResource in an Allow")
		}
		if st.Principal != nil && st.Principal.Any {
			bad(st, `Allow to principal "*"`)
		}
		if len(st.Action) == 0 {
			bad(st, "no actions")
		}
		exc, hasExc := exceptionFor(st.Sid)
		for _, a := range st.Action {
			if a == "*" || strings.HasSuffix(a, ":*") {
				bad(st, "action %q allows a whole service", a)
				continue
			}
			if strings.Contains(a, "*") && (!hasExc || !slices.Contains(exc.Actions, a)) {
				bad(st, "wildcard action %q is not a listed exception", a)
			}
		}
		for _, r := range st.Resource {
			if r == "*" {
				for _, a := range st.Action {
					if !hasExc || !slices.Contains(exc.Actions, a) {
						bad(st, "action %q on resource \"*\" is not a listed exception", a)
					}
				}
				continue
			}
			if parts := strings.SplitN(r, ":", 6); len(parts) == 6 && parts[4] == "*" {
				bad(st, "resource %q allows any account", r)
			}
		}
	}
	return problems
}

// CheckFederatedTrust checks a trust policy of an OIDC-federated role:
// every statement allows exactly sts:AssumeRoleWithWebIdentity to
// providerARN, with StringEquals (nothing looser) on "<host>:aud" =
// sts.amazonaws.com and "<host>:sub" = one subject without wildcards that
// starts with subjectPrefix. It returns the subjects it found.
func CheckFederatedTrust(d Document, providerARN, host, subjectPrefix string) (subjects []string, problems []string) {
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(d.Statement) == 0 {
		bad("no statements")
	}
	for _, st := range d.Statement {
		if st.Effect != "Allow" {
			bad("statement %q: effect %q", st.Sid, st.Effect)
			continue
		}
		if st.Principal == nil || st.Principal.Any || len(st.Principal.AWS)+len(st.Principal.Service) > 0 ||
			!slices.Equal(st.Principal.Federated, []string{providerARN}) {
			bad("statement %q: principal is not exactly %s", st.Sid, providerARN)
		}
		if !slices.Equal(st.Action, []string{"sts:AssumeRoleWithWebIdentity"}) {
			bad("statement %q: actions %v", st.Sid, st.Action)
		}
		for op := range st.Condition {
			if op != "StringEquals" {
				bad("statement %q: condition operator %s (only StringEquals)", st.Sid, op)
			}
		}
		eq := st.Condition["StringEquals"]
		if aud := eq[host+":aud"]; !slices.Equal(aud, []string{STSAudience}) {
			bad("statement %q: %s:aud is %v, want [%s]", st.Sid, host, aud, STSAudience)
		}
		sub := eq[host+":sub"]
		switch {
		case len(sub) != 1:
			bad("statement %q: %s:sub has %d values, want exactly one", st.Sid, host, len(sub))
		case strings.ContainsAny(sub[0], "*?"):
			bad("statement %q: subject %q has a wildcard", st.Sid, sub[0])
		case !strings.HasPrefix(sub[0], subjectPrefix):
			bad("statement %q: subject %q does not start with %q", st.Sid, sub[0], subjectPrefix)
		default:
			subjects = append(subjects, sub[0])
		}
		for k := range eq {
			if k != host+":aud" && k != host+":sub" {
				bad("statement %q: unexpected condition key %s", st.Sid, k)
			}
		}
	}
	return subjects, problems
}
