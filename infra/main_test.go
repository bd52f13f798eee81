package main

// These tests run the whole program under Pulumi's mocks, for each
// committed stack config and for broken ones, and assert properties over
// every resource it registers. This is the module's only test binary that
// links the Pulumi SDKs (they are slow to link); the pure logic has its own
// small, fast test packages under internal/.

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/mlopsgo/mlops/infra/ciaccess"
	"github.com/mlopsgo/mlops/infra/cluster"
	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/policy"
	"github.com/mlopsgo/mlops/infra/stackoutputs"
)

const (
	project     = "mlops"
	testAccount = "111122223333"
	testRegion  = "us-east-1"
)

// res is one registered resource with its inputs as plain Go values.
type res struct {
	Type, Name string
	Custom     bool
	Provider   string
	Parent     string
	DependsOn  []string
	In         map[string]any
	// SecretIn holds the inputs that are (or contain) secrets.
	SecretIn map[string]bool
}

func (r res) get(path ...string) any {
	var cur any = r.In
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func (r res) str(path ...string) string {
	s, _ := r.get(path...).(string)
	return s
}

// run is one execution of the program.
type run struct {
	stack     string
	acct      *awsAccount
	cfg       *config.Config
	resources []res
	calls     []string
	outputs   map[string]any
	secret    map[string]bool
	err       error
}

func (r *run) ofType(t string) []res {
	var out []res
	for _, x := range r.resources {
		if x.Type == t {
			out = append(out, x)
		}
	}
	return out
}

// stackConfig reads a committed stack file, pointing dashboardsDir at the
// fixture folder (relative to the project root, as in a real deploy).
func stackConfig(t *testing.T, stack string) map[string]string {
	t.Helper()
	values, err := config.ReadStackFile(filepath.Join("..", "Pulumi.yaml"), filepath.Join("..", "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	values[project+":dashboardsDir"] = "dashboards"
	// The repository's own AppProject (the test's project root is
	// testdata).
	projectFile, err := filepath.Abs(filepath.Join("..", "gitops", "projects", "mlops.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	values[project+":argocdProjectFile"] = projectFile
	return values
}

// runProgram runs the program under mocks with the given config, in a new
// account.
func runProgram(t *testing.T, stack string, values map[string]string, secretKeys []string, account, region string) *run {
	t.Helper()
	return runIn(t, newAccount(account, region), stack, values, secretKeys)
}

// runIn runs the program under mocks in the account acct, which keeps what
// earlier runs created.
func runIn(t *testing.T, acct *awsAccount, stack string, values map[string]string, secretKeys []string) *run {
	t.Helper()
	cfgJSON, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	keysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(cfgJSON))
	t.Setenv("PULUMI_CONFIG_SECRET_KEYS", string(keysJSON))
	t.Setenv("PULUMI_ROOT_DIRECTORY", root)

	m := &mocks{account: acct.id, region: acct.region, partition: acct.partition, acct: acct}
	r := &run{stack: stack, acct: acct, outputs: map[string]any{}, secret: map[string]bool{}}
	r.cfg, _ = config.Load(project, stack, config.MapSource{Values: values, Secrets: toSet(secretKeys)})
	r.err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		outs, err := program(ctx)
		if err != nil {
			return err
		}
		for name, v := range outs {
			got, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(v))
			if err != nil {
				return fmt.Errorf("output %s: %w", name, err)
			}
			r.outputs[name], r.secret[name] = got.Value, got.Secret
		}
		return nil
	}, pulumi.WithMocks(project, stack, m))

	for _, a := range m.resources {
		x := res{Type: a.TypeToken, Name: a.Name, Custom: a.Custom, Provider: a.Provider, In: map[string]any{}, SecretIn: map[string]bool{}}
		for k, v := range a.Inputs {
			x.In[string(k)] = plain(v)
			x.SecretIn[string(k)] = v.IsSecret() || v.ContainsSecrets()
		}
		if a.RegisterRPC != nil {
			x.Parent = a.RegisterRPC.GetParent()
			x.DependsOn = a.RegisterRPC.GetDependencies()
		}
		r.resources = append(r.resources, x)
	}
	for _, c := range m.calls {
		r.calls = append(r.calls, c.Token)
	}
	return r
}

func toSet(keys []string) map[string]bool {
	s := map[string]bool{}
	for _, k := range keys {
		s[k] = true
	}
	return s
}

// operatorKeys are what a person sets on a stack before its first `pulumi
// up` (docs/deploy.md's checklist): secrets the committed file cannot hold
// unencrypted, the account's own certificate, and who may reach the API
// endpoint. operatorSecrets are the ones set with --secret.
var (
	operatorKeys = map[string]map[string]string{
		"prod": {
			project + ":alertReceivers":           `[{"name":"oncall","type":"webhook","url":"https://pager.example/hook"}]`,
			project + ":deadMansSwitchUrl":        "https://hc-ping.example/0a1b2c3d",
			project + ":certificateArn":           "arn:aws:acm:" + testRegion + ":" + testAccount + ":certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab",
			project + ":clusterPublicAccessCidrs": `["203.0.113.0/24"]`,
		},
	}
	operatorSecrets = []string{project + ":alertReceivers", project + ":deadMansSwitchUrl"}
)

// runStack runs the program on a committed stack file plus what a person
// sets on that stack.
func runStack(t *testing.T, stack string) *run {
	t.Helper()
	values := stackConfig(t, stack)
	var secrets []string
	if keys := operatorKeys[stack]; keys != nil {
		maps.Copy(values, keys)
		secrets = operatorSecrets
	}
	r := runProgram(t, stack, values, secrets, testAccount, testRegion)
	if r.err != nil {
		t.Fatalf("%s: %v", stack, r.err)
	}
	return r
}

func TestStacks(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			r := runStack(t, stack)
			counts := map[string]int{}
			for _, x := range r.resources {
				counts[x.Type]++
			}
			t.Logf("%s: %d resources registered under mocks", stack, len(r.resources))
			for _, typ := range slices.Sorted(maps.Keys(counts)) {
				t.Logf("  %3d %s", counts[typ], typ)
			}
			t.Run("outputs", func(t *testing.T) { assertOutputs(t, r) })
			t.Run("components", func(t *testing.T) { assertComponents(t, r) })
			t.Run("buckets", func(t *testing.T) { assertBuckets(t, r) })
			t.Run("iam", func(t *testing.T) { assertIAM(t, r) })
			t.Run("kubernetes provider", func(t *testing.T) { assertKubernetesProvider(t, r) })
			t.Run("helm releases", func(t *testing.T) { assertHelmReleases(t, r) })
			t.Run("ecr", func(t *testing.T) { assertECR(t, r) })
			t.Run("cluster", func(t *testing.T) { assertCluster(t, r) })
			t.Run("network", func(t *testing.T) { assertNetwork(t, r) })
			t.Run("dashboards", func(t *testing.T) { assertDashboards(t, r, 3) })
			t.Run("root application", func(t *testing.T) { assertRootApplication(t, r) })
			t.Run("pod security", func(t *testing.T) { assertPodSecurity(t, r) })
			t.Run("tags", func(t *testing.T) { assertTags(t, r) })
			t.Run("no hard-coded account or region", func(t *testing.T) { assertOnlyAccountAndRegion(t, r, testAccount, testRegion) })
			t.Run("unique physical names", func(t *testing.T) {
				seen := map[string]bool{}
				for _, n := range physicalNames(r) {
					if seen[n] {
						t.Errorf("physical name %s used twice", n)
					}
					seen[n] = true
				}
			})
		})
	}
}

