package policy

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

var testEnv = Env{Partition: "aws", Account: "111122223333", Region: "eu-west-1"}

func testScope() Scope {
	return Scope{
		Env: testEnv, Project: "mlops", Stack: "dev", NamePrefix: "mlops-dev", ClusterName: "mlops-dev",
		RepositoryName: "mlops-dev/model-api", BucketName: "mlops-dev-artifacts-111122223333",
		LogGroup: "/aws/eks/mlops-dev/cluster", StateBucket: "state-bucket",
		KMSKeyARN:    "arn:aws:kms:eu-west-1:111122223333:key/abc",
		ForceDestroy: true,
		PassRoles: []PassRole{
			{"mlops-dev-eks-cluster", "eks.amazonaws.com"}, {"mlops-dev-eks-node", "eks.amazonaws.com"},
			{"mlops-dev-ebs-csi", "eks.amazonaws.com"},
		},
		BoundaryARN:     "arn:aws:iam::111122223333:policy/mlops-dev-boundary",
		CIRoles:         []string{"mlops-dev-ci-deploy", "mlops-dev-ci-preview", "mlops-prod-ci-deploy"},
		CIPolicies:      []string{"mlops-dev-ci-deploy-1"},
		ManagedPolicies: ManagedPolicyARNs(testEnv),
	}
}

// builtPolicies is every permission policy this package builds.
func builtPolicies() map[string]Document {
	s := testScope()
	return map[string]Document{
		"preview":     PreviewPolicy(s),
		"deploy":      DeployPolicy(s),
		"release":     ReleasePolicy(s),
		"bucket":      BucketReadWritePolicy(testEnv, s.BucketName),
		"lbc":         LoadBalancerControllerPolicy(testEnv),
		"bucket-tls":  TLSOnlyBucketPolicy(testEnv.BucketARN(s.BucketName)),
		"preview-min": PreviewPolicy(Scope{Env: testEnv, NamePrefix: "p", ClusterName: "p", RepositoryName: "p/r", BucketName: "b", LogGroup: "/g"}),
	}
}

// boundaries is every permissions boundary this package builds: they follow
// CheckBoundary's rules instead of Check's.
func boundaries() map[string]Document {
	return map[string]Document{
		"boundary":           BoundaryPolicy(BoundaryScope{Env: testEnv, Project: "mlops", Stack: "dev", ArtifactBucket: "mlops-dev-artifacts-111122223333"}),
		"boundary-no-bucket": BoundaryPolicy(BoundaryScope{Env: testEnv, Project: "mlops", Stack: "prod"}),
	}
}

func TestBuiltPoliciesPassCheck(t *testing.T) {
	for name, d := range builtPolicies() {
		if problems := Check(d); len(problems) > 0 {
			t.Errorf("%s: %s", name, strings.Join(problems, "; "))
		}
		// Round trip: what the program sends to AWS parses back the same.
		back, err := Parse(d.MustJSON())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if back.MustJSON() != d.MustJSON() {
			t.Errorf("%s does not round-trip", name)
		}
	}
}

func TestEveryExceptionIsUsed(t *testing.T) {
	used := map[string]bool{}
	for _, d := range builtPolicies() {
		for _, st := range d.Statement {
			used[st.Sid] = true
		}
	}
	for _, e := range Exceptions {
		if !used[e.Sid] {
			t.Errorf("exception %q is used by no policy: remove it", e.Sid)
		}
		if e.Reason == "" {
			t.Errorf("exception %q has no reason", e.Sid)
		}
	}
}

// IAM limits a managed policy to 6,144 characters: Split cuts every
// permission document into parts that fit, and keeps every statement.
func TestSplitFitsManagedPolicyLimit(t *testing.T) {
	for name, d := range builtPolicies() {
		parts, err := Split(d, ManagedPolicyLimit)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var statements []Statement
		for i, p := range parts {
			if n := len(p.MustJSON()); n > ManagedPolicyLimit {
				t.Errorf("%s part %d is %d characters, over %d", name, i, n, ManagedPolicyLimit)
			}
			statements = append(statements, p.Statement...)
		}
		if got, want := doc(statements...).MustJSON(), d.MustJSON(); got != want {
			t.Errorf("%s: the parts together differ from the document", name)
		}
	}
	if _, err := Split(doc(allow("X", []string{"s3:GetObject"}, strings.Repeat("a", 100))), 50); err == nil {
		t.Error("Split accepted a statement longer than the limit")
	}
}

