package main

// These tests run the bootstrap program under Pulumi's mocks and check what
// it registers: the adopted or created GitHub OIDC provider, the boundary,
// each stack's CI roles (trust and permissions), the state bucket and key,
// and the outputs the main program reads.

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/policy"
	"github.com/mlopsgo/mlops/infra/stackoutputs"
)

const (
	bootProject = "mlops-bootstrap"
	testAccount = "111122223333"
	testRegion  = "us-east-1"
)

type mocks struct {
	// providerURL is what a lookup of an existing provider finds.
	providerURL string

	mu        sync.Mutex
	resources []pulumi.MockResourceArgs
	calls     []pulumi.MockCallArgs
}

func iamARN(r string) string { return fmt.Sprintf("arn:aws:iam::%s:%s", testAccount, r) }

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.resources = append(m.resources, a)
	m.mu.Unlock()
	out := a.Inputs.Copy()
	id := a.Name + "-id"
	in := func(k string) string { s, _ := plain(a.Inputs[resource.PropertyKey(k)]).(string); return s }
	set := func(k, v string) { out[resource.PropertyKey(k)] = resource.NewStringProperty(v) }
	switch a.TypeToken {
	case "aws:iam/role:Role":
		id = in("name")
		set("arn", iamARN("role/"+id))
	case "aws:iam/policy:Policy":
		set("arn", iamARN("policy/"+in("name")))
	case "aws:kms/key:Key":
		id = "0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"
		set("arn", fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", testRegion, testAccount, id))
		set("keyId", id)
	case "aws:s3/bucketV2:BucketV2":
		id = in("bucket")
	}
	return id, out, nil
}

func (m *mocks) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.calls = append(m.calls, a)
	m.mu.Unlock()
	obj := resource.NewPropertyMapFromMap
	switch a.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return obj(map[string]any{"accountId": testAccount, "arn": iamARN("user/admin"), "userId": "AIDAMOCK", "id": testAccount}), nil
	case "aws:index/getPartition:getPartition":
		return obj(map[string]any{"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}), nil
	case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider":
		arn, _ := plain(a.Args["arn"]).(string)
		return obj(map[string]any{"arn": arn, "url": m.providerURL, "clientIdLists": []any{"sts.amazonaws.com"}, "id": arn}), nil
	}
	return nil, fmt.Errorf("mocks: unexpected invoke %s", a.Token)
}

func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		return plain(v.OutputValue().Element)
	case v.IsObject():
		m := map[string]any{}
		for k, e := range v.ObjectValue() {
			m[string(k)] = plain(e)
		}
		return m
	case v.IsArray():
		var a []any
		for _, e := range v.ArrayValue() {
			a = append(a, plain(e))
		}
		return a
	case v.IsString():
		return v.StringValue()
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	}
	return nil
}

type res struct {
	Type, Name string
	In         map[string]any
	Protect    bool
}

func (r res) str(k string) string { s, _ := r.In[k].(string); return s }

type run struct {
	resources []res
	calls     []string
	outputs   map[string]any
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

// committedConfig is infra/bootstrap/Pulumi.shared.yaml.
func committedConfig(t *testing.T) map[string]string {
	t.Helper()
	values, err := config.ReadStackFile("Pulumi.yaml", "Pulumi.shared.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return values
}

func runBootstrap(t *testing.T, values map[string]string, providerURL string) *run {
	t.Helper()
	b, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(b))
	t.Setenv("PULUMI_CONFIG_SECRET_KEYS", "[]")
	m := &mocks{providerURL: providerURL}
	r := &run{outputs: map[string]any{}}
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
			r.outputs[name] = got.Value
		}
		return nil
	}, pulumi.WithMocks(bootProject, "shared", m))
	for _, a := range m.resources {
		x := res{Type: a.TypeToken, Name: a.Name, In: map[string]any{}}
		for k, v := range a.Inputs {
			x.In[string(k)] = plain(v)
		}
		if a.RegisterRPC != nil {
			x.Protect = a.RegisterRPC.GetProtect()
		}
		r.resources = append(r.resources, x)
	}
	for _, c := range m.calls {
		r.calls = append(r.calls, c.Token)
	}
	return r
}

const githubProvider = "arn:aws:iam::" + testAccount + ":oidc-provider/token.actions.githubusercontent.com"

