package main

// TestE2EIAM evaluates the policies the bootstrap program generates (run
// under Pulumi's mocks, written as JSON to a temporary folder) with a real
// IAM evaluator, @cloud-copilot/iam-simulate (pinned in iamsim/package.json,
// installed by .ci/install-deps into bin/). It runs only with MLOPS_E2E=1
// (make e2e-iam sets it, and IAM_SIMULATE, the folder holding node_modules).
//
// Allowed for dev's deploy role: every call of the table policy.DeployCalls.
// Denied: changing any CI role's policies, trust or boundary (its own
// included), changing the boundary policy or a CI policy, creating a role
// without the boundary, passing a role it must not, assuming a role, EC2
// writes on resources of another stack or of no stack, creating a role with
// prod's boundary. Under dev's boundary: IAM escalation denied, the
// workloads' calls allowed, but not on prod's network, load balancers or
// bucket.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/infra/ciaccess"
	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/policy"
)

type simPolicy struct {
	Name   string          `json:"name"`
	Policy json.RawMessage `json:"policy"`
}

type simulation struct {
	Request struct {
		Principal string `json:"principal"`
		Action    string `json:"action"`
		Resource  struct {
			Resource  string `json:"resource"`
			AccountID string `json:"accountId"`
		} `json:"resource"`
		ContextVariables map[string]string `json:"contextVariables"`
	} `json:"request"`
	IdentityPolicies           []simPolicy `json:"identityPolicies"`
	ServiceControlPolicies     []any       `json:"serviceControlPolicies"`
	ResourceControlPolicies    []any       `json:"resourceControlPolicies"`
	PermissionBoundaryPolicies []simPolicy `json:"permissionBoundaryPolicies,omitempty"`
	// ResourcePolicy is the resource's own policy: a KMS key's key policy.
	ResourcePolicy json.RawMessage `json:"resourcePolicy,omitempty"`
}

// defaultKeyPolicy is the key policy KMS gives a key created without one
// (as the cluster's Secrets key is): it trusts the account, which lets IAM
// policies grant access to the key. KMS honours IAM policies only through
// such a statement, and the simulator models that.
const defaultKeyPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",` +
	`"Principal":{"AWS":"arn:aws:iam::` + testAccount + `:root"},"Action":"kms:*","Resource":"*"}]}`

type simCase struct {
	Name       string     `json:"name"`
	Simulation simulation `json:"simulation"`
	// wantAllowed is the expected outcome (not sent).
	wantAllowed bool
}

// retag returns the context of a tag call on a resource tagged tags that
// asks for dev's tags.
func retag(tags map[string]string) map[string]string {
	out := map[string]string{"aws:RequestTag/project": "mlops", "aws:RequestTag/stack": "dev", "aws:TagKeys": "project,stack"}
	for k, v := range tags {
		out[k] = v
	}
	return out
}

type simResult struct {
	Name               string   `json:"name"`
	Result             string   `json:"result"`
	Errors             string   `json:"errors"`
	IgnoredContextKeys []string `json:"ignoredContextKeys"`
}

func requireE2E(t *testing.T) string {
	t.Helper()
	if testing.Short() || os.Getenv("MLOPS_E2E") != "1" {
		t.Skip("end-to-end check: run with MLOPS_E2E=1 (make e2e-iam)")
	}
	dir := os.Getenv("IAM_SIMULATE")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@cloud-copilot", "iam-simulate")); err != nil {
		t.Fatalf("IAM_SIMULATE=%q holds no node_modules/@cloud-copilot/iam-simulate: make e2e-deps installs it (%v)", dir, err)
	}
	return dir
}

