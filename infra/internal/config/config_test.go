package config

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// minimal is the smallest valid configuration.
func minimal() map[string]string {
	return map[string]string{
		"aws:region":             "eu-west-1",
		"mlops:githubRepository": "mlopsgo/mlops",
		"mlops:bootstrapStack":   "organization/mlops-bootstrap/shared",
	}
}

func load(t *testing.T, values map[string]string, secrets ...string) (*Config, error) {
	t.Helper()
	sec := map[string]bool{}
	for _, s := range secrets {
		sec[s] = true
	}
	return Load("mlops", "dev", MapSource{Values: values, Secrets: sec})
}

func TestDefaults(t *testing.T) {
	c, err := load(t, minimal())
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"region", c.Region, "eu-west-1"},
		{"owner", c.GitHub.Owner, "mlopsgo"},
		{"repo", c.GitHub.Repo, "mlops"},
		{"repo url", c.GitHub.RepoURL(), "https://github.com/mlopsgo/mlops.git"},
		{"deploy environment defaults to the stack", c.GitHub.DeployEnvironment, "dev"},
		{"revision", c.GitOps.Revision, "main"},
		{"path defaults to the stack's folder", c.GitOps.Path, "gitops/apps/dev"},
		{"nat", c.Network.NATGateways, NATNone},
		{"azs", c.Network.AZCount, 2},
		{"min", c.Nodes.MinSize, 1},
		{"desired", c.Nodes.DesiredSize, 2},
		{"max", c.Nodes.MaxSize, 3},
		{"ami", c.Nodes.AMIType, "AL2023_x86_64_STANDARD"},
		{"kps", c.Charts.KubePrometheusStack, "88.5.3"},
		{"argocd", c.Charts.ArgoCD, "10.1.1"},
		{"password", c.Monitoring.GrafanaAdminPassword, ""},
		{"log types", strings.Join(c.Cluster.LogTypes, ","), "api,audit,authenticator"},
		{"public cidrs", strings.Join(c.Cluster.PublicAccessCIDRs, ","), "0.0.0.0/0"},
		{"force destroy", c.Storage.ForceDestroy, false},
		{"dashboards", c.DashboardsDir, "dashboards/generated"},
		{"environment defaults to the stack", c.Environment, EnvDev},
		{"dev needs no receiver", len(c.Monitoring.AlertReceivers), 0},
		{"dev needs no dead-man's switch", c.Monitoring.DeadMansSwitchURL, ""},
		{"dev needs no certificate", c.Edge.CertificateARN, ""},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// prodValues is what a prod stack sets beyond minimal: the environment, a
// receiver, the dead-man's switch (both secret, prodSecrets), the
// certificate and who may reach the API endpoint.
func prodValues() map[string]string {
	return map[string]string{
		"mlops:environment":              EnvProd,
		"mlops:alertReceivers":           `[{"name":"oncall","type":"webhook","url":"https://pager.example/hook"}]`,
		"mlops:deadMansSwitchUrl":        "https://hc.example/ping/abc",
		"mlops:certificateArn":           "arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab",
		"mlops:clusterPublicAccessCidrs": `["203.0.113.0/24"]`,
	}
}

var prodSecrets = []string{"mlops:alertReceivers", "mlops:deadMansSwitchUrl"}

func withValue(m map[string]string, key, value string) map[string]string {
	m[key] = value
	return m
}