func assertOutputs(t *testing.T, r *run) {
	got := slices.Sorted(maps.Keys(r.outputs))
	want := slices.Sorted(slices.Values(stackoutputs.All))
	if !slices.Equal(got, want) {
		t.Errorf("outputs = %v, want %v", got, want)
	}
	for name, v := range r.outputs {
		if s, ok := v.(string); !ok || s == "" {
			t.Errorf("output %s = %#v, want a non-empty string", name, v)
		}
		if r.secret[name] != slices.Contains(stackoutputs.Secret, name) {
			t.Errorf("output %s: secret = %v", name, r.secret[name])
		}
	}
	prefix := project + "-" + r.stack
	checks := map[string]string{
		stackoutputs.ClusterName:        prefix,
		stackoutputs.ECRRepositoryURL:   fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s/model-api", testAccount, testRegion, prefix),
		stackoutputs.ArtifactBucketName: prefix + "-artifacts-" + testAccount,
		stackoutputs.DVCRemoteURL:       "s3://" + prefix + "-artifacts-" + testAccount + "/dvc",
		stackoutputs.DeployRoleARN:      fmt.Sprintf("arn:aws:iam::%s:role/%s-ci-deploy", testAccount, prefix),
		stackoutputs.ReleaseRoleARN:     fmt.Sprintf("arn:aws:iam::%s:role/%s-ci-release", testAccount, prefix),
		stackoutputs.PreviewRoleARN:     fmt.Sprintf("arn:aws:iam::%s:role/%s-ci-preview", testAccount, prefix),
		stackoutputs.TrainRoleARN:       fmt.Sprintf("arn:aws:iam::%s:role/%s-ci-train", testAccount, prefix),
		stackoutputs.TrainingJobRoleARN: fmt.Sprintf("arn:aws:iam::%s:role/%s-training-job", testAccount, prefix),
		stackoutputs.GrafanaPortForward: "kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80",
		stackoutputs.ArgoCDPortForward:  "kubectl -n argocd port-forward svc/argocd-server 8080:443",
	}
	for name, want := range checks {
		if got := r.outputs[name]; got != want {
			t.Errorf("output %s = %v, want %s", name, got, want)
		}
	}
}

// Every concern is one component, and every resource hangs under one.
func assertComponents(t *testing.T, r *run) {
	want := []string{"Network", "Registry", "Cluster", "Storage", "Platform", "CIAccess"}
	for _, c := range want {
		if n := len(r.ofType("mlops:infra:" + c)); n != 1 {
			t.Errorf("component mlops:infra:%s registered %d times", c, n)
		}
	}
	for _, x := range r.resources {
		// The StackReference reads the bootstrap stack; it is no resource.
		if strings.HasPrefix(x.Type, "mlops:infra:") || x.Type == "pulumi:pulumi:StackReference" {
			continue
		}
		if !strings.Contains(x.Parent, "mlops:infra:") {
			t.Errorf("%s %s has parent %q, not a component", x.Type, x.Name, x.Parent)
		}
	}
}

func assertBuckets(t *testing.T, r *run) {
	buckets := r.ofType("aws:s3/bucketV2:BucketV2")
	if len(buckets) == 0 {
		t.Fatal("no bucket")
	}
	for _, b := range buckets {
		name := b.str("bucket")
		arn := "arn:aws:s3:::" + name
		find := func(typ string) []res {
			var out []res
			for _, x := range r.ofType(typ) {
				if x.str("bucket") == name {
					out = append(out, x)
				}
			}
			return out
		}
		pab := find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
		if len(pab) != 1 {
			t.Errorf("bucket %s: %d public access blocks", name, len(pab))
		}
		for _, p := range pab {
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				if p.get(k) != true {
					t.Errorf("bucket %s: %s is not true", name, k)
				}
			}
		}
		sse := find("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
		encrypted := false
		for _, s := range sse {
			rules, _ := s.get("rules").([]any)
			for _, rule := range rules {
				algo := res{In: rule.(map[string]any)}.str("applyServerSideEncryptionByDefault", "sseAlgorithm")
				encrypted = encrypted || algo == "AES256" || algo == "aws:kms" || algo == "aws:kms:dsse"
			}
		}
		if !encrypted {
			t.Errorf("bucket %s is not encrypted", name)
		}
		tls := false
		for _, p := range find("aws:s3/bucketPolicy:BucketPolicy") {
			d, err := policy.Parse(p.str("policy"))
			if err != nil {
				t.Fatal(err)
			}
			tls = tls || policy.IsTLSOnly(d, arn)
		}
		if !tls {
			t.Errorf("bucket %s has no TLS-only policy", name)
		}
		versioned := false
		for _, v := range find("aws:s3/bucketVersioningV2:BucketVersioningV2") {
			versioned = versioned || v.str("versioningConfiguration", "status") == "Enabled"
		}
		if !versioned {
			t.Errorf("bucket %s is not versioned", name)
		}
		if len(find("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")) != 1 {
			t.Errorf("bucket %s has no lifecycle", name)
		}
		if b.get("forceDestroy") != r.cfg.Storage.ForceDestroy {
			t.Errorf("bucket %s: forceDestroy = %v", name, b.get("forceDestroy"))
		}
	}
}

// assertIAM checks every trust policy and every permission policy.
func assertIAM(t *testing.T, r *run) {
	githubProvider := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", testAccount, policy.GitHubOIDCHost)
	eksHost := strings.TrimPrefix((&mocks{region: testRegion, acct: r.acct}).issuer(project+"-"+r.stack), "https://")
	eksProvider := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", testAccount, eksHost)

	var serviceAccounts []string
	for _, role := range r.ofType("aws:iam/role:Role") {
		d, err := policy.Parse(role.str("assumeRolePolicy"))
		if err != nil {
			t.Fatalf("role %s: %v", role.Name, err)
		}
		if len(d.Statement) == 0 || d.Statement[0].Principal == nil {
			t.Errorf("role %s: no principal", role.Name)
			continue
		}
		p := d.Statement[0].Principal
		switch {
		case slices.Contains(p.Federated, githubProvider):
			t.Errorf("role %s trusts GitHub: the CI roles belong to the bootstrap stack (infra/bootstrap)", role.Name)
		case slices.Contains(p.Federated, eksProvider):
			subs, problems := policy.CheckFederatedTrust(d, eksProvider, eksHost, "system:serviceaccount:")
			for _, pr := range problems {
				t.Errorf("role %s: %s", role.Name, pr)
			}
			serviceAccounts = append(serviceAccounts, subs...)
		case len(p.Service) == 1 && (p.Service[0] == "eks.amazonaws.com" || p.Service[0] == "ec2.amazonaws.com"):
			if len(d.Statement) != 1 || !slices.Equal(d.Statement[0].Action, []string{"sts:AssumeRole"}) || len(p.AWS)+len(p.Federated) > 0 || p.Any {
				t.Errorf("role %s: service trust is not exactly one service", role.Name)
			}
		default:
			t.Errorf("role %s trusts %+v: not GitHub, the cluster or an AWS service", role.Name, p)
		}
		if !strings.HasPrefix(role.str("name"), project+"-"+r.stack+"-") {
			t.Errorf("role %s is not named under the stack prefix", role.str("name"))
		}
		// The deploy role may create it only with its stack's boundary.
		if got, want := role.str("permissionsBoundary"), fmt.Sprintf("arn:aws:iam::%s:policy/%s-%s-boundary", testAccount, project, r.stack); got != want {
			t.Errorf("role %s: permissions boundary %q, want %q", role.Name, got, want)
		}
	}
	sort.Strings(serviceAccounts)
	wantSAs := []string{
		"system:serviceaccount:kube-system:aws-load-balancer-controller",
		"system:serviceaccount:kube-system:aws-node",
		"system:serviceaccount:kube-system:ebs-csi-controller-sa",
		"system:serviceaccount:training:trainer",
	}
	if !slices.Equal(serviceAccounts, wantSAs) {
		t.Errorf("IRSA subjects = %q, want %q", serviceAccounts, wantSAs)
	}

	// Every permission document: no wildcards beyond policy.Exceptions.
	checked := 0
	for _, typ := range []string{"aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:s3/bucketPolicy:BucketPolicy"} {
		for _, x := range r.ofType(typ) {
			d, err := policy.Parse(x.str("policy"))
			if err != nil {
				t.Fatalf("%s %s: %v", typ, x.Name, err)
			}
			for _, p := range policy.Check(d) {
				t.Errorf("%s %s: %s", typ, x.Name, p)
			}
			checked++
		}
	}
	if checked < 3 {
		t.Errorf("only %d policy documents checked", checked)
	}
	allowed := policy.ManagedPolicyARNs(policy.Env{Partition: "aws"})
	for _, a := range r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if !slices.Contains(allowed, a.str("policyArn")) {
			t.Errorf("attachment %s: %s is not an allowed managed policy", a.Name, a.str("policyArn"))
		}
	}
	// The roles that reach the cluster have access entries, the others none.
	entries := map[string]string{}
	for _, a := range r.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation") {
		entries[a.str("principalArn")] = a.str("policyArn")
		if a.str("accessScope", "type") != "cluster" {
			t.Errorf("access policy %s: scope %v", a.Name, a.get("accessScope"))
		}
	}
	role := func(p string) string {
		return fmt.Sprintf("arn:aws:iam::%s:role/%s-%s-ci-%s", testAccount, project, r.stack, p)
	}
	want := map[string]string{
		role("deploy"):  "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
		role("preview"): "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
	}
	for p, pol := range want {
		if entries[p] != pol {
			t.Errorf("access entry of %s = %q, want %q", p, entries[p], pol)
		}
	}
	for _, p := range []string{role("release"), role("train")} {
		if _, ok := entries[p]; ok {
			t.Errorf("%s has an access policy: want none", p)
		}
	}
	assertApplicationViewer(t, r, role)
}