func TestCheckRejects(t *testing.T) {
	tests := []struct {
		name string
		st   Statement
		want string
	}{
		{"star action", allow("X", []string{"*"}, "arn:aws:s3:::b"), "whole service"},
		{"service star", allow("X", []string{"s3:*"}, "arn:aws:s3:::b"), "whole service"},
		{"unlisted wildcard action", allow("X", []string{"s3:Get*"}, "arn:aws:s3:::b"), "wildcard action"},
		{"star resource", allow("X", []string{"s3:GetObject"}, "*"), `on resource "*"`},
		{"exception sid, other action", allow("ECRLogin", []string{"ecr:PutImage"}, "*"), `"ecr:PutImage" on resource "*"`},
		{"any account", allow("X", []string{"s3:GetObject"}, "arn:aws:elasticloadbalancing:*:*:loadbalancer/*"), "any account"},
		{"not action", Statement{Sid: "X", Effect: "Allow", NotAction: Strings{"iam:*"}, Resource: Strings{"arn:aws:s3:::b"}}, "NotAction"},
		{"any principal", Statement{Sid: "X", Effect: "Allow", Principal: &Principal{Any: true}, Action: Strings{"s3:GetObject"}, Resource: Strings{"arn:aws:s3:::b/*"}}, `principal "*"`},
		{"no actions", Statement{Sid: "X", Effect: "Allow", Resource: Strings{"arn:aws:s3:::b"}}, "no actions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := Check(doc(tt.st))
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("Check = %q, want a problem containing %q", problems, tt.want)
			}
		})
	}
	if p := Check(Document{Version: "2008-10-17"}); len(p) == 0 {
		t.Error("Check accepted an old policy version")
	}
	deny := TLSOnlyBucketPolicy("arn:aws:s3:::b")
	if p := Check(deny); len(p) != 0 {
		t.Errorf("a Deny with wildcards was rejected: %q", p)
	}
}