// Each bad value fails with a message that names its key.
func TestValidation(t *testing.T) {
	tests := []struct {
		name    string
		set     map[string]string
		unset   []string
		secrets []string
		wantKey string
		wantMsg string
	}{
		{name: "missing region", unset: []string{"aws:region"}, wantKey: "aws:region", wantMsg: "is required"},
		{name: "bad region", set: map[string]string{"aws:region": "Europe"}, wantKey: "aws:region"},
		{name: "missing repository", unset: []string{"mlops:githubRepository"}, wantKey: "mlops:githubRepository", wantMsg: "is required"},
		{name: "repository without owner", set: map[string]string{"mlops:githubRepository": "mlops"}, wantKey: "mlops:githubRepository", wantMsg: "owner/repo"},
		{name: "repository with three parts", set: map[string]string{"mlops:githubRepository": "a/b/c"}, wantKey: "mlops:githubRepository"},
		{name: "owner with underscore", set: map[string]string{"mlops:githubRepository": "bad_owner/mlops"}, wantKey: "mlops:githubRepository"},
		{name: "repository with space", set: map[string]string{"mlops:githubRepository": "mlopsgo/ml ops"}, wantKey: "mlops:githubRepository"},
		{name: "repository ending .git", set: map[string]string{"mlops:githubRepository": "mlopsgo/mlops.git"}, wantKey: "mlops:githubRepository"},
		{name: "owner id alone", set: map[string]string{"mlops:githubOwnerId": "123"}, wantKey: "mlops:githubOwnerId"},
		{name: "non-numeric repo id", set: map[string]string{"mlops:githubOwnerId": "1", "mlops:githubRepoId": "x"}, wantKey: "mlops:githubRepoId"},
		{name: "environment with colon", set: map[string]string{"mlops:githubDeployEnvironment": "prod:x"}, wantKey: "mlops:githubDeployEnvironment"},
		{name: "bootstrap stack not a reference", set: map[string]string{"mlops:bootstrapStack": "shared"}, wantKey: "mlops:bootstrapStack"},
		{name: "gitops path escapes", set: map[string]string{"mlops:gitopsPath": "../elsewhere"}, wantKey: "mlops:gitopsPath"},
		{name: "min greater than max", set: map[string]string{"mlops:nodeMinSize": "4", "mlops:nodeMaxSize": "3"}, wantKey: "mlops:nodeMinSize", wantMsg: "greater than nodeMaxSize"},
		{name: "desired above max", set: map[string]string{"mlops:nodeDesiredSize": "9"}, wantKey: "mlops:nodeDesiredSize"},
		{name: "zero min", set: map[string]string{"mlops:nodeMinSize": "0"}, wantKey: "mlops:nodeMinSize"},
		{name: "size not a number", set: map[string]string{"mlops:nodeMaxSize": "three"}, wantKey: "mlops:nodeMaxSize", wantMsg: "not an integer"},
		{name: "arm instance with x86 ami", set: map[string]string{"mlops:nodeInstanceType": "t4g.medium"}, wantKey: "mlops:nodeAmiType", wantMsg: "architecture"},
		{name: "unknown ami", set: map[string]string{"mlops:nodeAmiType": "AL2_x86_64"}, wantKey: "mlops:nodeAmiType"},
		{name: "capacity type", set: map[string]string{"mlops:nodeCapacityType": "spot"}, wantKey: "mlops:nodeCapacityType"},
		{name: "instance type", set: map[string]string{"mlops:nodeInstanceType": "medium"}, wantKey: "mlops:nodeInstanceType"},
		{name: "chart range", set: map[string]string{"mlops:kubePrometheusStackChartVersion": "^88.5.0"}, wantKey: "mlops:kubePrometheusStackChartVersion", wantMsg: "exact"},
		{name: "chart v prefix", set: map[string]string{"mlops:argocdChartVersion": "v10.1.1"}, wantKey: "mlops:argocdChartVersion"},
		{name: "addon version", set: map[string]string{"mlops:vpcCniAddonVersion": "latest"}, wantKey: "mlops:vpcCniAddonVersion"},
		{name: "public vpc range", set: map[string]string{"mlops:vpcCidr": "8.8.0.0/16"}, wantKey: "mlops:vpcCidr", wantMsg: "private"},
		{name: "vpc too small", set: map[string]string{"mlops:vpcCidr": "10.0.0.0/24"}, wantKey: "mlops:vpcCidr"},
		{name: "one az", set: map[string]string{"mlops:azCount": "1"}, wantKey: "mlops:azCount"},
		{name: "nat mode", set: map[string]string{"mlops:natGateways": "two"}, wantKey: "mlops:natGateways"},
		{name: "k8s version", set: map[string]string{"mlops:clusterVersion": "1.35.1"}, wantKey: "mlops:clusterVersion"},
		{name: "cidr list not json", set: map[string]string{"mlops:clusterPublicAccessCidrs": "0.0.0.0/0"}, wantKey: "mlops:clusterPublicAccessCidrs", wantMsg: "list"},
		{name: "empty cidr list", set: map[string]string{"mlops:clusterPublicAccessCidrs": "[]"}, wantKey: "mlops:clusterPublicAccessCidrs"},
		{name: "log type", set: map[string]string{"mlops:clusterLogTypes": `["api","everything"]`}, wantKey: "mlops:clusterLogTypes"},
		{name: "log retention", set: map[string]string{"mlops:clusterLogRetentionDays": "10"}, wantKey: "mlops:clusterLogRetentionDays"},
		{name: "admin arn", set: map[string]string{"mlops:clusterAdminPrincipalArns": `["alice"]`}, wantKey: "mlops:clusterAdminPrincipalArns"},
		{name: "password in plain text", set: map[string]string{"mlops:grafanaAdminPassword": "correct-horse-battery"}, wantKey: "mlops:grafanaAdminPassword", wantMsg: "--secret"},
		{name: "short password", set: map[string]string{"mlops:grafanaAdminPassword": "short"}, secrets: []string{"mlops:grafanaAdminPassword"}, wantKey: "mlops:grafanaAdminPassword", wantMsg: "16"},
		{name: "receiver type", set: map[string]string{"mlops:alertReceivers": `[{"name":"team","type":"pager","url":"https://x"}]`}, wantKey: "mlops:alertReceivers"},
		{name: "receiver http", set: map[string]string{"mlops:alertReceivers": `[{"name":"team","type":"webhook","url":"http://x"}]`}, wantKey: "mlops:alertReceivers", wantMsg: "https"},
		{name: "receiver unknown field", set: map[string]string{"mlops:alertReceivers": `[{"name":"team","type":"webhook","url":"https://x","to":"me"}]`}, wantKey: "mlops:alertReceivers"},
		{name: "receiver twice", set: map[string]string{"mlops:alertReceivers": `[{"name":"a","type":"webhook","url":"https://x"},{"name":"a","type":"webhook","url":"https://y"}]`}, wantKey: "mlops:alertReceivers", wantMsg: "twice"},
		{name: "retention", set: map[string]string{"mlops:prometheusRetention": "ten days"}, wantKey: "mlops:prometheusRetention"},
		{name: "ecr keep", set: map[string]string{"mlops:ecrKeepTaggedImages": "0"}, wantKey: "mlops:ecrKeepTaggedImages"},
		{name: "force destroy", set: map[string]string{"mlops:forceDestroy": "yes please"}, wantKey: "mlops:forceDestroy"},
		{name: "training namespace", set: map[string]string{"mlops:trainingNamespace": "Training"}, wantKey: "mlops:trainingNamespace"},
		{name: "environment", set: map[string]string{"mlops:environment": "staging"}, wantKey: "mlops:environment"},
		{name: "dead-man's switch over http", set: map[string]string{"mlops:deadMansSwitchUrl": "http://hc.example/ping"}, secrets: []string{"mlops:deadMansSwitchUrl"}, wantKey: "mlops:deadMansSwitchUrl", wantMsg: "https"},
		{name: "dead-man's switch in plain text", set: map[string]string{"mlops:deadMansSwitchUrl": "https://hc.example/ping"}, wantKey: "mlops:deadMansSwitchUrl", wantMsg: "--secret"},
		{name: "certificate arn", set: map[string]string{"mlops:certificateArn": "arn:aws:iam::111122223333:server-certificate/x"}, wantKey: "mlops:certificateArn", wantMsg: "ACM"},
		// The committed prod stack's own keys, as a prod stack must set them,
		// minus one at a time (prodValues below).
		{name: "prod without receivers", set: prodValues(), unset: []string{"mlops:alertReceivers"}, secrets: prodSecrets, wantKey: "mlops:alertReceivers", wantMsg: "receiver"},
		{name: "prod with an empty receiver list", set: withValue(prodValues(), "mlops:alertReceivers", "[]"), secrets: prodSecrets, wantKey: "mlops:alertReceivers", wantMsg: "pulumi config set --secret mlops:alertReceivers"},
		{name: "prod without a dead-man's switch", set: prodValues(), unset: []string{"mlops:deadMansSwitchUrl"}, secrets: prodSecrets, wantKey: "mlops:deadMansSwitchUrl", wantMsg: "pulumi config set --secret mlops:deadMansSwitchUrl"},
		{name: "prod without a certificate", set: prodValues(), unset: []string{"mlops:certificateArn"}, secrets: prodSecrets, wantKey: "mlops:certificateArn", wantMsg: "pulumi config set mlops:certificateArn"},
		{name: "prod without API endpoint CIDRs", set: prodValues(), unset: []string{"mlops:clusterPublicAccessCidrs"}, secrets: prodSecrets, wantKey: "mlops:clusterPublicAccessCidrs", wantMsg: "internet"},
		{name: "prod API endpoint open among others", set: withValue(prodValues(), "mlops:clusterPublicAccessCidrs", `["203.0.113.0/24","0.0.0.0/0"]`), secrets: prodSecrets, wantKey: "mlops:clusterPublicAccessCidrs", wantMsg: `"0.0.0.0/0"`},
		{name: "prod API endpoint open over IPv6", set: withValue(prodValues(), "mlops:clusterPublicAccessCidrs", `["::/0"]`), secrets: prodSecrets, wantKey: "mlops:clusterPublicAccessCidrs", wantMsg: "internet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := minimal()
			maps.Copy(values, tt.set)
			for _, k := range tt.unset {
				delete(values, k)
			}
			c, err := load(t, values, tt.secrets...)
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			if !strings.Contains(err.Error(), tt.wantKey+":") || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not name %s (%q)", err, tt.wantKey, tt.wantMsg)
			}
		})
	}
}