func TestE2EIAM(t *testing.T) {
	simDir := requireE2E(t)
	r := runBootstrap(t, committedConfig(t), "")
	if r.err != nil {
		t.Fatal(r.err)
	}
	// The generated documents, as the program registers them.
	exported := t.TempDir()
	var deploy, prodRelease []simPolicy
	var boundary json.RawMessage
	for _, p := range r.ofType("aws:iam/policy:Policy") {
		name, doc := p.str("name"), json.RawMessage(p.str("policy"))
		if err := os.WriteFile(filepath.Join(exported, name+".json"), doc, 0o600); err != nil {
			t.Fatal(err)
		}
		switch {
		case name == "mlops-dev-boundary":
			boundary = doc
		case strings.HasPrefix(name, "mlops-dev-ci-deploy-"):
			deploy = append(deploy, simPolicy{Name: name, Policy: doc})
		case strings.HasPrefix(name, "mlops-prod-ci-release-"):
			prodRelease = append(prodRelease, simPolicy{Name: name, Policy: doc})
		}
	}
	if len(deploy) == 0 || len(prodRelease) == 0 || boundary == nil {
		t.Fatalf("found %d deploy policies and boundary %v", len(deploy), boundary != nil)
	}

	env := policy.Env{Partition: "aws", Account: testAccount, Region: testRegion}
	b, err := config.LoadBootstrap(bootProject, config.MapSource{Values: committedConfig(t)})
	if err != nil {
		t.Fatal(err)
	}
	keyARN, _ := r.outputs["secretsKmsKeyArn"].(string)
	boundaryARN := env.PolicyARN("mlops-dev-boundary")
	prodBoundaryARN := env.PolicyARN("mlops-prod-boundary")
	s, err := ciaccess.StackScope(env, "mlops", b.Stacks[0], b.Stacks, boundaryARN, "mlops-pulumi-state-"+testAccount, keyARN)
	if err != nil {
		t.Fatal(err)
	}
	deployRole := env.RoleARN("mlops-dev-ci-deploy")
	var cases []simCase
	add := func(name, principal string, policies []simPolicy, bounded bool, c policy.Call, want bool) {
		sim := simulation{IdentityPolicies: policies, ServiceControlPolicies: []any{}, ResourceControlPolicies: []any{}}
		sim.Request.Principal = principal
		sim.Request.Action = c.Action
		sim.Request.Resource.Resource = c.Resource
		sim.Request.Resource.AccountID = testAccount
		sim.Request.ContextVariables = c.Context
		if sim.Request.ContextVariables == nil {
			sim.Request.ContextVariables = map[string]string{}
		}
		if bounded {
			sim.PermissionBoundaryPolicies = []simPolicy{{Name: "boundary", Policy: boundary}}
		}
		if strings.HasPrefix(c.Resource, "arn:aws:kms:") && strings.Contains(c.Resource, ":key/") {
			sim.ResourcePolicy = json.RawMessage(defaultKeyPolicy)
		}
		cases = append(cases, simCase{Name: name, Simulation: sim, wantAllowed: want})
	}

	// Allowed: the table.
	for _, row := range policy.DeployCalls(s) {
		for _, c := range row.Calls {
			add("allow "+row.Type+" "+c.Action+" "+c.Resource, deployRole, deploy, false, c, true)
		}
	}
	// Denied: the CI roles, the deploy role itself included.
	withBoundary := map[string]string{"iam:PermissionsBoundary": boundaryARN}
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	for _, target := range []string{"mlops-dev-ci-deploy", "mlops-dev-ci-preview", "mlops-dev-ci-release", "mlops-dev-ci-train", "mlops-prod-ci-deploy"} {
		arn := env.RoleARN(target)
		for _, a := range []string{"iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRole"} {
			add("deny "+a+" on "+target, deployRole, deploy, false, policy.Call{Action: a, Resource: arn, Context: withBoundary}, false)
		}
		for _, pol := range []string{admin, s.ManagedPolicies[0]} {
			add("deny iam:AttachRolePolicy "+pol+" on "+target, deployRole, deploy, false, policy.Call{
				Action: "iam:AttachRolePolicy", Resource: arn,
				Context: map[string]string{"iam:PermissionsBoundary": boundaryARN, "iam:PolicyARN": pol},
			}, false)
		}
	}
	for _, pol := range []string{boundaryARN, prodBoundaryARN, env.PolicyARN("mlops-dev-ci-deploy-1"), env.PolicyARN("mlops-prod-ci-deploy-1")} {
		for _, a := range []string{"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"} {
			add("deny "+a+" on "+pol, deployRole, deploy, false, policy.Call{Action: a, Resource: pol}, false)
		}
	}
	newRole := env.RoleARN("mlops-dev-escalate")
	add("deny CreateRole without the boundary", deployRole, deploy, false, policy.Call{Action: "iam:CreateRole", Resource: newRole}, false)
	add("deny CreateRole with another boundary", deployRole, deploy, false, policy.Call{
		Action: "iam:CreateRole", Resource: newRole, Context: map[string]string{"iam:PermissionsBoundary": admin},
	}, false)
	// Prod's boundary reaches prod's bucket and network: a role dev's CI
	// gave it would be a way into prod.
	add("deny CreateRole with prod's boundary", deployRole, deploy, false, policy.Call{
		Action: "iam:CreateRole", Resource: newRole, Context: map[string]string{"iam:PermissionsBoundary": prodBoundaryARN},
	}, false)
	add("deny PutRolePermissionsBoundary to prod's boundary", deployRole, deploy, false, policy.Call{
		Action: "iam:PutRolePermissionsBoundary", Resource: env.RoleARN("mlops-dev-eks-node"), Context: map[string]string{"iam:PermissionsBoundary": prodBoundaryARN},
	}, false)
	add("deny PutRolePolicy on a role without the boundary", deployRole, deploy, false, policy.Call{Action: "iam:PutRolePolicy", Resource: env.RoleARN("mlops-dev-eks-node")}, false)
	add("deny PassRole of a CI role", deployRole, deploy, false, policy.Call{
		Action: "iam:PassRole", Resource: deployRole, Context: map[string]string{"iam:PassedToService": "eks.amazonaws.com"},
	}, false)
	add("deny PassRole to another service", deployRole, deploy, false, policy.Call{
		Action: "iam:PassRole", Resource: env.RoleARN("mlops-dev-eks-node"), Context: map[string]string{"iam:PassedToService": "ec2.amazonaws.com"},
	}, false)
	add("deny AssumeRole", deployRole, deploy, false, policy.Call{Action: "sts:AssumeRole", Resource: env.RoleARN("mlops-dev-eks-node")}, false)
	add("deny deleting the GitHub provider", deployRole, deploy, false, policy.Call{
		Action: "iam:DeleteOpenIDConnectProvider", Resource: env.GlobalARN("iam", "oidc-provider/"+policy.GitHubOIDCHost),
	}, false)
	// Denied: EC2 writes on prod's resources and on untagged ones.
	prodTags := map[string]string{"aws:ResourceTag/project": "mlops", "aws:ResourceTag/stack": "prod"}
	for _, c := range []policy.Call{
		{Action: "ec2:DeleteVpc", Resource: env.ARN("ec2", "vpc/vpc-0prod"), Context: prodTags},
		{Action: "ec2:ModifyVpcAttribute", Resource: env.ARN("ec2", "vpc/vpc-0prod"), Context: prodTags},
		{Action: "ec2:CreateSubnet", Resource: env.ARN("ec2", "vpc/vpc-0prod"), Context: prodTags},
		{Action: "ec2:CreateTags", Resource: env.ARN("ec2", "vpc/vpc-0prod"), Context: prodTags},
		{Action: "ec2:DeleteRoute", Resource: env.ARN("ec2", "route-table/rtb-0prod"), Context: prodTags},
		{Action: "ec2:AuthorizeSecurityGroupIngress", Resource: env.ARN("ec2", "security-group/sg-0prod"), Context: prodTags},
		{Action: "ec2:DeleteNatGateway", Resource: env.ARN("ec2", "natgateway/nat-0prod"), Context: prodTags},
		{Action: "ec2:DeleteVpc", Resource: env.ARN("ec2", "vpc/vpc-0untagged")},
		{Action: "ec2:CreateVpc", Resource: env.ARN("ec2", "vpc/vpc-0new"), Context: map[string]string{"aws:RequestTag/project": "mlops", "aws:RequestTag/stack": "prod"}},
		{Action: "ec2:DeleteLaunchTemplate", Resource: env.ARN("ec2", "launch-template/lt-0prod"), Context: prodTags},
		// Prod's Secrets key: dev's CI can neither delete it nor grant
		// itself its use.
		{Action: "kms:ScheduleKeyDeletion", Resource: env.ARN("kms", "key/0prod-key"), Context: prodTags},
		{Action: "kms:CreateGrant", Resource: env.ARN("kms", "key/0prod-key"), Context: prodTags},
		{Action: "kms:PutKeyPolicy", Resource: env.ARN("kms", "key/0prod-key"), Context: prodTags},
		{Action: "kms:CreateKey", Resource: "*", Context: map[string]string{"aws:RequestTag/project": "mlops", "aws:RequestTag/stack": "prod"}},
		// Retagging another stack's key or IRSA provider (or the
		// bootstrap's state key) as dev's would hand it over to the
		// allows scoped by resource tags.
		{Action: "kms:TagResource", Resource: env.ARN("kms", "key/0prod-key"), Context: retag(prodTags)},
		{Action: "kms:UntagResource", Resource: env.ARN("kms", "key/0prod-key"), Context: prodTags},
		{Action: "kms:TagResource", Resource: env.ARN("kms", "key/0state-key"), Context: retag(map[string]string{"aws:ResourceTag/project": "mlops", "aws:ResourceTag/managed-by": "pulumi-bootstrap"})},
		{Action: "iam:TagOpenIDConnectProvider", Resource: env.GlobalARN("iam", "oidc-provider/oidc.eks."+testRegion+".amazonaws.com/id/0PROD"), Context: retag(prodTags)},
		{Action: "iam:UntagOpenIDConnectProvider", Resource: env.GlobalARN("iam", "oidc-provider/oidc.eks."+testRegion+".amazonaws.com/id/0PROD"), Context: prodTags},
	} {
		add("deny "+c.Action+" on "+c.Resource+" "+c.Context["aws:ResourceTag/stack"], deployRole, deploy, false, c, false)
	}
	// The promotion: prod's release role copies dev's image by digest
	// (prod promotesFrom dev), reading dev's repository, writing only its
	// own.
	prodReleaseRole := env.RoleARN("mlops-prod-ci-release")
	devRepo, prodRepo := env.ARN("ecr", "repository/mlops-dev/model-api"), env.ARN("ecr", "repository/mlops-prod/model-api")
	for _, a := range []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages"} {
		add("prod release reads dev's repository: "+a, prodReleaseRole, prodRelease, false, policy.Call{Action: a, Resource: devRepo}, true)
	}
	for _, a := range []string{"ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:BatchDeleteImage"} {
		add("prod release cannot write dev's repository: "+a, prodReleaseRole, prodRelease, false, policy.Call{Action: a, Resource: devRepo}, false)
	}
	add("prod release pushes to its own repository", prodReleaseRole, prodRelease, false, policy.Call{Action: "ecr:PutImage", Resource: prodRepo}, true)
	// Its own key stays taggable.
	devTags := map[string]string{"aws:ResourceTag/project": "mlops", "aws:ResourceTag/stack": "dev"}
	add("allow kms:TagResource on its own key", deployRole, deploy, false, policy.Call{
		Action: "kms:TagResource", Resource: env.ARN("kms", "key/0dev-key"), Context: retag(devTags),
	}, true)
	// Under the boundary: whatever a role's own policy says.
	everything := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	bounded := []simPolicy{{Name: "everything", Policy: everything}}
	lbc := env.RoleARN("mlops-dev-lb-controller")
	for _, c := range []policy.Call{
		{Action: "iam:PutRolePolicy", Resource: lbc}, {Action: "iam:AttachRolePolicy", Resource: lbc},
		{Action: "iam:CreateRole", Resource: env.RoleARN("mlops-dev-x")}, {Action: "iam:CreateUser", Resource: env.GlobalARN("iam", "user/x")},
		{Action: "iam:CreateAccessKey", Resource: env.GlobalARN("iam", "user/x")},
		{Action: "iam:PassRole", Resource: deployRole}, {Action: "sts:AssumeRole", Resource: deployRole},
		{Action: "iam:CreatePolicyVersion", Resource: boundaryARN}, {Action: "iam:DeleteRolePermissionsBoundary", Resource: lbc},
		// Another stack's resources: by their tags, and its bucket.
		{Action: "ec2:TerminateInstances", Resource: env.ARN("ec2", "instance/i-0prod"), Context: prodTags},
		{Action: "ec2:AuthorizeSecurityGroupIngress", Resource: env.ARN("ec2", "security-group/sg-0prod"), Context: prodTags},
		{Action: "ec2:DeleteVolume", Resource: env.ARN("ec2", "volume/vol-0prod"), Context: prodTags},
		{Action: "elasticloadbalancing:DeleteLoadBalancer", Resource: env.ARN("elasticloadbalancing", "loadbalancer/app/prod/0example"), Context: prodTags},
		{Action: "autoscaling:UpdateAutoScalingGroup", Resource: env.ARN("autoscaling", "autoScalingGroup:0:autoScalingGroupName/prod"), Context: prodTags},
		{Action: "ec2:CreateVolume", Resource: env.ARN("ec2", "volume/vol-0new"), Context: map[string]string{"aws:RequestTag/project": "mlops", "aws:RequestTag/stack": "prod"}},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::mlops-prod-artifacts-" + testAccount + "/dvc/x"},
	} {
		add("boundary denies "+c.Action+" "+c.Resource, lbc, bounded, true, c, false)
	}
	for _, c := range []policy.Call{
		{Action: "ec2:CreateNetworkInterface", Resource: env.ARN("ec2", "network-interface/eni-0example")},
		{Action: "ec2:CreateVolume", Resource: env.ARN("ec2", "volume/vol-0example")},
		{Action: "ec2:TerminateInstances", Resource: env.ARN("ec2", "instance/i-0dev"), Context: map[string]string{"aws:ResourceTag/project": "mlops", "aws:ResourceTag/stack": "dev"}},
		{Action: "ec2:CreateVolume", Resource: env.ARN("ec2", "volume/vol-0dev"), Context: map[string]string{"aws:RequestTag/project": "mlops", "aws:RequestTag/stack": "dev"}},
		{Action: "elasticloadbalancing:CreateLoadBalancer", Resource: env.ARN("elasticloadbalancing", "loadbalancer/app/x/0example")},
		{Action: "eks:DescribeCluster", Resource: env.ARN("eks", "cluster/mlops-dev")},
		{Action: "ecr:BatchGetImage", Resource: env.ARN("ecr", "repository/mlops-dev/model-api")},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::mlops-dev-artifacts-" + testAccount + "/dvc/x"},
		{Action: "iam:CreateServiceLinkedRole", Resource: env.RoleARN("aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"),
			Context: map[string]string{"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
	} {
		add("boundary allows "+c.Action+" "+c.Resource, lbc, bounded, true, c, true)
	}

	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	casesFile := filepath.Join(exported, "cases.json")
	if err := os.WriteFile(casesFile, in, 0o600); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("iamsim", "simulate.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	// Node resolves the package from the script's folder upwards: copy the
	// script next to the installed node_modules.
	runScript := filepath.Join(simDir, "simulate.mjs")
	src, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(runScript, src, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "node", runScript, casesFile)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v", runScript, err)
	}
	var results []simResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("simulator output: %v\n%s", err, out)
	}
	if len(results) != len(cases) {
		t.Fatalf("%d results for %d cases", len(results), len(cases))
	}
	allowed, denied := 0, 0
	for i, res := range results {
		c := cases[i]
		if res.Errors != "" {
			t.Errorf("%s: the simulator rejected the request: %s", c.Name, res.Errors)
			continue
		}
		if got := res.Result == "Allowed"; got != c.wantAllowed {
			t.Errorf("%s: %s (context keys ignored: %v)", c.Name, res.Result, res.IgnoredContextKeys)
		}
		if c.wantAllowed {
			allowed++
		} else {
			denied++
		}
	}
	t.Logf("iam-simulate: %d requests allowed and %d denied as expected (policies in %s)", allowed, denied, exported)
}
