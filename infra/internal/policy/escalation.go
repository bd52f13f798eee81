package policy

import (
	"slices"
	"strings"
)

// EC2 has no way to name a VPC, subnet or route before it exists, so the
// deploy role's EC2 rights are scoped by the stack's tags (the program tags
// every EC2 resource with TagProject and TagStack, and the AWS provider sends
// the tags with the create call):
//   - a create call may make a new resource only with the stack's tags in
//     the request (aws:RequestTag), one statement per group of new resource
//     types, so the existing resources a create call names (the VPC of a new
//     subnet, the subnet of a NAT gateway) never match it;
//   - every call on an existing resource (including those a create call
//     names) needs the stack's tags on that resource (aws:ResourceTag);
//   - tags may be written on other resources only as part of a create.
//
// Dev's CI therefore cannot change prod's network even in the same account.

// ec2Creates maps the create calls of each group to the types of the
// resources they make. Within a group no call names an existing resource of
// a type in the group.
var ec2Creates = []struct {
	sid     string
	actions []string
	types   []string
}{
	{"EC2CreateTopLevel", []string{"ec2:CreateVpc", "ec2:CreateInternetGateway", "ec2:AllocateAddress"}, []string{"vpc", "internet-gateway", "elastic-ip"}},
	{"EC2CreateInVpc", []string{"ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup"}, []string{"subnet", "route-table", "security-group"}},
	{"EC2CreateNatGateway", []string{"ec2:CreateNatGateway"}, []string{"natgateway"}},
	{"EC2CreateLaunchTemplate", []string{"ec2:CreateLaunchTemplate"}, []string{"launch-template"}},
}

// EC2CreateActions are the create calls whose new resource must carry the
// stack's tags.
func EC2CreateActions() []string {
	var out []string
	for _, g := range ec2Creates {
		out = append(out, g.actions...)
	}
	return out
}

// ec2OwnActions are the calls on existing resources of the stack.
var ec2OwnActions = []string{
	"ec2:DeleteVpc", "ec2:ModifyVpcAttribute",
	"ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
	"ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
	"ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute",
	"ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation",
	"ec2:ReleaseAddress", "ec2:AssociateAddress", "ec2:DisassociateAddress",
	"ec2:CreateNatGateway", "ec2:DeleteNatGateway",
	"ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup",
	"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
	"ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
	"ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
	"ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags",
	"ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate",
	"ec2:DeleteLaunchTemplateVersions",
}

// ec2RuleActions are the security group rule calls: the rule is a resource
// of its own in IAM, next to the security group (which must be the stack's).
var ec2RuleActions = []string{
	"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
	"ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
	"ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
	"ec2:ModifySecurityGroupRules",
}

func ec2Statements(s Scope) []Statement {
	var st []Statement
	for _, g := range ec2Creates {
		st = append(st, Statement{
			Sid: g.sid, Effect: "Allow", Action: g.actions,
			Resource:  mapStrings(g.types, func(t string) string { return s.ARN("ec2", t+"/*") }),
			Condition: Conditions{"StringEquals": s.stackTags("aws:RequestTag")},
		})
	}
	return append(st,
		Statement{
			Sid: "EC2OwnStack", Effect: "Allow", Action: ec2OwnActions,
			Resource:  Strings{s.ARN("ec2", "*")},
			Condition: Conditions{"StringEquals": s.stackTags("aws:ResourceTag")},
		},
		Statement{
			Sid: "EC2TagOnCreate", Effect: "Allow", Action: Strings{"ec2:CreateTags"},
			Resource: Strings{s.ARN("ec2", "*")},
			// ec2:CreateAction holds the API name without the service prefix.
			Condition: Conditions{"StringEquals": {"ec2:CreateAction": mapStrings(EC2CreateActions(), func(a string) string {
				return strings.TrimPrefix(a, "ec2:")
			})}},
		},
		allow("EC2SecurityGroupRules", ec2RuleActions, s.ARN("ec2", "security-group-rule/*")),
	)
}

// ProtectedRoleActions are the calls that would let the deploy role change
// what a CI role may do or who may assume it. The deploy role is denied all
// of them on every CI role, its own included.
var ProtectedRoleActions = []string{
	"iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
	"iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
	"iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:TagRole", "iam:UntagRole",
}

// ProtectedPolicyActions are the calls that would change the permissions
// boundary or a CI role's managed policy; the deploy role is denied all of
// them on those.
var ProtectedPolicyActions = []string{
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy",
	"iam:TagPolicy", "iam:UntagPolicy",
}