// assertApplicationViewer checks the release role reaches the cluster only
// to read ArgoCD Applications: its access entry carries one group and no
// access policy, and that group is bound, in the argocd namespace alone, to
// get, list and watch on applications.argoproj.io. The train role has no
// entry.
func assertApplicationViewer(t *testing.T, r *run, role func(string) string) {
	t.Helper()
	groups := map[string][]any{}
	for _, e := range r.ofType("aws:eks/accessEntry:AccessEntry") {
		g, _ := e.get("kubernetesGroups").([]any)
		groups[e.str("principalArn")] = g
	}
	if g := groups[role("release")]; !slices.Equal(g, []any{ciaccess.ApplicationViewerGroup}) {
		t.Errorf("release role's access entry groups = %v, want [%s]", g, ciaccess.ApplicationViewerGroup)
	}
	if _, ok := groups[role("train")]; ok {
		t.Errorf("the train role has an access entry: it does not reach the cluster")
	}
	roles := r.ofType("kubernetes:rbac.authorization.k8s.io/v1:Role")
	bindings := r.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
	if len(roles) != 1 || len(bindings) != 1 {
		t.Fatalf("%d Roles and %d RoleBindings, want the Application viewer's one each", len(roles), len(bindings))
	}
	ro, b := roles[0], bindings[0]
	if ro.str("metadata", "namespace") != "argocd" || b.str("metadata", "namespace") != "argocd" {
		t.Errorf("Application viewer in namespaces %q and %q, want argocd", ro.str("metadata", "namespace"), b.str("metadata", "namespace"))
	}
	wantRules := []any{map[string]any{
		"apiGroups": []any{"argoproj.io"}, "resources": []any{"applications"}, "verbs": []any{"get", "list", "watch"},
	}}
	if got := ro.get("rules"); !reflect.DeepEqual(got, wantRules) {
		t.Errorf("Application viewer rules = %v, want %v", got, wantRules)
	}
	subjects, _ := b.get("subjects").([]any)
	if len(subjects) != 1 || !reflect.DeepEqual(subjects[0], map[string]any{
		"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": ciaccess.ApplicationViewerGroup,
	}) {
		t.Errorf("Application viewer subjects = %v, want the group %s alone", subjects, ciaccess.ApplicationViewerGroup)
	}
	if b.str("roleRef", "kind") != "Role" || b.str("roleRef", "name") != ro.str("metadata", "name") {
		t.Errorf("Application viewer binding refers to %v, want the Role %s", b.get("roleRef"), ro.str("metadata", "name"))
	}
}

// Every Kubernetes resource uses the provider built from the cluster's
// kubeconfig.
func assertKubernetesProvider(t *testing.T, r *run) {
	providers := r.ofType("pulumi:providers:kubernetes")
	if len(providers) != 1 {
		t.Fatalf("%d Kubernetes providers, want 1", len(providers))
	}
	p := providers[0]
	if p.str("kubeconfig") == "" {
		t.Error("the provider has no kubeconfig")
	}
	n := 0
	for _, x := range r.resources {
		if !strings.HasPrefix(x.Type, "kubernetes:") {
			continue
		}
		n++
		urn, id, _ := strings.Cut(x.Provider, "::"+p.Name+"-id")
		if id != "" || !strings.HasSuffix(urn, "pulumi:providers:kubernetes::"+p.Name) {
			t.Errorf("%s %s uses provider %q", x.Type, x.Name, x.Provider)
		}
	}
	if n < 10 {
		t.Errorf("only %d Kubernetes resources", n)
	}
}

var exactVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)

