package policy

import (
	"encoding/json"
	"fmt"
)

// ManagedPolicies are the AWS managed policies the stack attaches, with why. The deploy role may
// attach these and no others (IAMAttachManaged), and the mock test fails on
// any other attachment.
var ManagedPolicies = []struct {
	Name, Reason string
}{
	{"AmazonEKSClusterPolicy", "the EKS cluster role: what the control plane needs"},
	{"AmazonEKSWorkerNodePolicy", "the node role: kubelet's EKS calls"},
	{"AmazonEKS_CNI_Policy", "the node role: the VPC CNI assigns pod IPs from the nodes' ENIs"},
	{"AmazonEC2ContainerRegistryPullOnly", "the node role: pull images from ECR, nothing else"},
	{"service-role/AmazonEBSCSIDriverPolicy", "the EBS CSI driver's IRSA role: create and attach the volumes PVCs ask for"},
}

// ManagedPolicyARNs returns the ARNs of ManagedPolicies in this partition.
func ManagedPolicyARNs(e Env) []string {
	out := make([]string, len(ManagedPolicies))
	for i, p := range ManagedPolicies {
		out[i] = e.ManagedPolicyARN(p.Name)
	}
	return out
}

// LoadBalancerControllerPolicy is the AWS Load Balancer Controller's IRSA
// policy, restated from the controller's published docs/install/iam_policy.json
// (v2.14/v2.15) with ARNs pinned to this partition, region and account instead
// of "*:*". Most of its statements act on "*" guarded by the cluster tag the
// controller puts on what it creates: the exceptions list names them. Re-check
// it against the controller's file when awsLoadBalancerControllerChartVersion
// changes.
func LoadBalancerControllerPolicy(e Env) Document {
	elb := func(r string) string { return e.ARN("elasticloadbalancing", r) }
	sg := e.ARN("ec2", "security-group/*")
	lbAndTG := []string{elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")}
	null := func(kv ...string) Conditions {
		m := map[string]Strings{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = Strings{kv[i+1]}
		}
		return Conditions{"Null": m}
	}
	const req, res = "aws:RequestTag/elbv2.k8s.aws/cluster", "aws:ResourceTag/elbv2.k8s.aws/cluster"
	return doc(
		Statement{
			Sid: "LBCServiceLinkedRole", Effect: "Allow",
			Action:    Strings{"iam:CreateServiceLinkedRole"},
			Resource:  Strings{e.RoleARN("aws-service-role/elasticloadbalancing.amazonaws.com/*")},
			Condition: Conditions{"StringEquals": {"iam:AWSServiceName": {"elasticloadbalancing.amazonaws.com"}}},
		},
		allow("LBCDescribe", []string{
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
		}, "*"),
		allow("LBCIntegrations", []string{
			"cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate",
			"iam:ListServerCertificates", "iam:GetServerCertificate",
			"waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL",
			"wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
			"shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection",
		}, "*"),
		allow("LBCSecurityGroupRules", []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"}, sg),
		allow("LBCCreateSecurityGroup", []string{"ec2:CreateSecurityGroup"}, sg, e.ARN("ec2", "vpc/*")),
		Statement{
			Sid: "LBCTagNewSecurityGroup", Effect: "Allow",
			Action:   Strings{"ec2:CreateTags"},
			Resource: Strings{sg},
			Condition: Conditions{
				"StringEquals": {"ec2:CreateAction": {"CreateSecurityGroup"}},
				"Null":         {req: {"false"}},
			},
		},
		Statement{
			Sid: "LBCTagOwnSecurityGroup", Effect: "Allow",
			Action: Strings{"ec2:CreateTags", "ec2:DeleteTags"}, Resource: Strings{sg},
			Condition: null(req, "true", res, "false"),
		},
		Statement{
			Sid: "LBCOwnSecurityGroup", Effect: "Allow",
			Action:    Strings{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"},
			Resource:  Strings{sg},
			Condition: null(res, "false"),
		},
		Statement{
			Sid: "LBCCreate", Effect: "Allow",
			Action:    Strings{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"},
			Resource:  Strings{"*"},
			Condition: null(req, "false"),
		},
		allow("LBCListeners", []string{
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
			"elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
		}, "*"),
		Statement{
			Sid: "LBCTagOwn", Effect: "Allow",
			Action:    Strings{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
			Resource:  lbAndTG,
			Condition: null(req, "true", res, "false"),
		},
		allow("LBCTagListeners", []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
			elb("listener/net/*/*/*"), elb("listener/app/*/*/*"), elb("listener-rule/net/*/*/*"), elb("listener-rule/app/*/*/*")),
		Statement{
			Sid: "LBCModifyOwn", Effect: "Allow",
			Action: Strings{
				"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
				"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
				"elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
				"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
				"elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyCapacityReservation",
				"elasticloadbalancing:ModifyIpPools",
			},
			Resource:  Strings{"*"},
			Condition: null(res, "false"),
		},
		Statement{
			Sid: "LBCTagOnCreate", Effect: "Allow",
			Action:   Strings{"elasticloadbalancing:AddTags"},
			Resource: lbAndTG,
			Condition: Conditions{
				"StringEquals": {"elasticloadbalancing:CreateAction": {"CreateTargetGroup", "CreateLoadBalancer"}},
				"Null":         {req: {"false"}},
			},
		},
		allow("LBCTargets", []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"}, elb("targetgroup/*/*")),
		allow("LBCListenerSettings", []string{
			"elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener",
			"elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
			"elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
		}, "*"),
	)
}

// ECRLifecyclePolicy expires untagged images after untaggedDays and keeps
// the newest keepTagged tagged images.
func ECRLifecyclePolicy(keepTagged, untaggedDays int) (string, error) {
	if keepTagged < 1 || untaggedDays < 1 {
		return "", fmt.Errorf("policy: keepTagged %d and untaggedDays %d must be positive", keepTagged, untaggedDays)
	}
	type selection struct {
		TagStatus      string   `json:"tagStatus"`
		TagPatternList []string `json:"tagPatternList,omitempty"`
		CountType      string   `json:"countType"`
		CountUnit      string   `json:"countUnit,omitempty"`
		CountNumber    int      `json:"countNumber"`
	}
	type rule struct {
		RulePriority int               `json:"rulePriority"`
		Description  string            `json:"description"`
		Selection    selection         `json:"selection"`
		Action       map[string]string `json:"action"`
	}
	expire := map[string]string{"type": "expire"}
	b, err := json.Marshal(map[string][]rule{"rules": {
		{
			RulePriority: 1,
			Description:  fmt.Sprintf("expire untagged images after %d days", untaggedDays),
			Selection:    selection{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: untaggedDays},
			Action:       expire,
		},
		{
			RulePriority: 2,
			Description:  fmt.Sprintf("keep the newest %d tagged images", keepTagged),
			Selection:    selection{TagStatus: "tagged", TagPatternList: []string{"*"}, CountType: "imageCountMoreThan", CountNumber: keepTagged},
			Action:       expire,
		},
	}})
	if err != nil {
		return "", fmt.Errorf("policy: %w", err)
	}
	return string(b), nil
}