// An API endpoint open to the internet is refused in prod (TestValidation)
// and accepted with a warning naming the key in dev.
func TestOpenEndpointWarnsInDev(t *testing.T) {
	tests := []struct {
		name  string
		cidrs string
		warn  bool
	}{
		{name: "default", warn: true},
		{name: "open among others", cidrs: `["203.0.113.0/24","0.0.0.0/0"]`, warn: true},
		{name: "bounded", cidrs: `["203.0.113.0/24","198.51.100.7/32"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := minimal()
			if tt.cidrs != "" {
				values["mlops:clusterPublicAccessCidrs"] = tt.cidrs
			}
			c, err := load(t, values)
			if err != nil {
				t.Fatal(err)
			}
			warned := slices.ContainsFunc(c.Warnings, func(w string) bool { return strings.HasPrefix(w, "mlops:clusterPublicAccessCidrs: ") })
			if warned != tt.warn {
				t.Errorf("warnings = %q, want a warning naming mlops:clusterPublicAccessCidrs: %t", c.Warnings, tt.warn)
			}
		})
	}
}

// dev without a certificate works but cannot take a release to prod: the
// warning says so, naming the key; with one, no warning about it.
func TestNoCertificateWarnsInDev(t *testing.T) {
	for _, cert := range []string{"", "arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"} {
		values := minimal()
		if cert != "" {
			values["mlops:certificateArn"] = cert
		}
		c, err := load(t, values)
		if err != nil {
			t.Fatal(err)
		}
		warned := slices.ContainsFunc(c.Warnings, func(w string) bool {
			return strings.HasPrefix(w, "mlops:certificateArn is not set") && strings.Contains(w, "verify-dev")
		})
		if warned != (cert == "") {
			t.Errorf("certificate %q: warnings %q", cert, c.Warnings)
		}
	}
}

func TestSecretsAreNotEchoed(t *testing.T) {
	values := minimal()
	values["mlops:alertReceivers"] = `[{"name":"team","type":"slack","url":"https://hooks.example/SECRET","bad":1}]`
	_, err := load(t, values)
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error %v echoes the receivers", err)
	}
}

func TestErrorsAreCollected(t *testing.T) {
	_, err := load(t, map[string]string{"mlops:nodeMinSize": "9"})
	for _, key := range []string{"aws:region", "mlops:githubRepository", "mlops:nodeMinSize"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("error %v does not name %s", err, key)
		}
	}
}

func TestBadStackName(t *testing.T) {
	if _, err := Load("mlops", "Dev_1", MapSource{Values: minimal()}); err == nil || !strings.Contains(err.Error(), "stack") {
		t.Errorf("err = %v", err)
	}
	if _, err := Load("mlops", "a-very-long-stack-name", MapSource{Values: minimal()}); err == nil {
		t.Error("a prefix over 20 characters was accepted")
	}
}

func TestValidValues(t *testing.T) {
	values := minimal()
	maps.Copy(values, map[string]string{
		"mlops:githubOwnerId": "123", "mlops:githubRepoId": "456",
		"mlops:nodeInstanceType": "m7g.large", "mlops:nodeAmiType": "AL2023_ARM_64_STANDARD",
		"mlops:nodeMinSize": "2", "mlops:nodeDesiredSize": "2", "mlops:nodeMaxSize": "2",
		"mlops:alertReceivers":            `[{"name":"team","type":"slack","url":"https://hooks.example/x","channel":"#alerts"}]`,
		"mlops:grafanaAdminPassword":      "a-long-enough-password",
		"mlops:clusterAdminPrincipalArns": `["arn:aws:iam::111122223333:role/admin"]`,
		"mlops:vpcCniAddonVersion":        "v1.20.4-eksbuild.1",
	})
	c, err := load(t, values, "mlops:grafanaAdminPassword", "mlops:alertReceivers")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Monitoring.AlertReceiversSecret || len(c.Monitoring.AlertReceivers) != 1 || c.Monitoring.AlertReceivers[0].Channel != "#alerts" {
		t.Errorf("receivers = %+v", c.Monitoring)
	}
}

// A prod stack with a receiver, a dead-man's switch and a certificate
// loads; so does a stack of another name that says which environment it is.
func TestEnvironments(t *testing.T) {
	tests := []struct {
		name, stack string
		set         map[string]string
		secrets     []string
		want        string
		wantErr     string
	}{
		{name: "dev by name", stack: "dev", want: EnvDev},
		{name: "prod by name", stack: "prod", set: prodValues(), secrets: prodSecrets, want: EnvProd},
		{name: "prod by key", stack: "prod-eu", set: prodValues(), secrets: prodSecrets, want: EnvProd},
		{name: "dev by key", stack: "alice", set: map[string]string{"mlops:environment": "dev"}, want: EnvDev},
		{name: "other name without the key", stack: "staging", wantErr: "mlops:environment: is required"},
		{name: "prod by name, dev by key", stack: "prod", set: map[string]string{"mlops:environment": "dev"}, want: EnvDev},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := minimal()
			maps.Copy(values, tt.set)
			sec := map[string]bool{}
			for _, s := range tt.secrets {
				sec[s] = true
			}
			c, err := Load("mlops", tt.stack, MapSource{Values: values, Secrets: sec})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("%s: err = %v, want %q", tt.name, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if c.Environment != tt.want {
				t.Errorf("%s: environment = %q, want %q", tt.name, c.Environment, tt.want)
			}
		})
	}
}

// A prod stack missing everything it must set gets one error per key, each
// saying how to set it, and echoes no secret.
func TestProdRequirementsAreCollected(t *testing.T) {
	_, err := Load("mlops", "prod", MapSource{Values: minimal()})
	if err == nil {
		t.Fatal("a prod stack without receivers, dead-man's switch and certificate was accepted")
	}
	for _, key := range []string{"mlops:alertReceivers", "mlops:deadMansSwitchUrl", "mlops:certificateArn"} {
		if !strings.Contains(err.Error(), key+": ") || !strings.Contains(err.Error(), "pulumi config set") {
			t.Errorf("error %q does not say how to set %s", err, key)
		}
	}
	values := minimal()
	maps.Copy(values, prodValues())
	values["mlops:deadMansSwitchUrl"] = "http://hc.example/SECRET"
	_, err = Load("mlops", "prod", MapSource{Values: values, Secrets: map[string]bool{"mlops:deadMansSwitchUrl": true}})
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error %v echoes the dead-man's switch URL", err)
	}
}

func TestIsARMInstanceType(t *testing.T) {
	for typ, want := range map[string]bool{
		"t3.medium": false, "t4g.medium": true, "m7g.large": true, "c7gn.xlarge": true,
		"m6i.large": false, "g5.xlarge": false, "inf2.xlarge": false, "r8g.large": true,
	} {
		if got := IsARMInstanceType(typ); got != want {
			t.Errorf("IsARMInstanceType(%s) = %v", typ, got)
		}
	}
}

// Load reads every key in Keys, so the table documents what the code uses.
func TestEveryKeyIsRead(t *testing.T) {
	r := &reader{project: "mlops", src: MapSource{Values: minimal()}, seen: map[string]bool{}}
	c := &Config{Project: "mlops", Stack: "dev"}
	c.Region = r.str(RegionKey)
	loadEnvironment(r, c)
	loadGitHub(r, c)
	loadNetworkAndCluster(r, c)
	loadNodes(r, c)
	loadVersions(r, c)
	loadMonitoring(r, c)
	loadEdge(r, c)
	loadStorage(r, c)
	for _, k := range Keys {
		if !r.seen[k.Name] {
			t.Errorf("key %s is documented but never read", k.Name)
		}
		if k.Doc == "" {
			t.Errorf("key %s has no doc", k.Name)
		}
	}
}

// operatorKeys are what a person sets on the prod stack before its first
// `pulumi up` (docs/deploy.md's checklist): secrets the committed file cannot
// hold unencrypted, the account's own certificate, and the CIDRs that may
// reach the API endpoint.
var operatorKeys = map[string]map[string]string{
	"prod": {
		"mlops:alertReceivers":           `[{"name":"oncall","type":"slack","url":"https://hooks.slack.example/T0/B0/x","channel":"#oncall"}]`,
		"mlops:deadMansSwitchUrl":        "https://hc-ping.example/0a1b2c3d",
		"mlops:certificateArn":           "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab",
		"mlops:clusterPublicAccessCidrs": `["203.0.113.0/24"]`,
	},
}

// The committed stack files use only known keys; dev loads as committed,
// prod once the keys a person must set are set, and fails without them
// naming each one.
func TestStackFiles(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	known := map[string]bool{}
	for _, k := range Keys {
		known[k.Name] = true
	}
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			values, err := ReadStackFile(filepath.Join(root, "Pulumi.yaml"), filepath.Join(root, "Pulumi."+stack+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			for key := range values {
				name := strings.TrimPrefix(key, "mlops:")
				if !known[name] && !strings.HasPrefix(key, "aws:") {
					t.Errorf("unknown key %s", key)
				}
			}
			if values["mlops:environment"] != stack {
				t.Errorf("mlops:environment = %q, want %q", values["mlops:environment"], stack)
			}
			operator := operatorKeys[stack]
			if len(operator) > 0 {
				_, err := Load("mlops", stack, MapSource{Values: values})
				for key := range operator {
					if err == nil || !strings.Contains(err.Error(), key+": ") {
						t.Errorf("without %s: err = %v, want one naming it", key, err)
					}
				}
			}
			maps.Copy(values, operator)
			secrets := map[string]bool{"mlops:alertReceivers": true, "mlops:deadMansSwitchUrl": true}
			if _, err := Load("mlops", stack, MapSource{Values: values, Secrets: secrets}); err != nil {
				t.Error(err)
			}
		})
	}
}

// docs/deploy.md documents every key.
func TestDeployGuideListsEveryKey(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "deploy.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys {
		if !strings.Contains(string(b), "`"+k.Name+"`") {
			t.Errorf("docs/deploy.md does not mention `%s`", k.Name)
		}
	}
}

func TestReadStackFileRejectsSecureValues(t *testing.T) {
	dir := t.TempDir()
	proj := filepath.Join(dir, "Pulumi.yaml")
	stack := filepath.Join(dir, "Pulumi.x.yaml")
	must(t, os.WriteFile(proj, []byte("name: mlops\nruntime: go\n"), 0o600))
	must(t, os.WriteFile(stack, []byte("config:\n  mlops:grafanaAdminPassword:\n    secure: AAABAG==\n  mlops:azCount: 3\n  mlops:clusterLogTypes: [api]\n"), 0o600))
	values, err := ReadStackFile(proj, stack)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := values["mlops:grafanaAdminPassword"]; ok {
		t.Error("a secure value was passed through")
	}
	if values["mlops:azCount"] != "3" || values["mlops:clusterLogTypes"] != `["api"]` {
		t.Errorf("values = %v", values)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func bootstrapMinimal() map[string]string {
	return map[string]string{
		"aws:region":                       "eu-west-1",
		"mlops-bootstrap:githubRepository": "mlopsgo/mlops",
		"mlops-bootstrap:stacks":           `[{"name":"dev","forceDestroy":true},{"name":"prod","deployEnvironment":"production","promotesFrom":"dev"}]`,
	}
}

func TestLoadBootstrap(t *testing.T) {
	b, err := LoadBootstrap("mlops-bootstrap", MapSource{Values: bootstrapMinimal()})
	if err != nil {
		t.Fatal(err)
	}
	want := []BootstrapStack{{"dev", "dev", true, ""}, {"prod", "production", false, "dev"}}
	if !slices.Equal(b.Stacks, want) || b.Project != "mlops" || b.OIDCProviderARN != "" {
		t.Errorf("bootstrap = %+v, want stacks %+v, project mlops, no provider ARN", b, want)
	}
	if name, err := b.StateBucketName("111122223333"); err != nil || name != "mlops-pulumi-state-111122223333" {
		t.Errorf("state bucket = %q, %v", name, err)
	}
}

func TestLoadBootstrapRejects(t *testing.T) {
	tests := []struct {
		name    string
		set     map[string]string
		unset   []string
		wantKey string
	}{
		{name: "no stacks", unset: []string{"mlops-bootstrap:stacks"}, wantKey: "mlops-bootstrap:stacks"},
		{name: "empty stacks", set: map[string]string{"mlops-bootstrap:stacks": "[]"}, wantKey: "mlops-bootstrap:stacks"},
		{name: "stack twice", set: map[string]string{"mlops-bootstrap:stacks": `[{"name":"dev"},{"name":"dev"}]`}, wantKey: "mlops-bootstrap:stacks"},
		{name: "unknown field", set: map[string]string{"mlops-bootstrap:stacks": `[{"name":"dev","env":"x"}]`}, wantKey: "mlops-bootstrap:stacks"},
		{name: "bad environment", set: map[string]string{"mlops-bootstrap:stacks": `[{"name":"dev","deployEnvironment":"a:b"}]`}, wantKey: "mlops-bootstrap:stacks"},
		{name: "promotes from itself", set: map[string]string{"mlops-bootstrap:stacks": `[{"name":"prod","promotesFrom":"prod"}]`}, wantKey: "mlops-bootstrap:stacks"},
		{name: "promotes from an unlisted stack", set: map[string]string{"mlops-bootstrap:stacks": `[{"name":"prod","promotesFrom":"staging"}]`}, wantKey: "mlops-bootstrap:stacks"},
		{name: "provider arn of another URL", set: map[string]string{"mlops-bootstrap:githubOidcProviderArn": "arn:aws:iam::111122223333:oidc-provider/example.com"}, wantKey: "mlops-bootstrap:githubOidcProviderArn"},
		{name: "bad bucket", set: map[string]string{"mlops-bootstrap:stateBucket": "Not_A_Bucket"}, wantKey: "mlops-bootstrap:stateBucket"},
		{name: "no repository", unset: []string{"mlops-bootstrap:githubRepository"}, wantKey: "mlops-bootstrap:githubRepository"},
		{name: "no region", unset: []string{"aws:region"}, wantKey: "aws:region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := bootstrapMinimal()
			maps.Copy(values, tt.set)
			for _, k := range tt.unset {
				delete(values, k)
			}
			_, err := LoadBootstrap("mlops-bootstrap", MapSource{Values: values})
			if err == nil || !strings.Contains(err.Error(), tt.wantKey+": ") {
				t.Errorf("err = %v, want one naming %s", err, tt.wantKey)
			}
		})
	}
}

// docs/bootstrap.md documents every bootstrap key.
func TestBootstrapGuideListsEveryKey(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "bootstrap.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range BootstrapKeys {
		if !strings.Contains(string(b), "`"+k.Name+"`") {
			t.Errorf("docs/bootstrap.md does not mention `%s`", k.Name)
		}
	}
}