func assertHelmReleases(t *testing.T, r *run) {
	want := map[string]string{
		"argocd":                       r.cfg.Charts.ArgoCD,
		"kube-prometheus-stack":        r.cfg.Charts.KubePrometheusStack,
		"metrics-server":               r.cfg.Charts.MetricsServer,
		"aws-load-balancer-controller": r.cfg.Charts.AWSLoadBalancerController,
		"argo-rollouts":                r.cfg.Charts.ArgoRollouts,
	}
	got := map[string]string{}
	for _, rel := range r.ofType("kubernetes:helm.sh/v3:Release") {
		name, version := rel.str("name"), rel.str("version")
		if name == "" || name != rel.Name {
			t.Errorf("release %s: release name %q is not fixed", rel.Name, name)
		}
		if !exactVersion.MatchString(version) {
			t.Errorf("release %s: chart version %q is not exact", name, version)
		}
		if rel.str("repositoryOpts", "repo") == "" || rel.str("chart") == "" || rel.str("namespace") == "" {
			t.Errorf("release %s: chart, repository or namespace missing", name)
		}
		got[name] = version
		if name == "argocd" || name == "kube-prometheus-stack" || name == "argo-rollouts" {
			// The platform's releases wait for the cluster to be ready:
			// the network add-on (no pod gets an address before it), the
			// storage class Prometheus's volume uses, and the load
			// balancer controller whose webhook admits Services.
			for _, want := range []string{"aws:eks/addon:Addon::", "kubernetes:storage.k8s.io/v1:StorageClass::", "kubernetes:helm.sh/v3:Release::aws-load-balancer-controller"} {
				if !slices.ContainsFunc(rel.DependsOn, func(d string) bool { return strings.Contains(d, want) }) {
					t.Errorf("release %s does not wait for %s: %v", name, want, rel.DependsOn)
				}
			}
		}
		if name == "kube-prometheus-stack" {
			for _, sel := range []string{"serviceMonitorSelectorNilUsesHelmValues", "ruleSelectorNilUsesHelmValues", "podMonitorSelectorNilUsesHelmValues"} {
				if v := rel.get("values", "prometheus", "prometheusSpec", sel); v != false {
					t.Errorf("kube-prometheus-stack %s = %v", sel, v)
				}
			}
			// Helm installs CRDs once; the chart's hook Job upgrades them
			// with the chart.
			if rel.get("values", "crds", "upgradeJob", "enabled") != true {
				t.Error("kube-prometheus-stack CRDs are not upgraded with the chart (crds.upgradeJob.enabled)")
			}
			if rel.get("values", "grafana", "sidecar", "dashboards", "label") != "grafana_dashboard" {
				t.Error("Grafana's dashboard sidecar does not select grafana_dashboard")
			}
			if rel.get("values", "grafana", "adminPassword") != "" {
				t.Error("Grafana's admin password is not left to the chart or a Secret")
			}
			assertAlertRouting(t, r, rel)
		}
		if name == "argo-rollouts" {
			assertArgoRollouts(t, rel)
		}
		if name == "aws-load-balancer-controller" {
			if !strings.HasSuffix(rel.str("values", "serviceAccount", "annotations", "eks.amazonaws.com/role-arn"), "-lb-controller") ||
				rel.str("values", "vpcId") == "" || rel.str("values", "clusterName") != project+"-"+r.stack {
				t.Errorf("load balancer controller values = %v", rel.get("values"))
			}
			// The certificate of every HTTPS listener comes from stack
			// config through the IngressClassParams.
			arns, _ := rel.get("values", "ingressClassParams", "spec", "certificateArn").([]any)
			if want := r.cfg.Edge.CertificateARN; want != "" && (len(arns) != 1 || arns[0] != want) {
				t.Errorf("IngressClassParams certificateArn = %v, want [%s]", arns, want)
			}
			if r.cfg.Environment == config.EnvProd && len(arns) != 1 {
				t.Error("prod's ALBs get no certificate")
			}
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("releases = %v, want %v", got, want)
	}
}

// assertArgoRollouts checks the argo-rollouts release: its CRDs installed
// and kept, after kube-prometheus-stack (its ServiceMonitor's CRD), the
// controller's ServiceMonitor on with the Rollout's namespace restored on
// its series, and the dashboard on but reachable only by port-forward,
// in a container that meets Pod Security "restricted".
func assertArgoRollouts(t *testing.T, rel res) {
	t.Helper()
	if rel.str("repositoryOpts", "repo") != "https://argoproj.github.io/argo-helm" || rel.str("chart") != "argo-rollouts" || rel.str("namespace") != "argo-rollouts" {
		t.Errorf("argo-rollouts release: chart %s from %s in %s", rel.str("chart"), rel.str("repositoryOpts", "repo"), rel.str("namespace"))
	}
	if !slices.ContainsFunc(rel.DependsOn, func(d string) bool {
		return strings.HasSuffix(d, "kubernetes:helm.sh/v3:Release::kube-prometheus-stack")
	}) {
		t.Errorf("argo-rollouts does not wait for kube-prometheus-stack (the ServiceMonitor CRD): %v", rel.DependsOn)
	}
	for _, c := range []struct {
		path []string
		want any
	}{
		{[]string{"installCRDs"}, true},
		{[]string{"keepCRDs"}, true},
		{[]string{"controller", "metrics", "enabled"}, true},
		{[]string{"controller", "metrics", "serviceMonitor", "enabled"}, true},
		{[]string{"dashboard", "enabled"}, true},
		{[]string{"dashboard", "service", "type"}, "ClusterIP"},
		{[]string{"dashboard", "ingress", "enabled"}, false},
		{[]string{"dashboard", "containerSecurityContext", "allowPrivilegeEscalation"}, false},
		{[]string{"dashboard", "containerSecurityContext", "seccompProfile", "type"}, "RuntimeDefault"},
	} {
		if got := rel.get(append([]string{"values"}, c.path...)...); got != c.want {
			t.Errorf("argo-rollouts values %v = %v, want %v", c.path, got, c.want)
		}
	}
	if drop := fmt.Sprint(rel.get("values", "dashboard", "containerSecurityContext", "capabilities", "drop")); drop != "[ALL]" {
		t.Errorf("argo-rollouts dashboard drops capabilities %s, want [ALL]", drop)
	}
	relabel := fmt.Sprint(rel.get("values", "controller", "metrics", "serviceMonitor", "metricRelabelings"))
	for _, want := range []string{"sourceLabels:[exported_namespace]", "targetLabel:namespace", "regex:exported_namespace"} {
		if !strings.Contains(relabel, want) {
			t.Errorf("argo-rollouts metricRelabelings %s lack %s: rollout_info would keep the controller's namespace", relabel, want)
		}
	}
}

// assertAlertRouting checks that prod's alerts reach someone: every alert
// to the first receiver, Watchdog to the dead-man's switch, and the values
// that carry their URLs secret in the state.
func assertAlertRouting(t *testing.T, r *run, rel res) {
	t.Helper()
	if r.cfg.Environment != config.EnvProd {
		return
	}
	if got, want := rel.str("values", "alertmanager", "config", "route", "receiver"), r.cfg.Monitoring.AlertReceivers[0].Name; got != want {
		t.Errorf("alerts go to %q, want %q", got, want)
	}
	routes, _ := rel.get("values", "alertmanager", "config", "route", "routes").([]any)
	if len(routes) == 0 {
		t.Fatal("no Watchdog route")
	}
	if w, _ := routes[0].(map[string]any); w["receiver"] != "dead-mans-switch" || w["repeat_interval"] != "1m" {
		t.Errorf("Watchdog route = %v, want the dead-man's switch every minute", w)
	}
	if !rel.SecretIn["values"] {
		t.Error("the values carry the receivers' and the switch's URLs but are not secret in the state")
	}
}

func assertECR(t *testing.T, r *run) {
	repos := r.ofType("aws:ecr/repository:Repository")
	if len(repos) != 1 {
		t.Fatalf("%d repositories", len(repos))
	}
	for _, repo := range repos {
		if repo.str("imageTagMutability") != "IMMUTABLE" {
			t.Errorf("%s: tags are %s", repo.Name, repo.str("imageTagMutability"))
		}
		if repo.get("imageScanningConfiguration", "scanOnPush") != true {
			t.Errorf("%s: no scan on push", repo.Name)
		}
		if enc, _ := repo.get("encryptionConfigurations").([]any); len(enc) == 0 {
			t.Errorf("%s: no encryption configuration", repo.Name)
		}
	}
	lps := r.ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy")
	if len(lps) != 1 || lps[0].str("repository") != repos[0].str("name") {
		t.Fatalf("lifecycle policies = %+v", lps)
	}
	var lp struct {
		Rules []struct {
			Selection struct {
				TagStatus   string `json:"tagStatus"`
				CountNumber int    `json:"countNumber"`
			} `json:"selection"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(lps[0].str("policy")), &lp); err != nil {
		t.Fatal(err)
	}
	if len(lp.Rules) != 2 || lp.Rules[0].Selection.CountNumber != r.cfg.Registry.UntaggedExpireDays ||
		lp.Rules[1].Selection.CountNumber != r.cfg.Registry.KeepTaggedImages {
		t.Errorf("lifecycle rules = %+v", lp.Rules)
	}
}

func assertCluster(t *testing.T, r *run) {
	clusters := r.ofType("eks:index:Cluster")
	if len(clusters) != 1 {
		t.Fatalf("%d clusters", len(clusters))
	}
	c := clusters[0]
	if c.get("skipDefaultNodeGroup") != true || c.str("authenticationMode") != "API" || c.get("useDefaultVpcCni") != true {
		t.Errorf("cluster inputs: skipDefaultNodeGroup %v, authenticationMode %v, useDefaultVpcCni %v",
			c.get("skipDefaultNodeGroup"), c.get("authenticationMode"), c.get("useDefaultVpcCni"))
	}
	if c.str("version") != r.cfg.Cluster.Version || c.str("name") != project+"-"+r.stack {
		t.Errorf("cluster version %v name %v", c.get("version"), c.get("name"))
	}
	if logs := fmt.Sprint(c.get("enabledClusterLogTypes")); logs != fmt.Sprint(toAny(r.cfg.Cluster.LogTypes)) {
		t.Errorf("control-plane logs = %v, want %v", logs, r.cfg.Cluster.LogTypes)
	}
	groups := r.ofType("eks:index:ManagedNodeGroup")
	if len(groups) != 1 {
		t.Fatalf("%d node groups", len(groups))
	}
	assertNodeSizes(t, r, r.cfg.Nodes)
	if groups[0].str("amiType") != r.cfg.Nodes.AMIType || fmt.Sprint(groups[0].get("instanceTypes")) != "["+r.cfg.Nodes.InstanceType+"]" {
		t.Errorf("node group ami %v instance types %v", groups[0].get("amiType"), groups[0].get("instanceTypes"))
	}
	addons := map[string]res{}
	for _, a := range r.ofType("aws:eks/addon:Addon") {
		addons[a.str("addonName")] = a
	}
	if cfg := addons["vpc-cni"].str("configurationValues"); !strings.Contains(cfg, `"enableNetworkPolicy":"true"`) {
		t.Errorf("vpc-cni configuration %q does not enable network policies", cfg)
	}
	if !strings.HasSuffix(addons["aws-ebs-csi-driver"].str("serviceAccountRoleArn"), "-ebs-csi") {
		t.Errorf("EBS CSI driver has no IRSA role: %v", addons["aws-ebs-csi-driver"].In)
	}
	assertNodeHardening(t, r, groups[0])
	assertSecretsEncryption(t, r, c)
	assertVPCCNIRole(t, r, addons["vpc-cni"], groups[0])
	oidc := 0
	for _, p := range r.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider") {
		if strings.Contains(p.str("url"), "oidc.eks.") {
			oidc++
		}
	}
	if oidc != 1 {
		t.Errorf("%d IRSA OIDC providers, want 1", oidc)
	}
	if lg := r.ofType("aws:cloudwatch/logGroup:LogGroup"); len(lg) != 1 || lg[0].get("retentionInDays") != float64(r.cfg.Cluster.LogRetentionDays) {
		t.Errorf("control-plane log group = %+v", lg)
	}
}

// assertNodeHardening checks the nodes launch from a template that answers
// instance metadata to IMDSv2 only and to the host only (hop limit 1: a
// pod's request is one hop further), with an encrypted disk of the
// configured size; EKS refuses a node group disk size beside a template.
func assertNodeHardening(t *testing.T, r *run, group res) {
	t.Helper()
	templates := r.ofType("aws:ec2/launchTemplate:LaunchTemplate")
	if len(templates) != 1 {
		t.Fatalf("%d launch templates, want the nodes' one", len(templates))
	}
	lt := templates[0]
	meta := map[string]any{"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": float64(1)}
	for k, want := range meta {
		if got := lt.get("metadataOptions", k); got != want {
			t.Errorf("launch template metadataOptions.%s = %v, want %v", k, got, want)
		}
	}
	disks, _ := lt.get("blockDeviceMappings").([]any)
	if len(disks) != 1 {
		t.Fatalf("launch template block devices = %v, want the root volume", disks)
	}
	disk := res{In: disks[0].(map[string]any)}
	if disk.str("deviceName") != "/dev/xvda" || disk.get("ebs", "volumeSize") != float64(r.cfg.Nodes.DiskSizeGiB) ||
		disk.str("ebs", "encrypted") != "true" || disk.str("ebs", "volumeType") != "gp3" {
		t.Errorf("node disk = %v, want an encrypted gp3 /dev/xvda of %d GiB", disk.In, r.cfg.Nodes.DiskSizeGiB)
	}
	if group.str("launchTemplate", "id") != lt.Name+"-id" || group.str("launchTemplate", "version") == "" {
		t.Errorf("node group launchTemplate = %v, want %s at a version", group.get("launchTemplate"), lt.Name)
	}
	if group.get("diskSize") != nil {
		t.Errorf("node group diskSize = %v beside a launch template", group.get("diskSize"))
	}
}

// assertSecretsEncryption checks Kubernetes Secrets are envelope-encrypted
// with a customer-managed key that rotates.
func assertSecretsEncryption(t *testing.T, r *run, c res) {
	t.Helper()
	keys := r.ofType("aws:kms/key:Key")
	if len(keys) != 1 {
		t.Fatalf("%d KMS keys, want the cluster's secrets key", len(keys))
	}
	if keys[0].get("enableKeyRotation") != true {
		t.Error("the secrets key does not rotate")
	}
	if got, want := c.str("encryptionConfigKeyArn"), fmt.Sprintf("arn:aws:kms:%s:%s:key/%s-key-id", testRegion, testAccount, keys[0].Name); got != want {
		t.Errorf("cluster encryptionConfigKeyArn = %q, want the secrets key %q", got, want)
	}
}

// assertVPCCNIRole checks the VPC CNI runs with its own IRSA role and the
// node role has no CNI rights, and that the add-on is in place before the
// nodes (which need it to become Ready).
func assertVPCCNIRole(t *testing.T, r *run, cni, group res) {
	t.Helper()
	if want := fmt.Sprintf("arn:aws:iam::%s:role/%s-%s-vpc-cni", testAccount, project, r.stack); cni.str("serviceAccountRoleArn") != want {
		t.Errorf("vpc-cni serviceAccountRoleArn = %q, want %q", cni.str("serviceAccountRoleArn"), want)
	}
	attached := map[string][]string{}
	for _, a := range r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		attached[a.str("role")] = append(attached[a.str("role")], a.str("policyArn"))
	}
	cniPolicy := "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
	for role, policies := range attached {
		want := role == project+"-"+r.stack+"-vpc-cni"
		if slices.Contains(policies, cniPolicy) != want {
			t.Errorf("role %s: AmazonEKS_CNI_Policy attached %t, want %t", role, !want, want)
		}
	}
	if !slices.ContainsFunc(group.DependsOn, func(d string) bool { return strings.HasSuffix(d, "aws:eks/addon:Addon::"+cni.Name) }) {
		t.Errorf("node group does not wait for the vpc-cni add-on: %v", group.DependsOn)
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func assertNodeSizes(t *testing.T, r *run, n config.Nodes) {
	t.Helper()
	for _, g := range r.ofType("eks:index:ManagedNodeGroup") {
		got := [3]any{g.get("scalingConfig", "minSize"), g.get("scalingConfig", "desiredSize"), g.get("scalingConfig", "maxSize")}
		want := [3]any{float64(n.MinSize), float64(n.DesiredSize), float64(n.MaxSize)}
		if got != want {
			t.Errorf("node group sizes %v, want %v from config", got, want)
		}
	}
}

func assertNetwork(t *testing.T, r *run) {
	subnets := r.ofType("aws:ec2/subnet:Subnet")
	if len(subnets) != 2*r.cfg.Network.AZCount {
		t.Errorf("%d subnets for %d zones", len(subnets), r.cfg.Network.AZCount)
	}
	zones := map[string]bool{}
	for _, s := range subnets {
		zones[s.str("availabilityZone")] = true
		elb, internal := s.str("tags", "kubernetes.io/role/elb"), s.str("tags", "kubernetes.io/role/internal-elb")
		if (elb == "1") == (internal == "1") {
			t.Errorf("subnet %s is not tagged for exactly one kind of load balancer", s.Name)
		}
		if s.str("tags", "kubernetes.io/cluster/"+project+"-"+r.stack) != "shared" {
			t.Errorf("subnet %s lacks the cluster tag", s.Name)
		}
	}
	if len(zones) < 2 || len(zones) != r.cfg.Network.AZCount {
		t.Errorf("subnets span %d zones", len(zones))
	}
	// Public IPs only where the nodes need them: in the public subnets
	// when there is no NAT gateway to reach the internet through.
	for _, s := range subnets {
		public := s.str("tags", "kubernetes.io/role/elb") == "1"
		want := public && r.cfg.Network.NATGateways == config.NATNone
		if got := s.get("mapPublicIpOnLaunch") == true; got != want {
			t.Errorf("subnet %s: mapPublicIpOnLaunch %t, want %t (natGateways %s)", s.Name, got, want, r.cfg.Network.NATGateways)
		}
	}
	wantNAT := map[string]int{config.NATNone: 0, config.NATSingle: 1, config.NATPerAZ: r.cfg.Network.AZCount}[r.cfg.Network.NATGateways]
	if n := len(r.ofType("aws:ec2/natGateway:NatGateway")); n != wantNAT {
		t.Errorf("%d NAT gateways, want %d", n, wantNAT)
	}
}

func assertDashboards(t *testing.T, r *run, want int) {
	t.Helper()
	var names []string
	for _, cm := range r.ofType("kubernetes:core/v1:ConfigMap") {
		if cm.str("metadata", "labels", "grafana_dashboard") != "1" {
			continue
		}
		data, _ := cm.get("data").(map[string]any)
		if len(data) != 1 || cm.str("metadata", "namespace") != "monitoring" {
			t.Errorf("dashboard ConfigMap %s: %d data keys, namespace %s", cm.Name, len(data), cm.str("metadata", "namespace"))
		}
		for k, v := range data {
			if !strings.HasSuffix(k, ".json") || !json.Valid([]byte(v.(string))) {
				t.Errorf("dashboard ConfigMap %s: key %s is not valid JSON", cm.Name, k)
			}
		}
		names = append(names, cm.str("metadata", "name"))
	}
	if len(names) != want {
		t.Errorf("%d dashboard ConfigMaps %v, want one per JSON file (%d)", len(names), names, want)
	}
}

func assertRootApplication(t *testing.T, r *run) {
	apps := r.ofType("kubernetes:argoproj.io/v1alpha1:Application")
	if len(apps) != 1 {
		t.Fatalf("%d Applications", len(apps))
	}
	a := apps[0]
	if a.str("spec", "source", "repoURL") != "https://github.com/mlopsgo/mlops.git" ||
		a.str("spec", "source", "path") != r.cfg.GitOps.Path || a.str("spec", "source", "targetRevision") != r.cfg.GitOps.Revision {
		t.Errorf("root application source = %v", a.get("spec", "source"))
	}
	if a.str("metadata", "namespace") != "argocd" || a.get("spec", "syncPolicy", "automated", "prune") != true {
		t.Errorf("root application = %v", a.In)
	}
	// It runs under the repository's AppProject, not ArgoCD's default
	// project, which allows any repository, destination and kind.
	projects := r.ofType("kubernetes:argoproj.io/v1alpha1:AppProject")
	if len(projects) != 1 {
		t.Fatalf("%d AppProjects, want gitops/projects/mlops.yaml's", len(projects))
	}
	p := projects[0]
	if got := a.str("spec", "project"); got != "mlops" || p.str("metadata", "name") != got || p.str("metadata", "namespace") != "argocd" {
		t.Errorf("root application project %q, AppProject %s/%s", got, p.str("metadata", "namespace"), p.str("metadata", "name"))
	}
	if repos := fmt.Sprint(p.get("spec", "sourceRepos")); repos != "["+a.str("spec", "source", "repoURL")+"]" {
		t.Errorf("AppProject sourceRepos %s, want the root application's repository alone", repos)
	}
	if wl, _ := p.get("spec", "namespaceResourceWhitelist").([]any); len(wl) == 0 {
		t.Error("AppProject has no namespaced resource whitelist (gitops/projects/mlops.yaml's spec was not passed on)")
	}
	dependsOn := func(x res, suffix string) bool {
		return slices.ContainsFunc(x.DependsOn, func(d string) bool { return strings.HasSuffix(d, suffix) })
	}
	// ArgoCD's default project, which allows anything, is patched closed
	// (forced: argocd-server created it), after the release that runs
	// argocd-server.
	patches := r.ofType("kubernetes:argoproj.io/v1alpha1:AppProjectPatch")
	if len(patches) != 1 {
		t.Fatalf("%d AppProject patches, want one closing ArgoCD's default project", len(patches))
	}
	d := patches[0]
	if d.str("metadata", "name") != "default" || d.str("metadata", "namespace") != "argocd" ||
		d.str("metadata", "annotations", "pulumi.com/patchForce") != "true" {
		t.Errorf("default project patch metadata = %v", d.get("metadata"))
	}
	for _, key := range []string{"sourceRepos", "destinations", "clusterResourceWhitelist"} {
		if v, ok := d.get("spec", key).([]any); !ok || len(v) != 0 {
			t.Errorf("default project %s = %v, want []", key, d.get("spec", key))
		}
	}
	if fmt.Sprint(d.get("spec", "namespaceResourceBlacklist")) != "[map[group:* kind:*]]" {
		t.Errorf("default project namespaceResourceBlacklist = %v, want every kind", d.get("spec", "namespaceResourceBlacklist"))
	}
	if !dependsOn(d, "kubernetes:helm.sh/v3:Release::argocd") {
		t.Errorf("default project patch does not wait for the argocd release: %v", d.DependsOn)
	}
	if !dependsOn(a, "kubernetes:argoproj.io/v1alpha1:AppProject::"+p.Name) {
		t.Errorf("root application does not wait for its AppProject: %v", a.DependsOn)
	}
	if !dependsOn(p, "kubernetes:helm.sh/v3:Release::argocd") {
		t.Errorf("AppProject does not wait for the argocd release (its CRD): %v", p.DependsOn)
	}
	// The Application CRD comes with ArgoCD's release, and the app's chart
	// renders ServiceMonitor and PrometheusRule, whose CRDs come with
	// kube-prometheus-stack's, and Rollout and AnalysisTemplate, whose CRDs
	// come with argo-rollouts': the root Application waits for all three.
	for _, release := range []string{"argocd", "kube-prometheus-stack", "argo-rollouts"} {
		after := false
		for _, d := range a.DependsOn {
			after = after || strings.HasSuffix(d, "kubernetes:helm.sh/v3:Release::"+release)
		}
		if !after {
			t.Errorf("root application does not wait for the %s release: %v", release, a.DependsOn)
		}
	}
}

// Taggable AWS resources carry the stack's tags.
func assertTags(t *testing.T, r *run) {
	for _, x := range r.resources {
		if !x.Custom || !strings.HasPrefix(x.Type, "aws:") {
			continue
		}
		tags, ok := x.get("tags").(map[string]any)
		mustTag := slices.Contains([]string{
			"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:iam/role:Role", "aws:ecr/repository:Repository",
			"aws:s3/bucketV2:BucketV2", "aws:cloudwatch/logGroup:LogGroup", "aws:eks/addon:Addon",
		}, x.Type)
		if !ok && mustTag {
			t.Errorf("%s %s has no tags", x.Type, x.Name)
		}
		if ok && (tags["stack"] != r.stack || tags["project"] != project) {
			t.Errorf("%s %s tags = %v", x.Type, x.Name, tags)
		}
	}
}

var (
	accountRE = regexp.MustCompile(`\b[0-9]{12}\b`)
	regionRE  = regexp.MustCompile(`\b(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[0-9]\b`)
)

// Every account id and region in any input is the one of the run.
func assertOnlyAccountAndRegion(t *testing.T, r *run, account, region string) {
	t.Helper()
	for _, x := range r.resources {
		b, err := json.Marshal(x.In)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range accountRE.FindAllString(string(b), -1) {
			if a != account {
				t.Errorf("%s %s carries account id %s, not the deploying account %s", x.Type, x.Name, a, account)
			}
		}
		for _, g := range regionRE.FindAllString(string(b), -1) {
			if g != region {
				t.Errorf("%s %s carries region %s, not the configured %s", x.Type, x.Name, g, region)
			}
		}
	}
}

func TestOtherAccountAndRegion(t *testing.T) {
	const account, region = "999988887777", "eu-central-1"
	values := stackConfig(t, "dev")
	values["aws:region"] = region
	r := runProgram(t, "dev", values, nil, account, region)
	if r.err != nil {
		t.Fatal(r.err)
	}
	assertOnlyAccountAndRegion(t, r, account, region)
	for _, x := range r.resources {
		b, _ := json.Marshal(x.In)
		if strings.Contains(string(b), testAccount) || strings.Contains(string(b), testRegion) {
			t.Errorf("%s %s still carries %s or %s", x.Type, x.Name, testAccount, testRegion)
		}
	}
}

// The program's source names no account id and no region.
func TestSourceHasNoAccountOrRegion(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range []*regexp.Regexp{accountRE, regionRE} {
			if m := re.FindString(string(b)); m != "" {
				t.Errorf("%s contains %q", path, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// physicalNames lists the names that must be unique in an account (and
// region): IAM roles, the ECR repository, the bucket, the EKS cluster, its
// log group and the GitHub OIDC provider.
func physicalNames(r *run) []string {
	keys := map[string]string{
		"aws:iam/role:Role":                                   "name",
		"aws:ecr/repository:Repository":                       "name",
		"aws:s3/bucketV2:BucketV2":                            "bucket",
		"eks:index:Cluster":                                   "name",
		"aws:cloudwatch/logGroup:LogGroup":                    "name",
		"aws:iam/rolePolicy:RolePolicy":                       "role", // plus the policy name below
		"aws:iam/openIdConnectProvider:OpenIdConnectProvider": "url",
	}
	var out []string
	for _, x := range r.resources {
		key, ok := keys[x.Type]
		if !ok {
			continue
		}
		name := x.str(key)
		if x.Type == "aws:iam/rolePolicy:RolePolicy" {
			name += "/" + x.str("name")
		}
		out = append(out, x.Type+" "+name)
	}
	return out
}

func TestDevAndProdDoNotCollide(t *testing.T) {
	dev, prod := runStack(t, "dev"), runStack(t, "prod")
	devNames := map[string]bool{}
	for _, n := range physicalNames(dev) {
		devNames[n] = true
	}
	for _, n := range physicalNames(prod) {
		if devNames[n] {
			t.Errorf("dev and prod both create %s in the same account", n)
		}
	}
	// The account's GitHub OIDC provider and CI roles are the bootstrap's:
	// neither stack creates them, both read them.
	for _, r := range []*run{dev, prod} {
		for _, p := range r.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider") {
			if strings.Contains(p.str("url"), policy.GitHubOIDCHost) {
				t.Errorf("%s creates the GitHub OIDC provider", r.stack)
			}
		}
		refs := r.ofType("pulumi:pulumi:StackReference")
		if len(refs) != 1 || refs[0].Name != r.cfg.BootstrapStack {
			t.Errorf("%s reads stack references %+v, want %s", r.stack, refs, r.cfg.BootstrapStack)
		}
	}
	if len(physicalNames(dev)) < 8 {
		t.Errorf("only %d physical names compared", len(physicalNames(dev)))
	}
}

// Node group sizes follow config, not constants.
func TestNodeSizesFromConfig(t *testing.T) {
	values := stackConfig(t, "dev")
	values[project+":nodeMinSize"], values[project+":nodeDesiredSize"], values[project+":nodeMaxSize"] = "2", "5", "7"
	r := runProgram(t, "dev", values, nil, testAccount, testRegion)
	if r.err != nil {
		t.Fatal(r.err)
	}
	assertNodeSizes(t, r, config.Nodes{MinSize: 2, DesiredSize: 5, MaxSize: 7})
}

func TestGrafanaPasswordAndSecretReceivers(t *testing.T) {
	values := stackConfig(t, "dev")
	const password = "a-very-long-test-password"
	values[project+":grafanaAdminPassword"] = password
	values[project+":alertReceivers"] = `[{"name":"team","type":"slack","url":"https://hooks.example/T0/B0/x","channel":"#alerts"}]`
	r := runProgram(t, "dev", values, []string{project + ":grafanaAdminPassword", project + ":alertReceivers"}, testAccount, testRegion)
	if r.err != nil {
		t.Fatal(r.err)
	}
	var secrets []res
	for _, s := range r.ofType("kubernetes:core/v1:Secret") {
		if s.str("metadata", "name") == "grafana-admin" {
			secrets = append(secrets, s)
		}
	}
	if len(secrets) != 1 || secrets[0].str("stringData", "admin-password") != password || !secrets[0].SecretIn["stringData"] {
		t.Fatalf("grafana-admin Secret = %+v", secrets)
	}
	for _, rel := range r.ofType("kubernetes:helm.sh/v3:Release") {
		b, _ := json.Marshal(rel.In)
		if strings.Contains(string(b), password) {
			t.Errorf("release %s carries the Grafana password in its values", rel.Name)
		}
		if rel.Name == "kube-prometheus-stack" {
			if rel.str("values", "grafana", "admin", "existingSecret") != "grafana-admin" {
				t.Errorf("Grafana does not read the admin Secret: %v", rel.get("values", "grafana"))
			}
			if rel.str("values", "alertmanager", "config", "route", "receiver") != "team" {
				t.Errorf("alerts are not routed to the configured receiver: %v", rel.get("values", "alertmanager"))
			}
			if !rel.SecretIn["values"] {
				t.Error("the values carry secret receivers but are not secret in the state")
			}
		}
	}
	if r.outputs[stackoutputs.GrafanaPasswordCommand] != "kubectl -n monitoring get secret grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d" {
		t.Errorf("password command = %v", r.outputs[stackoutputs.GrafanaPasswordCommand])
	}
}

// Bad config fails with a message naming the key, before any resource is
// registered.
func TestBadConfig(t *testing.T) {
	badDashboards := t.TempDir()
	if err := os.WriteFile(filepath.Join(badDashboards, "broken.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		set      map[string]string
		unset    []string
		wantKey  string
		noInvoke bool
	}{
		{name: "missing repository", unset: []string{"mlops:githubRepository"}, wantKey: "mlops:githubRepository", noInvoke: true},
		{name: "malformed repository", set: map[string]string{"mlops:githubRepository": "mlopsgo/ml/ops"}, wantKey: "mlops:githubRepository", noInvoke: true},
		{name: "missing region", unset: []string{"aws:region"}, wantKey: "aws:region", noInvoke: true},
		{name: "min greater than max", set: map[string]string{"mlops:nodeMinSize": "5", "mlops:nodeMaxSize": "2"}, wantKey: "mlops:nodeMinSize", noInvoke: true},
		{name: "chart version range", set: map[string]string{"mlops:argocdChartVersion": "10.x"}, wantKey: "mlops:argocdChartVersion", noInvoke: true},
		{name: "password not secret", set: map[string]string{"mlops:grafanaAdminPassword": "a-very-long-test-password"}, wantKey: "mlops:grafanaAdminPassword", noInvoke: true},
		{name: "missing dashboards", set: map[string]string{"mlops:dashboardsDir": "no-such-folder"}, wantKey: "mlops:dashboardsDir", noInvoke: true},
		{name: "broken dashboard", set: map[string]string{"mlops:dashboardsDir": badDashboards}, wantKey: "mlops:dashboardsDir", noInvoke: true},
		{name: "more zones than the region has", set: map[string]string{"mlops:azCount": "4"}, wantKey: "mlops:azCount"},
		{name: "a fork's repository, this repository's project", set: map[string]string{"mlops:githubRepository": "someone/mlops"}, wantKey: "mlops:argocdProjectFile"},
		{name: "missing project file", set: map[string]string{"mlops:argocdProjectFile": "no-such-file.yaml"}, wantKey: "mlops:argocdProjectFile", noInvoke: true},
		{name: "prod API endpoint open to the internet", set: map[string]string{"mlops:environment": "prod", "mlops:clusterPublicAccessCidrs": `["0.0.0.0/0"]`}, wantKey: "mlops:clusterPublicAccessCidrs", noInvoke: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := stackConfig(t, "dev")
			maps.Copy(values, tt.set)
			for _, k := range tt.unset {
				delete(values, k)
			}
			r := runProgram(t, "dev", values, nil, testAccount, testRegion)
			if r.err == nil || !strings.Contains(r.err.Error(), tt.wantKey) {
				t.Fatalf("err = %v, want one naming %s", r.err, tt.wantKey)
			}
			if len(r.resources) != 0 {
				t.Errorf("%d resources registered before the error", len(r.resources))
			}
			if tt.noInvoke && len(r.calls) != 0 {
				t.Errorf("invokes ran before the config error: %v", r.calls)
			}
		})
	}
}

// The committed prod stack alone is not enough: a person must set a
// receiver, the dead-man's switch and the certificate, and the program
// says which, before it registers anything.
func TestProdNeedsOperatorKeys(t *testing.T) {
	r := runProgram(t, "prod", stackConfig(t, "prod"), nil, testAccount, testRegion)
	for key := range operatorKeys["prod"] {
		if r.err == nil || !strings.Contains(r.err.Error(), key+": ") {
			t.Errorf("err = %v, want one naming %s", r.err, key)
		}
	}
	if len(r.resources) != 0 || len(r.calls) != 0 {
		t.Errorf("%d resources and %d invokes before the config error", len(r.resources), len(r.calls))
	}
}

// The dashboards the dashboards module generated (dashboards/generated,
// the default dashboardsDir) become one ConfigMap each.
func TestRepositoryDashboards(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "dashboards", "generated"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("no generated dashboards in %s yet", dir)
	}
	values := stackConfig(t, "dev")
	values[project+":dashboardsDir"] = dir
	r := runProgram(t, "dev", values, nil, testAccount, testRegion)
	if r.err != nil {
		t.Fatal(r.err)
	}
	assertDashboards(t, r, len(files))
}

// assertPodSecurity checks that every namespace the program creates carries
// Pod Security admission labels: enforced, and warned and audited at a
// level at least as strict.
func assertPodSecurity(t *testing.T, r *run) {
	levels := map[string]int{"privileged": 0, "baseline": 1, "restricted": 2}
	namespaces := r.ofType("kubernetes:core/v1:Namespace")
	if len(namespaces) < 3 {
		t.Fatalf("%d namespaces, want argocd, monitoring, argo-rollouts and training", len(namespaces))
	}
	for _, ns := range namespaces {
		name := ns.str("metadata", "name")
		enforce, ok1 := levels[ns.str("metadata", "labels", "pod-security.kubernetes.io/enforce")]
		warn, ok2 := levels[ns.str("metadata", "labels", "pod-security.kubernetes.io/warn")]
		audit, ok3 := levels[ns.str("metadata", "labels", "pod-security.kubernetes.io/audit")]
		if !ok1 || !ok2 || !ok3 || warn < enforce || audit < enforce {
			t.Errorf("namespace %s: Pod Security labels %v", name, ns.get("metadata", "labels"))
		}
		// The strictest level each namespace's pods run at: only
		// monitoring (node-exporter) needs privileged; argocd's chart and
		// the training Job meet restricted.
		want := map[string]int{"monitoring": levels["privileged"], "argocd": levels["restricted"], "argo-rollouts": levels["restricted"], r.cfg.Training.Namespace: levels["restricted"]}
		if w, ok := want[name]; !ok || enforce != w {
			t.Errorf("namespace %s enforces %s, want %v", name, ns.str("metadata", "labels", "pod-security.kubernetes.io/enforce"), want)
		}
	}
}

// recordingLog is a pulumi.Log that keeps what it is given (the mocks'
// engine drops log messages).
type recordingLog struct{ warnings []string }

func (l *recordingLog) Debug(string, *pulumi.LogArgs) error { return nil }
func (l *recordingLog) Info(string, *pulumi.LogArgs) error  { return nil }
func (l *recordingLog) Error(string, *pulumi.LogArgs) error { return nil }
func (l *recordingLog) Warn(msg string, _ *pulumi.LogArgs) error {
	l.warnings = append(l.warnings, msg)
	return nil
}

// Dev may leave the API endpoint open to the internet, and is warned
// through the Pulumi log; prod must list who may reach it (TestBadConfig,
// TestProdNeedsOperatorKeys), and the cluster takes exactly that list.
func TestAPIEndpointAccess(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			r := runStack(t, stack)
			log := &recordingLog{}
			if err := warn(log, r.cfg.Warnings); err != nil {
				t.Fatal(err)
			}
			open := slices.Contains(r.cfg.Cluster.PublicAccessCIDRs, "0.0.0.0/0")
			warned := slices.ContainsFunc(log.warnings, func(w string) bool {
				return strings.HasPrefix(w, project+":clusterPublicAccessCidrs: ")
			})
			if open != warned || (stack == "prod" && open) {
				t.Errorf("%s: endpoint open to %v, warnings %q", stack, r.cfg.Cluster.PublicAccessCIDRs, log.warnings)
			}
			c := r.ofType("eks:index:Cluster")[0]
			if got := fmt.Sprint(c.get("publicAccessCidrs")); got != fmt.Sprint(toAny(r.cfg.Cluster.PublicAccessCIDRs)) {
				t.Errorf("cluster publicAccessCidrs = %s, want %v", got, r.cfg.Cluster.PublicAccessCIDRs)
			}
		})
	}
}

// A stack can be destroyed and brought up again in the same account: the
// second run creates no identity the account still holds (IAM role names,
// OIDC provider URLs, EKS access entries, and every other unique name). The
// GitHub OIDC provider, which dev used to create and retain, belongs to the
// bootstrap program now.
func TestUpDestroyUp(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			values := stackConfig(t, stack)
			var secrets []string
			if keys := operatorKeys[stack]; keys != nil {
				maps.Copy(values, keys)
				secrets = operatorSecrets
			}
			acct := newAccount(testAccount, testRegion)
			if first := runIn(t, acct, stack, values, secrets); first.err != nil {
				t.Fatalf("first up: %v", first.err)
			}
			held := len(acct.held)
			acct.destroy()
			t.Logf("%d identities created, %d retained by the destroy", held, len(acct.held))

			second := runIn(t, acct, stack, values, secrets)
			switch {
			case len(acct.rejected) > 0:
				t.Errorf("second up creates what the account still holds: %q", acct.rejected)
			case second.err != nil:
				t.Errorf("second up: %v", second.err)
			}
		})
	}
}

// An admin principal that is the identity running `pulumi up` gets no
// access entry of its own: EKS gave it one when it created the cluster, and
// a second fails. Other admins get theirs.
func TestAdminEntryForTheDeployingIdentity(t *testing.T) {
	iam := func(r string) string { return fmt.Sprintf("arn:aws:iam::%s:%s", testAccount, r) }
	tests := []struct {
		name, caller string
		admins       []string
		// want are the admin principals that get an entry.
		want []string
	}{
		{name: "user", caller: iam("user/ci"), admins: []string{iam("user/ci"), iam("user/alice")}, want: []string{iam("user/alice")}},
		{name: "role session", caller: fmt.Sprintf("arn:aws:sts::%s:assumed-role/admin/alice", testAccount),
			admins: []string{iam("role/admin"), iam("role/oncall")}, want: []string{iam("role/oncall")}},
		{name: "someone else", caller: iam("user/ci"), admins: []string{iam("role/admin")}, want: []string{iam("role/admin")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := stackConfig(t, "dev")
			b, err := json.Marshal(tt.admins)
			if err != nil {
				t.Fatal(err)
			}
			values[project+":clusterAdminPrincipalArns"] = string(b)
			acct := newAccount(testAccount, testRegion)
			acct.caller = tt.caller
			r := runIn(t, acct, "dev", values, nil)
			if r.err != nil {
				t.Fatalf("up: %v (rejected %q)", r.err, acct.rejected)
			}
			var got []string
			for _, e := range r.ofType("aws:eks/accessEntry:AccessEntry") {
				if slices.Contains(tt.admins, e.str("principalArn")) {
					got = append(got, e.str("principalArn"))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("admin access entries for %q, want %q", got, tt.want)
			}
		})
	}
}

// TestClusterCreatorAcrossRuns: EKS gives the cluster's creator an access
// entry, and the program must never register a second one for it, whoever
// runs a later `pulumi up`. The cluster carries its creator as a tag; a
// later run reads it rather than assuming the caller created the cluster.
func TestClusterCreatorAcrossRuns(t *testing.T) {
	iam := func(r string) string { return fmt.Sprintf("arn:aws:iam::%s:%s", testAccount, r) }
	session := func(role string) string {
		return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/run-1", testAccount, role)
	}
	deployRole := project + "-dev-ci-deploy"
	alice, bob := iam("user/alice"), iam("user/bob")
	tests := []struct {
		name string
		// creator is who created the cluster before this run ("" for none:
		// this run creates it).
		creator, caller string
		admins          []string
		// wantTag is the cluster's creator tag; wantAdmins the admins with
		// an entry; wantDeployEntry whether the deploy role gets one.
		wantTag         string
		wantAdmins      []string
		wantDeployEntry bool
	}{
		{name: "a person creates, listing themselves", caller: alice, admins: []string{alice, bob},
			wantTag: alice, wantAdmins: []string{bob}, wantDeployEntry: true},
		{name: "then CI runs", creator: alice, caller: session(deployRole), admins: []string{alice, bob},
			wantTag: alice, wantAdmins: []string{bob}, wantDeployEntry: true},
		{name: "the deploy role creates", caller: session(deployRole), admins: []string{alice},
			wantTag: iam("role/" + deployRole), wantAdmins: []string{alice}},
		{name: "then a person runs", creator: iam("role/" + deployRole), caller: alice, admins: []string{alice},
			wantTag: iam("role/" + deployRole), wantAdmins: []string{alice}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := stackConfig(t, "dev")
			b, err := json.Marshal(tt.admins)
			if err != nil {
				t.Fatal(err)
			}
			values[project+":clusterAdminPrincipalArns"] = string(b)
			acct := newAccount(testAccount, testRegion)
			acct.caller = tt.caller
			if tt.creator != "" {
				acct.existingCluster(project+"-dev", tt.creator)
			}
			r := runIn(t, acct, "dev", values, nil)
			if r.err != nil {
				t.Fatalf("up: %v (rejected %q)", r.err, acct.rejected)
			}
			clusters := r.ofType("eks:index:Cluster")
			if len(clusters) != 1 || clusters[0].str("tags", cluster.CreatorTag) != tt.wantTag {
				t.Errorf("cluster creator tag %q, want %q", clusters[0].str("tags", cluster.CreatorTag), tt.wantTag)
			}
			var admins []string
			deployEntry := false
			for _, e := range r.ofType("aws:eks/accessEntry:AccessEntry") {
				p := e.str("principalArn")
				if slices.Contains(tt.admins, p) {
					admins = append(admins, p)
				}
				deployEntry = deployEntry || p == iam("role/"+deployRole)
			}
			if !slices.Equal(admins, tt.wantAdmins) || deployEntry != tt.wantDeployEntry {
				t.Errorf("admin entries %q and a deploy role entry %t, want %q and %t", admins, deployEntry, tt.wantAdmins, tt.wantDeployEntry)
			}
		})
	}
}