func TestBootstrapCreatesProvider(t *testing.T) {
	r := runBootstrap(t, committedConfig(t), "")
	if r.err != nil {
		t.Fatal(r.err)
	}
	providers := r.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
	if len(providers) != 1 || providers[0].str("url") != policy.GitHubOIDCURL {
		t.Fatalf("providers = %+v, want GitHub's", providers)
	}
	if slices.Contains(r.calls, "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider") {
		t.Error("looked up a provider although none is configured")
	}
	assertRoles(t, r, githubProvider)
	assertStateBackend(t, r)
	assertOutputs(t, r, githubProvider)
}

func TestBootstrapAdoptsProvider(t *testing.T) {
	values := committedConfig(t)
	values[bootProject+":githubOidcProviderArn"] = githubProvider
	r := runBootstrap(t, values, "token.actions.githubusercontent.com")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if n := len(r.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")); n != 0 {
		t.Errorf("%d providers created, want the existing one adopted", n)
	}
	if !slices.Contains(r.calls, "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider") {
		t.Error("the existing provider was not looked up")
	}
	assertRoles(t, r, githubProvider)
	assertOutputs(t, r, githubProvider)
}

func TestBootstrapRejectsForeignProvider(t *testing.T) {
	values := committedConfig(t)
	values[bootProject+":githubOidcProviderArn"] = githubProvider
	r := runBootstrap(t, values, "gitlab.example.com")
	if r.err == nil || !strings.Contains(r.err.Error(), "githubOidcProviderArn") {
		t.Fatalf("err = %v, want one naming githubOidcProviderArn", r.err)
	}
}

func TestBootstrapBadConfig(t *testing.T) {
	values := committedConfig(t)
	delete(values, bootProject+":stacks")
	r := runBootstrap(t, values, "")
	if r.err == nil || !strings.Contains(r.err.Error(), bootProject+":stacks") {
		t.Fatalf("err = %v, want one naming %s:stacks", r.err, bootProject)
	}
	if len(r.resources) != 0 || len(r.calls) != 0 {
		t.Errorf("%d resources and %d invokes before the config error", len(r.resources), len(r.calls))
	}
}

// assertRoles checks each stack's four roles: exact trust, permissions as
// managed policies that pass the project's checks, and the boundary.
func assertRoles(t *testing.T, r *run, provider string) {
	t.Helper()
	repo := policy.Repo{Owner: "mlopsgo", Name: "mlops"}
	var subjects []string
	for _, role := range r.ofType("aws:iam/role:Role") {
		d, err := policy.Parse(role.str("assumeRolePolicy"))
		if err != nil {
			t.Fatal(err)
		}
		subs, problems := policy.CheckFederatedTrust(d, provider, policy.GitHubOIDCHost, repo.SubjectPrefix()+":")
		for _, p := range problems {
			t.Errorf("role %s: %s", role.Name, p)
		}
		subjects = append(subjects, subs...)
	}
	sort.Strings(subjects)
	want := []string{
		repo.EnvironmentSubject("dev"), repo.EnvironmentSubject("production"),
		repo.EnvironmentSubject("release"), repo.EnvironmentSubject("release"),
		repo.EnvironmentSubject("train"), repo.EnvironmentSubject("train"),
		repo.PullRequestSubject(), repo.PullRequestSubject(),
	}
	sort.Strings(want)
	if !slices.Equal(subjects, want) {
		t.Errorf("subjects = %q, want %q", subjects, want)
	}
	boundaries := 0
	attached := map[string]int{}
	for _, a := range r.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		attached[a.str("role")]++
	}
	for _, p := range r.ofType("aws:iam/policy:Policy") {
		d, err := policy.Parse(p.str("policy"))
		if err != nil {
			t.Fatalf("policy %s: %v", p.Name, err)
		}
		problems := policy.Check(d)
		if strings.HasSuffix(p.str("name"), "-boundary") {
			boundaries++
			problems = policy.CheckBoundary(d)
		}
		for _, pr := range problems {
			t.Errorf("policy %s: %s", p.Name, pr)
		}
		if n := len(p.str("policy")); n > policy.ManagedPolicyLimit {
			t.Errorf("policy %s is %d characters", p.Name, n)
		}
	}
	if boundaries != 2 {
		t.Errorf("%d boundaries, want one per stack", boundaries)
	}
	for _, stack := range []string{"dev", "prod"} {
		for _, purpose := range []string{"preview", "deploy", "release", "train"} {
			name := "mlops-" + stack + "-ci-" + purpose
			if attached[name] == 0 {
				t.Errorf("role %s has no permissions attached", name)
			}
		}
	}
}