func TestGitHubSubjects(t *testing.T) {
	r := Repo{Owner: "mlopsgo", Name: "mlops"}
	immutable := Repo{Owner: "mlopsgo", Name: "mlops", OwnerID: "123", RepoID: "456"}
	tests := []struct{ got, want string }{
		{r.BranchSubject("main"), "repo:mlopsgo/mlops:ref:refs/heads/main"},
		{r.PullRequestSubject(), "repo:mlopsgo/mlops:pull_request"},
		{r.EnvironmentSubject("production"), "repo:mlopsgo/mlops:environment:production"},
		{immutable.BranchSubject("main"), "repo:mlopsgo@123/mlops@456:ref:refs/heads/main"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestCheckFederatedTrust(t *testing.T) {
	const provider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
	r := Repo{Owner: "mlopsgo", Name: "mlops"}
	good := GitHubTrust(provider, r.PullRequestSubject())
	subs, problems := CheckFederatedTrust(good, provider, GitHubOIDCHost, r.SubjectPrefix()+":")
	if len(problems) > 0 || !slices.Equal(subs, []string{"repo:mlopsgo/mlops:pull_request"}) {
		t.Fatalf("good trust: subjects %q, problems %q", subs, problems)
	}

	mutate := func(f func(*Statement)) Document {
		d := GitHubTrust(provider, r.PullRequestSubject())
		var c Document
		_ = json.Unmarshal([]byte(d.MustJSON()), &c) // deep copy
		f(&c.Statement[0])
		return c
	}
	key := func(k string) string { return GitHubOIDCHost + ":" + k }
	tests := []struct {
		name string
		doc  Document
		want string
	}{
		{"wildcard sub", mutate(func(s *Statement) { s.Condition["StringEquals"][key("sub")] = Strings{"repo:mlopsgo/mlops:*"} }), "wildcard"},
		{"StringLike", mutate(func(s *Statement) {
			s.Condition["StringLike"] = map[string]Strings{key("sub"): {"repo:mlopsgo/*"}}
		}), "StringLike"},
		{"no aud", mutate(func(s *Statement) { delete(s.Condition["StringEquals"], key("aud")) }), ":aud"},
		{"wrong aud", mutate(func(s *Statement) { s.Condition["StringEquals"][key("aud")] = Strings{"sigstore"} }), ":aud"},
		{"other repo", mutate(func(s *Statement) {
			s.Condition["StringEquals"][key("sub")] = Strings{"repo:someone/else:pull_request"}
		}), "does not start with"},
		{"two subjects", mutate(func(s *Statement) {
			s.Condition["StringEquals"][key("sub")] = Strings{"repo:mlopsgo/mlops:pull_request", "repo:mlopsgo/mlops:ref:refs/heads/x"}
		}), "exactly one"},
		{"other provider", mutate(func(s *Statement) { s.Principal.Federated = Strings{"arn:aws:iam::1:oidc-provider/x"} }), "principal"},
		{"assume role", mutate(func(s *Statement) { s.Action = Strings{"sts:AssumeRole"} }), "actions"},
		{"extra key", mutate(func(s *Statement) { s.Condition["StringEquals"][key("repository")] = Strings{"x"} }), "unexpected condition key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := CheckFederatedTrust(tt.doc, provider, GitHubOIDCHost, r.SubjectPrefix()+":")
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("problems %q, want one containing %q", problems, tt.want)
			}
		})
	}
}

func TestIRSATrust(t *testing.T) {
	const provider = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
	d := IRSATrust(provider, "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", "kube-system", "ebs-csi-controller-sa")
	subs, problems := CheckFederatedTrust(d, provider, "oidc.eks.eu-west-1.amazonaws.com/id/ABC", "system:serviceaccount:")
	if len(problems) > 0 || !slices.Equal(subs, []string{"system:serviceaccount:kube-system:ebs-csi-controller-sa"}) {
		t.Errorf("subjects %q, problems %q", subs, problems)
	}
}

func TestTLSOnly(t *testing.T) {
	const b = "arn:aws:s3:::bucket"
	if !IsTLSOnly(TLSOnlyBucketPolicy(b), b) {
		t.Error("TLSOnlyBucketPolicy is not TLS-only")
	}
	if IsTLSOnly(TLSOnlyBucketPolicy("arn:aws:s3:::other"), b) {
		t.Error("a policy for another bucket counted")
	}
	onlyBucket := TLSOnlyBucketPolicy(b)
	onlyBucket.Statement[0].Resource = Strings{b}
	if IsTLSOnly(onlyBucket, b) {
		t.Error("a policy that leaves the objects out counted")
	}
}

func TestDeployScope(t *testing.T) {
	s := testScope()
	d := DeployPolicy(s)
	var attach, pass *Statement
	for i, st := range d.Statement {
		switch st.Sid {
		case "IAMAttachManaged":
			attach = &d.Statement[i]
		case "IAMPassRoleEKS":
			pass = &d.Statement[i]
		}
	}
	if attach == nil || !slices.Equal(attach.Condition["ArnEquals"]["iam:PolicyARN"], ManagedPolicyARNs(testEnv)) {
		t.Errorf("deploy may attach policies beyond the managed list: %+v", attach)
	}
	want := []string{
		"arn:aws:iam::111122223333:role/mlops-dev-eks-cluster", "arn:aws:iam::111122223333:role/mlops-dev-eks-node",
		"arn:aws:iam::111122223333:role/mlops-dev-ebs-csi",
	}
	if pass == nil || !slices.Equal(pass.Resource, want) {
		t.Errorf("PassRole resources = %+v, want %q", pass, want)
	}
	if pass != nil && !slices.Equal(pass.Condition["StringEquals"]["iam:PassedToService"], []string{"eks.amazonaws.com"}) {
		t.Errorf("PassRole condition = %v, want iam:PassedToService eks.amazonaws.com", pass.Condition)
	}
	// Without force-destroy, deploy cannot delete objects.
	s.ForceDestroy = false
	for _, st := range DeployPolicy(s).Statement {
		if slices.Contains(st.Action, "s3:DeleteObject") && !slices.Contains(st.Resource, "arn:aws:s3:::state-bucket/.pulumi/*") {
			t.Errorf("statement %q deletes objects outside the state folder", st.Sid)
		}
	}
	// The preview role writes nothing but state locks.
	for _, st := range PreviewPolicy(testScope()).Statement {
		for _, a := range st.Action {
			verb := a[strings.Index(a, ":")+1:]
			readOnly := strings.HasPrefix(verb, "Describe") || strings.HasPrefix(verb, "Get") || strings.HasPrefix(verb, "List") || verb == "Decrypt"
			if !readOnly && st.Sid != "StateLock" {
				t.Errorf("preview statement %q allows %s", st.Sid, a)
			}
		}
	}
}

func TestECRLifecyclePolicy(t *testing.T) {
	got, err := ECRLifecyclePolicy(30, 7)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Rules []struct {
			RulePriority int `json:"rulePriority"`
			Selection    struct {
				TagStatus   string `json:"tagStatus"`
				CountType   string `json:"countType"`
				CountNumber int    `json:"countNumber"`
			} `json:"selection"`
			Action struct{ Type string } `json:"action"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(got), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) != 2 ||
		p.Rules[0].Selection.TagStatus != "untagged" || p.Rules[0].Selection.CountType != "sinceImagePushed" || p.Rules[0].Selection.CountNumber != 7 ||
		p.Rules[1].Selection.TagStatus != "tagged" || p.Rules[1].Selection.CountType != "imageCountMoreThan" || p.Rules[1].Selection.CountNumber != 30 {
		t.Errorf("lifecycle policy = %s", got)
	}
	for _, bad := range [][2]int{{0, 7}, {30, 0}} {
		if _, err := ECRLifecyclePolicy(bad[0], bad[1]); err == nil {
			t.Errorf("ECRLifecyclePolicy%v accepted", bad)
		}
	}
}

func TestNoHardCodedAccountOrRegion(t *testing.T) {
	other := Env{Partition: "aws-cn", Account: "999988887777", Region: "cn-north-1"}
	s := testScope()
	s.Env = other
	s.KMSKeyARN = ""
	s.BucketName = "mlops-dev-artifacts-" + other.Account
	s.ManagedPolicies = ManagedPolicyARNs(other)
	s.BoundaryARN = other.GlobalARN("iam", "policy/mlops-dev-boundary")
	for name, d := range map[string]Document{
		"deploy": DeployPolicy(s), "preview": PreviewPolicy(s), "release": ReleasePolicy(s),
		"lbc": LoadBalancerControllerPolicy(other),
	} {
		j := d.MustJSON()
		for _, leak := range []string{testEnv.Account, testEnv.Region, "arn:aws:"} {
			if strings.Contains(j, leak) {
				t.Errorf("%s contains %q although the env is %+v", name, leak, other)
			}
		}
	}
}

// TestReleasePolicyCoversReleaseWorkflow checks that the release role may
// make every ECR call .github/workflows/release.yml makes: the image push
// (docker's registry API), `aws ecr describe-images` for an existing tag,
// and `aws ecr wait image-scan-complete` / `describe-image-scan-findings`.
func TestReleasePolicyCoversReleaseWorkflow(t *testing.T) {
	s := testScope()
	doc := ReleasePolicy(s)
	calls := []string{
		"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
		"ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
		"ecr:DescribeImages", "ecr:DescribeImageScanFindings",
		"eks:DescribeCluster", // verify-dev's aws eks update-kubeconfig
	}
	for _, call := range calls {
		allowed := false
		for _, st := range doc.Statement {
			if st.Effect == "Allow" && slices.Contains(st.Action, call) {
				allowed = true
			}
		}
		if !allowed {
			t.Errorf("the release role may not call %s, which release.yml needs", call)
		}
	}
}

func TestBoundariesPassCheckBoundary(t *testing.T) {
	for name, d := range boundaries() {
		if problems := CheckBoundary(d); len(problems) > 0 {
			t.Errorf("%s: %s", name, strings.Join(problems, "; "))
		}
		if n := len(d.MustJSON()); n > 6144 {
			t.Errorf("%s is %d characters, over IAM's 6,144 for a managed policy", name, n)
		}
	}
}

func TestCheckBoundaryRejects(t *testing.T) {
	good := BoundaryPolicy(BoundaryScope{Env: testEnv, Project: "mlops", Stack: "dev"})
	tests := []struct {
		name   string
		change func(d *Document)
		want   string
	}{
		{"allows iam:PutRolePolicy", func(d *Document) {
			d.Statement = append(d.Statement, allow("X", []string{"iam:PutRolePolicy"}, "*"))
		}, "allows iam:PutRolePolicy"},
		{"unlisted wildcard", func(d *Document) {
			d.Statement = append(d.Statement, allow("X", []string{"s3:*"}, "*"))
		}, `wildcard action "s3:*"`},
		{"no escalation deny", func(d *Document) { d.Statement = d.Statement[:len(d.Statement)-1] }, "covers iam:PassRole"},
		{"no cross-stack deny", func(d *Document) {
			d.Statement = slices.DeleteFunc(d.Statement, func(st Statement) bool { return st.Sid == "BoundaryDenyOtherStacksResourceTag" })
		}, "by aws:ResourceTag/stack"},
		{"cross-stack deny missing a service", func(d *Document) {
			for i := range d.Statement {
				if d.Statement[i].Sid == "BoundaryDenyOtherStacksRequestTag" {
					d.Statement[i].Action = []string{"ec2:*"}
				}
			}
		}, "by aws:RequestTag/stack"},
		{"conditional deny", func(d *Document) {
			last := &d.Statement[len(d.Statement)-1]
			last.Condition = Conditions{"StringEquals": {"aws:PrincipalTag/x": {"y"}}}
		}, "covers iam:CreateRole"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(good.MustJSON())
			if err != nil {
				t.Fatal(err)
			}
			tt.change(&d)
			problems := CheckBoundary(d)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("CheckBoundary = %q, want a problem containing %q", problems, tt.want)
			}
		})
	}
}

// The deploy role cannot escalate: its creates and policy writes need the
// boundary, and explicit denies cover the CI roles, the boundary policy and
// boundary removal.
func TestDeployCannotEscalate(t *testing.T) {
	s := testScope()
	d := DeployPolicy(s)
	find := func(sid string) Statement {
		t.Helper()
		for _, st := range d.Statement {
			if st.Sid == sid {
				return st
			}
		}
		t.Fatalf("no statement %s", sid)
		return Statement{}
	}
	for _, a := range []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:AttachRolePolicy"} {
		for _, st := range d.Statement {
			if st.Effect != "Allow" || !slices.Contains(st.Action, a) {
				continue
			}
			if got := st.Condition["StringEquals"]["iam:PermissionsBoundary"]; !slices.Equal(got, []string{s.BoundaryARN}) {
				t.Errorf("statement %s allows %s without the boundary condition (%v)", st.Sid, a, st.Condition)
			}
		}
	}
	ci := find("DenyCIRoleChanges")
	for _, r := range s.CIRoles {
		if !slices.Contains(ci.Resource, s.RoleARN(r)) {
			t.Errorf("DenyCIRoleChanges does not cover %s", r)
		}
	}
	for _, a := range []string{
		"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy",
		"iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
	} {
		if !slices.Contains(ci.Action, a) {
			t.Errorf("DenyCIRoleChanges does not deny %s", a)
		}
	}
	b := find("DenyPolicyChanges")
	if !slices.Equal(b.Resource, []string{s.BoundaryARN, "arn:aws:iam::111122223333:policy/mlops-dev-ci-deploy-1"}) || !slices.Contains(b.Action, "iam:CreatePolicyVersion") || !slices.Contains(b.Action, "iam:SetDefaultPolicyVersion") {
		t.Errorf("DenyPolicyChanges = %+v", b)
	}
	if st := find("DenyBoundaryRemoval"); !slices.Equal(st.Resource, []string{"*"}) {
		t.Errorf("DenyBoundaryRemoval = %+v", st)
	}
	// EC2 writes are scoped by the stack's tags, never account-wide.
	for _, st := range d.Statement {
		if st.Effect != "Allow" || st.Sid == "EC2Describe" || st.Sid == "EC2SecurityGroupRules" {
			continue
		}
		if !slices.ContainsFunc([]string(st.Action), func(a string) bool { return strings.HasPrefix(a, "ec2:") }) {
			continue
		}
		c := st.Condition["StringEquals"]
		tagged := slices.Equal(c["aws:ResourceTag/stack"], []string{"dev"}) || slices.Equal(c["aws:RequestTag/stack"], []string{"dev"}) || len(c["ec2:CreateAction"]) > 0
		if !tagged {
			t.Errorf("EC2 statement %s is not scoped to the stack's tags: %v", st.Sid, st.Condition)
		}
	}
}

// Every call of the deploy table is one the deploy policy names (the IAM
// simulation, make e2e-iam, evaluates the conditions too).
func TestDeployCallsAreAllowedByName(t *testing.T) {
	s := testScope()
	d := DeployPolicy(s)
	for _, row := range DeployCalls(s) {
		if len(row.Calls) == 0 && row.NoAWS == "" {
			t.Errorf("%s: no calls and no reason", row.Type)
		}
		for _, c := range row.Calls {
			named := false
			for _, st := range d.Statement {
				if st.Effect == "Allow" && slices.ContainsFunc([]string(st.Action), func(p string) bool { return ActionMatches(p, c.Action) }) {
					named = true
				}
			}
			if !named && c.Action != "sts:GetCallerIdentity" {
				t.Errorf("%s: %s is in no Allow of the deploy policy", row.Type, c.Action)
			}
		}
	}
}

// The deploy role cannot retag a key or an IRSA provider that already
// carries the project's tag for another stack (or none, as the bootstrap's
// key): its tag allows are scoped by request tags only.
func TestDeployPolicyDeniesRetag(t *testing.T) {
	s := testScope()
	var found *Statement
	for _, st := range DeployPolicy(s).Statement {
		if st.Sid == "DenyRetagOtherStacks" {
			found = &st
		}
	}
	if found == nil {
		t.Fatal("no DenyRetagOtherStacks statement")
	}
	if found.Effect != "Deny" || !slices.Equal(found.Resource, []string{"*"}) || !slices.Equal(found.Action, RetagActions) {
		t.Errorf("DenyRetagOtherStacks = %+v", found)
	}
	if got := found.Condition["Null"]["aws:ResourceTag/project"]; !slices.Equal(got, []string{"false"}) {
		t.Errorf("Null condition %v: want the project tag present (a new resource has none)", got)
	}
	if got := found.Condition["StringNotEquals"]["aws:ResourceTag/stack"]; !slices.Equal(got, []string{s.Stack}) {
		t.Errorf("StringNotEquals condition %v: want this stack %s", got, s.Stack)
	}
}

// A stack that promotes another's images reads that stack's repository
// and writes only its own; without promotesFrom it reads no other.
func TestReleasePolicyPromotion(t *testing.T) {
	s := testScope()
	for _, st := range ReleasePolicy(s).Statement {
		if st.Sid == "ECRPullPromoted" {
			t.Errorf("no promotion source, yet %+v", st)
		}
	}
	s.PromoteSourceRepository = "mlops-dev/model-api"
	s.RepositoryName = "mlops-prod/model-api"
	var pull *Statement
	for _, st := range ReleasePolicy(s).Statement {
		if st.Sid == "ECRPullPromoted" {
			pull = &st
		}
	}
	if pull == nil {
		t.Fatal("no ECRPullPromoted statement")
	}
	if !slices.Equal(pull.Resource, []string{"arn:aws:ecr:eu-west-1:111122223333:repository/mlops-dev/model-api"}) {
		t.Errorf("ECRPullPromoted resources %v", pull.Resource)
	}
	for _, a := range pull.Action {
		if a == "ecr:PutImage" || strings.Contains(a, "Upload") || strings.Contains(a, "Delete") {
			t.Errorf("ECRPullPromoted allows %s on the source repository", a)
		}
	}
	if problems := Check(ReleasePolicy(s)); len(problems) > 0 {
		t.Errorf("Check: %v", problems)
	}
}