// iamStatements are the deploy role's IAM rights. Roles of the stack
// (named "<project>-<stack>-*") may be created, given inline or managed
// policies, or given a boundary only when they carry the bootstrap's
// boundary (iam:PermissionsBoundary); the CI roles and the boundary itself
// are out of reach (explicit denies, which no allow overrides); passing a
// role names the role and the one service it goes to.
func iamStatements(s Scope) []Statement {
	boundary := map[string]Strings{"iam:PermissionsBoundary": {s.BoundaryARN}}
	st := []Statement{
		{
			Sid: "IAMRoleCreateBounded", Effect: "Allow",
			Action: Strings{
				"iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
			},
			Resource:  Strings{s.rolesARN()},
			Condition: Conditions{"StringEquals": boundary},
		},
		{
			Sid: "IAMAttachManaged", Effect: "Allow",
			Action:   Strings{"iam:AttachRolePolicy", "iam:DetachRolePolicy"},
			Resource: Strings{s.rolesARN()},
			Condition: Conditions{
				"ArnEquals":    {"iam:PolicyARN": s.ManagedPolicies},
				"StringEquals": boundary,
			},
		},
		allow("IAMRoleManage", []string{
			"iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription",
			"iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
		}, s.rolesARN()),
	}
	for _, service := range passServices(s.PassRoles) {
		var arns []string
		for _, r := range s.PassRoles {
			if r.Service == service {
				arns = append(arns, s.RoleARN(r.Name))
			}
		}
		st = append(st, Statement{
			Sid: "IAMPassRole" + sidWord(service), Effect: "Allow",
			Action: Strings{"iam:PassRole"}, Resource: arns,
			Condition: Conditions{"StringEquals": {"iam:PassedToService": {service}}},
		})
	}
	st = append(st,
		// The cluster's IRSA provider: its URL holds an id unknown before the
		// cluster exists, so it is scoped by the stack's tags.
		Statement{
			Sid: "IAMOIDCCreate", Effect: "Allow",
			Action:    Strings{"iam:CreateOpenIDConnectProvider", "iam:TagOpenIDConnectProvider"},
			Resource:  Strings{s.eksOIDCProviderARN()},
			Condition: Conditions{"StringEquals": s.stackTags("aws:RequestTag")},
		},
		Statement{
			Sid: "IAMOIDCManage", Effect: "Allow",
			Action: Strings{
				"iam:DeleteOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider",
				"iam:UpdateOpenIDConnectProviderThumbprint",
				"iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
			},
			Resource:  Strings{s.eksOIDCProviderARN()},
			Condition: Conditions{"StringEquals": s.stackTags("aws:ResourceTag")},
		},
		Statement{
			Sid: "IAMServiceLinkedRoles", Effect: "Allow",
			Action:   Strings{"iam:CreateServiceLinkedRole"},
			Resource: Strings{s.RoleARN("aws-service-role/*")},
			Condition: Conditions{"StringEquals": {"iam:AWSServiceName": {
				"eks.amazonaws.com", "eks-nodegroup.amazonaws.com", "autoscaling.amazonaws.com",
			}}},
		},
		deny("DenyCIRoleChanges", ProtectedRoleActions, mapStrings(s.CIRoles, s.RoleARN)...),
		deny("DenyPolicyChanges", ProtectedPolicyActions,
			append([]string{s.BoundaryARN}, mapStrings(s.CIPolicies, s.PolicyARN)...)...),
		// No allow grants it; the deny keeps a later allow from doing so.
		deny("DenyBoundaryRemoval", []string{"iam:DeleteRolePermissionsBoundary"}, "*"),
		denyRetag(s),
		// A role the deploy role creates could trust it by name (same
		// account, no identity policy needed): it may assume no role.
		deny("DenyAssumeRole", []string{"sts:AssumeRole"}, "*"),
	)
	return st
}

// RetagActions are the tag calls whose allows can only be scoped by the
// request's tags (tagging a KMS key or an OIDC provider at creation has
// no resource yet): on an existing resource they would let the deploy role
// retag another stack's key or provider as its own, and the allows scoped
// by aws:ResourceTag would then hand it over.
var RetagActions = []string{"kms:TagResource", "kms:UntagResource", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider"}

// denyRetag denies RetagActions on any resource that already carries the
// project tag but not this stack's stack tag (another stack's, or none: the
// bootstrap's state key). A resource being created carries no tag yet, so
// tagging at creation is left to the allows.
func denyRetag(s Scope) Statement {
	d := deny("DenyRetagOtherStacks", RetagActions, "*")
	d.Condition = Conditions{
		"Null":            {"aws:ResourceTag/" + TagProject: {"false"}},
		"StringNotEquals": {"aws:ResourceTag/" + TagStack: {s.Stack}},
	}
	return d
}

func passServices(roles []PassRole) []string {
	var out []string
	for _, r := range roles {
		if !slices.Contains(out, r.Service) {
			out = append(out, r.Service)
		}
	}
	return out
}

// sidWord turns "eks.amazonaws.com" into "EKS" for a statement id (IAM
// allows only letters and digits there).
func sidWord(service string) string {
	name, _, _ := strings.Cut(service, ".")
	return strings.ToUpper(strings.ReplaceAll(name, "-", ""))
}

func deny(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Deny", Action: actions, Resource: resources}
}