func assertStateBackend(t *testing.T, r *run) {
	t.Helper()
	buckets := r.ofType("aws:s3/bucketV2:BucketV2")
	if len(buckets) != 1 || buckets[0].str("bucket") != "mlops-pulumi-state-"+testAccount || !buckets[0].Protect {
		t.Fatalf("state buckets = %+v, want one protected mlops-pulumi-state-<account>", buckets)
	}
	for _, typ := range []string{
		"aws:s3/bucketVersioningV2:BucketVersioningV2", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "aws:s3/bucketPolicy:BucketPolicy",
	} {
		if len(r.ofType(typ)) != 1 {
			t.Errorf("state bucket: %d %s", len(r.ofType(typ)), typ)
		}
	}
	if v, _ := r.ofType("aws:s3/bucketVersioningV2:BucketVersioningV2")[0].In["versioningConfiguration"].(map[string]any); v["status"] != "Enabled" {
		t.Errorf("state bucket versioning = %v", v)
	}
	pab := r.ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if pab.In[k] != true {
			t.Errorf("state bucket: %s is not true", k)
		}
	}
	d, err := policy.Parse(r.ofType("aws:s3/bucketPolicy:BucketPolicy")[0].str("policy"))
	if err != nil || !policy.IsTLSOnly(d, "arn:aws:s3:::mlops-pulumi-state-"+testAccount) {
		t.Errorf("state bucket policy is not TLS-only (%v)", err)
	}
	keys := r.ofType("aws:kms/key:Key")
	if len(keys) != 1 || keys[0].In["enableKeyRotation"] != true || !keys[0].Protect {
		t.Errorf("KMS keys = %+v, want one protected with rotation", keys)
	}
}

func assertOutputs(t *testing.T, r *run, provider string) {
	t.Helper()
	if got, want := slices.Sorted(maps.Keys(r.outputs)), slices.Sorted(slices.Values(stackoutputs.BootstrapAll)); !slices.Equal(got, want) {
		t.Errorf("outputs = %v, want %v", got, want)
	}
	// As the engine stores it, and a StackReference reads it: JSON.
	var stacks map[string]any
	b, err := json.Marshal(r.outputs[stackoutputs.BootstrapStacks])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &stacks); err != nil {
		t.Fatal(err)
	}
	for _, stack := range []string{"dev", "prod"} {
		roles, _ := stacks[stack].(map[string]any)
		for purpose, output := range stackoutputs.RoleOutputs {
			if got, want := roles[output], iamARN("role/mlops-"+stack+"-ci-"+purpose); got != want {
				t.Errorf("stacks.%s.%s = %v, want %s", stack, output, got, want)
			}
		}
		if got, want := roles[stackoutputs.BootstrapBoundaryARN], iamARN("policy/mlops-"+stack+"-boundary"); got != want {
			t.Errorf("stacks.%s.%s = %v, want %s", stack, stackoutputs.BootstrapBoundaryARN, got, want)
		}
	}
	checks := map[string]string{
		stackoutputs.BootstrapGitHubOIDCProviderARN: provider,
		stackoutputs.BootstrapStateBucket:           "mlops-pulumi-state-" + testAccount,
		stackoutputs.BootstrapStateURL:              "s3://mlops-pulumi-state-" + testAccount + "?region=" + testRegion,
		stackoutputs.BootstrapSecretsProvider:       "awskms://alias/mlops-pulumi-secrets?region=" + testRegion,
	}
	for name, want := range checks {
		if got := r.outputs[name]; got != want {
			t.Errorf("output %s = %v, want %s", name, got, want)
		}
	}
}

// The committed bootstrap stack serves the committed main stacks: each is
// listed with the main stack's githubDeployEnvironment and forceDestroy.
func TestBootstrapListsMainStacks(t *testing.T) {
	b, err := config.LoadBootstrap(bootProject, config.MapSource{Values: committedConfig(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range b.Stacks {
		values, err := config.ReadStackFile(filepath.Join("..", "..", "Pulumi.yaml"), filepath.Join("..", "..", "Pulumi."+st.Name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if got := values["mlops:githubDeployEnvironment"]; got != st.DeployEnvironment {
			t.Errorf("stack %s: deployEnvironment %q, main stack's githubDeployEnvironment %q", st.Name, st.DeployEnvironment, got)
		}
		if got := values["mlops:forceDestroy"]; got != fmt.Sprint(st.ForceDestroy) {
			t.Errorf("stack %s: forceDestroy %v, main stack's %q", st.Name, st.ForceDestroy, got)
		}
		if got := values["mlops:bootstrapStack"]; !strings.HasSuffix(got, "/"+bootProject+"/shared") {
			t.Errorf("stack %s: bootstrapStack %q does not name this stack", st.Name, got)
		}
	}
}
