// Package config reads the stack configuration once into typed values and
// validates it before the program registers any resource. It does not import
// Pulumi: the program passes a Source backed by ctx.GetConfig, tests pass a
// map.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Source is where raw values come from. Get returns the value of a fully
// qualified key ("mlops:nodeMinSize", "aws:region") and whether it is set;
// IsSecret says whether it was set with --secret.
type Source interface {
	Get(key string) (string, bool)
	IsSecret(key string) bool
}

// MapSource is a Source over a map, for tests and tools. Keys listed in
// Secrets count as secret.
type MapSource struct {
	Values  map[string]string
	Secrets map[string]bool
}

// Get implements Source.
func (m MapSource) Get(key string) (string, bool) {
	v, ok := m.Values[key]
	return v, ok
}

// IsSecret implements Source.
func (m MapSource) IsSecret(key string) bool { return m.Secrets[key] }

// NAT gateway modes.
const (
	NATNone   = "none"
	NATSingle = "single"
	NATPerAZ  = "perAz"
)

// Environments: which rules a stack follows. Prod refuses what dev only
// allows (a stack without alert receivers, without a certificate).
const (
	EnvDev  = "dev"
	EnvProd = "prod"
)

// Config is the whole validated stack configuration.
type Config struct {
	Project string
	Stack   string
	Region  string
	// Environment is EnvDev or EnvProd.
	Environment string

	GitHub     GitHub
	GitOps     GitOps
	Network    Network
	Cluster    Cluster
	Nodes      Nodes
	Charts     Charts
	Addons     Addons
	Monitoring Monitoring
	Edge       Edge
	Registry   Registry
	Storage    Storage
	// BootstrapStack is the bootstrap stack of the account (infra/bootstrap):
	// its outputs name the CI roles and the permissions boundary.
	BootstrapStack string
	Training       Training

	// DashboardsDir is relative to the project root unless absolute.
	DashboardsDir string
	// ArgoCDProjectFile is relative to the project root unless absolute.
	ArgoCDProjectFile string

	// Warnings are what Load accepts but a person should hear about (dev's
	// API endpoint open to the internet); the program logs each one.
	Warnings []string
}

// GitHub is the repository the CI roles trust.
type GitHub struct {
	Owner, Repo       string
	OwnerID, RepoID   string // both or neither: immutable OIDC subjects
	DeployEnvironment string
}

// RepoURL is the HTTPS clone URL ArgoCD reads.
func (g GitHub) RepoURL() string {
	return "https://github.com/" + g.Owner + "/" + g.Repo + ".git"
}

// GitOps is what the root ArgoCD Application syncs.
type GitOps struct {
	Revision string
	Path     string
}

// Network sizes the VPC.
type Network struct {
	CIDR        string
	AZCount     int
	NATGateways string
}

// Cluster configures the EKS control plane.
type Cluster struct {
	Version            string
	PublicAccessCIDRs  []string
	LogTypes           []string
	LogRetentionDays   int
	AdminPrincipalARNs []string
}

// Nodes configures the managed node group.
type Nodes struct {
	InstanceType string
	AMIType      string
	CapacityType string
	MinSize      int
	DesiredSize  int
	MaxSize      int
	DiskSizeGiB  int
}

// Charts holds the exact Helm chart versions.
type Charts struct {
	ArgoCD                    string
	KubePrometheusStack       string
	MetricsServer             string
	AWSLoadBalancerController string
	ArgoRollouts              string
}

// Addons holds optional EKS add-on versions ("" = EKS's default).
type Addons struct {
	VPCCNI string
	EBSCSI string
}

// Monitoring configures Grafana, Prometheus and Alertmanager.
type Monitoring struct {
	// GrafanaAdminPassword is "" when the chart should generate one.
	GrafanaAdminPassword string
	AlertReceivers       []AlertReceiver
	// AlertReceiversSecret is true when alertReceivers was set with --secret,
	// so the Helm values that carry it must be secret too.
	AlertReceiversSecret bool
	// DeadMansSwitchURL receives the Watchdog heartbeat ("" when unset,
	// which only dev allows).
	DeadMansSwitchURL    string
	PrometheusRetention  string
	PrometheusStorageGiB int
}

// ValuesSecret reports whether the kube-prometheus-stack values carry a
// secret (a receiver's or the dead-man's switch's URL), so Pulumi must keep
// them encrypted in the state.
func (m Monitoring) ValuesSecret() bool {
	return m.AlertReceiversSecret || m.DeadMansSwitchURL != ""
}

// Edge is the public entry point: the load balancer in front of model-api.
type Edge struct {
	// CertificateARN is the ACM certificate of the HTTPS listener ("" when
	// unset, which only dev allows).
	CertificateARN string
}

// DeadMansSwitchReceiver is the name of the receiver of the Watchdog
// heartbeat (deadMansSwitchUrl), so no configured receiver may take it.
const DeadMansSwitchReceiver = "dead-mans-switch"

// AlertReceiver is one Alertmanager receiver.
type AlertReceiver struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	URL     string `json:"url"`
	Channel string `json:"channel,omitempty"`
}

// Registry configures the ECR lifecycle policy.
type Registry struct {
	KeepTaggedImages   int
	UntaggedExpireDays int
}

// Storage configures the artifact bucket (and the ECR repository's
// force-delete).
type Storage struct {
	NoncurrentVersionDays int
	ForceDestroy          bool
}

// Training names the Kubernetes identity of a training Job.
type Training struct {
	Namespace      string
	ServiceAccount string
}

// Load reads every key once and validates it. It returns every problem it
// found, each naming its key, joined into one error.
func Load(project, stack string, src Source) (*Config, error) {
	r := &reader{project: project, src: src, seen: map[string]bool{}}
	c := &Config{Project: project, Stack: stack}

	if !nameRE.MatchString(project) {
		r.fail("project", "project name %q must be lower-case letters, digits and hyphens", project)
	}
	if !nameRE.MatchString(stack) {
		r.fail("stack", "stack name %q must be lower-case letters, digits and hyphens", stack)
	}
	if len(project)+1+len(stack) > maxPrefix {
		r.fail("stack", "project and stack name %q-%q are longer than %d characters together, which the physical names cannot hold", project, stack, maxPrefix)
	}

	c.Region = r.str(RegionKey)
	if c.Region != "" && !regionRE.MatchString(c.Region) {
		r.fail(RegionKey, "%q is not an AWS region name", c.Region)
	}

	loadEnvironment(r, c)
	loadGitHub(r, c)
	loadNetworkAndCluster(r, c)
	loadNodes(r, c)
	loadVersions(r, c)
	loadMonitoring(r, c)
	loadEdge(r, c)
	loadStorage(r, c)

	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	return c, nil
}

// loadEnvironment reads environment: set, it must be dev or prod; unset, it
// is the stack's name, which must then be dev or prod itself.
func loadEnvironment(r *reader, c *Config) {
	c.Environment = r.str("environment")
	if c.Environment == "" {
		if c.Stack != EnvDev && c.Stack != EnvProd {
			r.fail("environment", "is required for stack %q (only stacks named dev or prod default to their name): pulumi config set %s dev|prod", c.Stack, r.full("environment"))
			return
		}
		c.Environment = c.Stack
	}
	if c.Environment != EnvDev && c.Environment != EnvProd {
		r.fail("environment", "%q is not one of %s, %s", c.Environment, EnvDev, EnvProd)
	}
}

func loadGitHub(r *reader, c *Config) {
	g := &c.GitHub
	if repo := r.str("githubRepository"); repo != "" {
		owner, name, err := ParseRepository(repo)
		if err != nil {
			r.fail("githubRepository", "%v", err)
		}
		g.Owner, g.Repo = owner, name
	}
	g.OwnerID = r.str("githubOwnerId")
	g.RepoID = r.str("githubRepoId")
	for _, k := range []struct{ key, v string }{{"githubOwnerId", g.OwnerID}, {"githubRepoId", g.RepoID}} {
		if k.v != "" && !digitsRE.MatchString(k.v) {
			r.fail(k.key, "%q is not a numeric GitHub id", k.v)
		}
	}
	if (g.OwnerID == "") != (g.RepoID == "") {
		r.fail("githubOwnerId", "githubOwnerId and githubRepoId are set together or not at all")
	}
	g.DeployEnvironment = r.str("githubDeployEnvironment")
	if g.DeployEnvironment == "" {
		g.DeployEnvironment = c.Stack
	}
	if !envRE.MatchString(g.DeployEnvironment) {
		r.fail("githubDeployEnvironment", "%q is not a usable GitHub environment name (letters, digits, '.', '_', '-')", g.DeployEnvironment)
	}

	c.GitOps.Revision = r.str("gitRevision")
	if !validRef(c.GitOps.Revision) {
		r.fail("gitRevision", "%q is not a valid git revision", c.GitOps.Revision)
	}
	c.GitOps.Path = r.str("gitopsPath")
	if c.GitOps.Path == "" {
		c.GitOps.Path = "gitops/apps/" + c.Stack
	}
	if p := c.GitOps.Path; p == "" || strings.HasPrefix(p, "/") || slices.Contains(strings.Split(p, "/"), "..") {
		r.fail("gitopsPath", "%q must be a relative path inside the repository", p)
	}
}

func loadNetworkAndCluster(r *reader, c *Config) {
	c.Network.CIDR = r.str("vpcCidr")
	if p, err := netip.ParsePrefix(c.Network.CIDR); err != nil || !p.Addr().Is4() || p.Masked() != p {
		r.fail("vpcCidr", "%q is not an IPv4 network in CIDR form", c.Network.CIDR)
	} else if p.Bits() < 16 || p.Bits() > 20 {
		r.fail("vpcCidr", "%q must be a /16 to /20 (each subnet is a sixteenth of it)", c.Network.CIDR)
	} else if !p.Addr().IsPrivate() {
		r.fail("vpcCidr", "%q is not a private (RFC 1918) range", c.Network.CIDR)
	}
	c.Network.AZCount = r.intIn("azCount", 2, 4)
	c.Network.NATGateways = r.oneOf("natGateways", NATNone, NATSingle, NATPerAZ)

	c.Cluster.Version = r.str("clusterVersion")
	if !k8sVersionRE.MatchString(c.Cluster.Version) {
		r.fail("clusterVersion", "%q is not an EKS Kubernetes version such as 1.35", c.Cluster.Version)
	}
	c.Cluster.PublicAccessCIDRs = r.list("clusterPublicAccessCidrs")
	if len(c.Cluster.PublicAccessCIDRs) == 0 {
		r.fail("clusterPublicAccessCidrs", "at least one CIDR is needed (CI runners reach the API endpoint)")
	}
	for _, s := range c.Cluster.PublicAccessCIDRs {
		switch p, err := netip.ParsePrefix(s); {
		case err != nil || p.Masked() != p:
			r.fail("clusterPublicAccessCidrs", "%q is not a CIDR", s)
		case p.Bits() != 0:
			// A bounded range: fine in any environment.
		case c.Environment == EnvProd:
			// Anyone on the internet could then try credentials against the
			// API server: prod names who may reach it.
			r.fail("clusterPublicAccessCidrs", "%q opens a prod cluster's API endpoint to the internet: pulumi config set %s '[\"<your CIDR>\",\"<CI runners' CIDR>\"]'", s, r.full("clusterPublicAccessCidrs"))
		default:
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %q leaves the cluster's API endpoint open to the internet (authentication still applies); list your own and your CI runners' CIDRs", r.full("clusterPublicAccessCidrs"), s))
		}
	}
	c.Cluster.LogTypes = r.list("clusterLogTypes")
	for _, t := range c.Cluster.LogTypes {
		if !slices.Contains([]string{"api", "audit", "authenticator", "controllerManager", "scheduler"}, t) {
			r.fail("clusterLogTypes", "%q is not an EKS control-plane log type", t)
		}
	}
	c.Cluster.LogRetentionDays = r.integer("clusterLogRetentionDays")
	if !slices.Contains(logRetentionDays, c.Cluster.LogRetentionDays) {
		r.fail("clusterLogRetentionDays", "%d is not a CloudWatch retention value (%v)", c.Cluster.LogRetentionDays, logRetentionDays)
	}
	c.Cluster.AdminPrincipalARNs = r.list("clusterAdminPrincipalArns")
	for _, a := range c.Cluster.AdminPrincipalARNs {
		if !principalARNRE.MatchString(a) {
			r.fail("clusterAdminPrincipalArns", "%q is not an IAM role or user ARN", a)
		}
	}
}

func loadNodes(r *reader, c *Config) {
	n := &c.Nodes
	n.InstanceType = r.str("nodeInstanceType")
	if !instanceTypeRE.MatchString(n.InstanceType) {
		r.fail("nodeInstanceType", "%q is not an EC2 instance type", n.InstanceType)
	}
	n.AMIType = r.oneOf("nodeAmiType", amiTypes...)
	if n.AMIType != "" && instanceTypeRE.MatchString(n.InstanceType) {
		if arm, amiArm := IsARMInstanceType(n.InstanceType), strings.Contains(n.AMIType, "ARM"); arm != amiArm {
			r.fail("nodeAmiType", "%s does not fit the architecture of instance type %s", n.AMIType, n.InstanceType)
		}
	}
	n.CapacityType = r.oneOf("nodeCapacityType", "ON_DEMAND", "SPOT")
	n.MinSize = r.intIn("nodeMinSize", 1, 100)
	n.DesiredSize = r.intIn("nodeDesiredSize", 1, 100)
	n.MaxSize = r.intIn("nodeMaxSize", 1, 100)
	if n.MinSize > n.MaxSize {
		r.fail("nodeMinSize", "%d is greater than nodeMaxSize %d", n.MinSize, n.MaxSize)
	} else if n.DesiredSize < n.MinSize || n.DesiredSize > n.MaxSize {
		r.fail("nodeDesiredSize", "%d is outside nodeMinSize..nodeMaxSize (%d..%d)", n.DesiredSize, n.MinSize, n.MaxSize)
	}
	n.DiskSizeGiB = r.intIn("nodeDiskSize", 20, 1000)
}

func loadVersions(r *reader, c *Config) {
	c.Charts.ArgoCD = r.chartVersion("argocdChartVersion")
	c.Charts.KubePrometheusStack = r.chartVersion("kubePrometheusStackChartVersion")
	c.Charts.MetricsServer = r.chartVersion("metricsServerChartVersion")
	c.Charts.AWSLoadBalancerController = r.chartVersion("awsLoadBalancerControllerChartVersion")
	c.Charts.ArgoRollouts = r.chartVersion("argoRolloutsChartVersion")
	c.Addons.VPCCNI = r.addonVersion("vpcCniAddonVersion")
	c.Addons.EBSCSI = r.addonVersion("ebsCsiAddonVersion")
}

func loadMonitoring(r *reader, c *Config) {
	m := &c.Monitoring
	m.GrafanaAdminPassword = r.str("grafanaAdminPassword")
	if m.GrafanaAdminPassword != "" {
		if !r.src.IsSecret(r.full("grafanaAdminPassword")) {
			r.fail("grafanaAdminPassword", "must be set with `pulumi config set --secret`")
		}
		if len(m.GrafanaAdminPassword) < 16 {
			r.fail("grafanaAdminPassword", "must be at least 16 characters")
		}
	}
	m.AlertReceivers = r.receivers("alertReceivers")
	m.AlertReceiversSecret = r.src.IsSecret(r.full("alertReceivers"))
	m.DeadMansSwitchURL = r.str("deadMansSwitchUrl")
	if u := m.DeadMansSwitchURL; u != "" {
		// Do not echo the value: the URL is the switch's credential.
		if !urlRE.MatchString(u) {
			r.fail("deadMansSwitchUrl", "must be an https URL")
		}
		if !r.src.IsSecret(r.full("deadMansSwitchUrl")) {
			r.fail("deadMansSwitchUrl", "must be set with `pulumi config set --secret`")
		}
	}
	// Prod pages someone: an alert routed nowhere, or a silent Alertmanager
	// nobody notices, is an outage nobody hears of.
	if c.Environment == EnvProd {
		if len(m.AlertReceivers) == 0 && !r.failed("alertReceivers") {
			r.fail("alertReceivers", "a prod stack needs at least one Alertmanager receiver, or its alerts go nowhere: pulumi config set --secret %s '[{\"name\":\"oncall\",\"type\":\"slack\",\"url\":\"https://hooks.slack.com/...\"}]'", r.full("alertReceivers"))
		}
		if m.DeadMansSwitchURL == "" {
			r.fail("deadMansSwitchUrl", "a prod stack needs a dead-man's switch for the Watchdog heartbeat, or a dead Alertmanager goes unnoticed: pulumi config set --secret %s https://...", r.full("deadMansSwitchUrl"))
		}
	}
	m.PrometheusRetention = r.str("prometheusRetention")
	if !promDurationRE.MatchString(m.PrometheusRetention) {
		r.fail("prometheusRetention", "%q is not a Prometheus duration such as 10d", m.PrometheusRetention)
	}
	m.PrometheusStorageGiB = r.intIn("prometheusStorageSize", 5, 1000)
}

func loadEdge(r *reader, c *Config) {
	c.Edge.CertificateARN = r.str("certificateArn")
	if a := c.Edge.CertificateARN; a != "" && !acmARNRE.MatchString(a) {
		r.fail("certificateArn", "%q is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", a)
	}
	if c.Environment == EnvProd && c.Edge.CertificateARN == "" {
		r.fail("certificateArn", "a prod stack serves HTTPS only and needs the ACM certificate of its listener: pulumi config set %s arn:aws:acm:<region>:<account>:certificate/<id>", r.full("certificateArn"))
	}
	if c.Environment != EnvProd && c.Edge.CertificateARN == "" {
		// The listener is HTTPS only: without a certificate the load
		// balancer never comes up, so ArgoCD never calls the app Healthy
		// and the release's verify-dev, which gates prod, cannot pass.
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s is not set: the %s load balancer gets no HTTPS listener and no address, so its Application never turns Healthy and a release stops at verify-dev before prod; set it to an ACM certificate of the name MODEL_API_URL will use (docs/deploy.md)", r.full("certificateArn"), c.Environment))
	}
}

func loadStorage(r *reader, c *Config) {
	c.Registry.KeepTaggedImages = r.intIn("ecrKeepTaggedImages", 1, 1000)
	c.Registry.UntaggedExpireDays = r.intIn("ecrUntaggedExpireDays", 1, 365)
	c.Storage.NoncurrentVersionDays = r.intIn("artifactNoncurrentVersionDays", 1, 3650)
	c.Storage.ForceDestroy = r.boolean("forceDestroy")

	c.BootstrapStack = r.str("bootstrapStack")
	if b := c.BootstrapStack; b != "" && !stackRefRE.MatchString(b) {
		r.fail("bootstrapStack", "%q is not a stack reference <organization>/<project>/<stack>", b)
	}

	c.Training.Namespace = r.label("trainingNamespace")
	c.Training.ServiceAccount = r.label("trainingServiceAccount")
	c.DashboardsDir = r.str("dashboardsDir")
	if c.DashboardsDir == "" {
		r.fail("dashboardsDir", "must name a folder")
	}
	c.ArgoCDProjectFile = r.str("argocdProjectFile")
	if c.ArgoCDProjectFile == "" {
		r.fail("argocdProjectFile", "must name a file")
	}
}

// ParseRepository splits "owner/repo" and checks both against GitHub's
// naming rules.
func ParseRepository(s string) (owner, repo string, err error) {
	owner, repo, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(repo, "/") {
		return "", "", fmt.Errorf("%q is not of the form owner/repo", s)
	}
	if len(owner) == 0 || len(owner) > 39 || !ownerRE.MatchString(owner) || strings.Contains(owner, "--") {
		return "", "", fmt.Errorf("%q: owner %q is not a GitHub user or organization name", s, owner)
	}
	if len(repo) == 0 || len(repo) > 100 || !repoRE.MatchString(repo) || repo == "." || repo == ".." || strings.HasSuffix(repo, ".git") {
		return "", "", fmt.Errorf("%q: %q is not a GitHub repository name", s, repo)
	}
	return owner, repo, nil
}

// IsARMInstanceType reports whether an instance type is a Graviton (arm64)
// one: its family's generation digit is followed by a "g" (t4g, m7g, c7gn).
func IsARMInstanceType(t string) bool {
	family, _, _ := strings.Cut(t, ".")
	return armFamilyRE.MatchString(family)
}

const maxPrefix = 20 // "<project>-<stack>": leaves room in 63/64-character names

var (
	nameRE         = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)
	regionRE       = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`)
	digitsRE       = regexp.MustCompile(`^[0-9]{1,20}$`)
	ownerRE        = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	repoRE         = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	envRE          = regexp.MustCompile(`^[A-Za-z0-9._-]{1,255}$`)
	refRE          = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,200}$`)
	k8sVersionRE   = regexp.MustCompile(`^1\.[0-9]{2}$`)
	instanceTypeRE = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	armFamilyRE    = regexp.MustCompile(`^[a-z]+[0-9]+g[a-z]*$`)
	semverRE       = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
	addonVersionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)
	promDurationRE = regexp.MustCompile(`^[0-9]+(ms|s|m|h|d|w|y)$`)
	bucketRE       = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	acmARNRE       = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$`)
	stackRefRE     = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	principalARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$`)
	labelRE        = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	urlRE          = regexp.MustCompile(`^https://[^\s]+$`)

	amiTypes         = []string{"AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"}
	logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)

func validRef(s string) bool {
	return refRE.MatchString(s) && !strings.Contains(s, "..") && !strings.HasPrefix(s, "-") &&
		!strings.HasPrefix(s, "/") && !strings.HasSuffix(s, "/") && !strings.HasSuffix(s, ".lock")
}

// reader reads keys with their defaults and collects errors.
type reader struct {
	project string
	// keys is the table str reads defaults from (nil: Keys).
	keys []Key
	src  Source
	seen map[string]bool
	errs []error
	// failedKeys names the keys of errs, so a rule can skip a key that is
	// already reported.
	failedKeys []string
}

// full qualifies a key with the project namespace (aws:region stays).
func (r *reader) full(name string) string {
	if strings.Contains(name, ":") {
		return name
	}
	return r.project + ":" + name
}

func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", r.full(name), fmt.Sprintf(format, args...)))
	r.failedKeys = append(r.failedKeys, name)
}

// failed reports whether a problem with the key was found already.
func (r *reader) failed(name string) bool { return slices.Contains(r.failedKeys, name) }

// str returns the key's value or its default; a required key that is unset
// is an error.
func (r *reader) str(name string) string {
	k := lookupKey(r.keys, name)
	r.seen[name] = true
	v, ok := r.src.Get(r.full(name))
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		if k.Required {
			r.fail(name, "is required: pulumi config set %s <value>", r.full(name))
		}
		if strings.Contains(k.Default, "<") { // computed default (Load fills it in)
			return ""
		}
		return k.Default
	}
	return v
}

func (r *reader) integer(name string) int {
	s := r.str(name)
	n, err := strconv.Atoi(s)
	if err != nil {
		r.fail(name, "%q is not an integer", s)
	}
	return n
}

func (r *reader) intIn(name string, lo, hi int) int {
	s := r.str(name)
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		r.fail(name, "%q is not an integer", s)
	case n < lo || n > hi:
		r.fail(name, "%d is outside %d..%d", n, lo, hi)
	}
	return n
}

func (r *reader) boolean(name string) bool {
	s := r.str(name)
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.fail(name, "%q is not true or false", s)
	}
	return b
}

func (r *reader) oneOf(name string, allowed ...string) string {
	s := r.str(name)
	if !slices.Contains(allowed, s) {
		r.fail(name, "%q is not one of %s", s, strings.Join(allowed, ", "))
		return ""
	}
	return s
}

// list reads a JSON (YAML-in-stack-file) list of strings.
func (r *reader) list(name string) []string {
	s := r.str(name)
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		r.fail(name, "want a list of strings, got %q", s)
		return nil
	}
	return out
}

func (r *reader) chartVersion(name string) string {
	s := r.str(name)
	if !semverRE.MatchString(s) {
		r.fail(name, "%q is not an exact chart version (MAJOR.MINOR.PATCH, no ranges)", s)
	}
	return s
}

func (r *reader) addonVersion(name string) string {
	s := r.str(name)
	if s != "" && !addonVersionRE.MatchString(s) {
		r.fail(name, "%q is not an EKS add-on version such as v1.20.4-eksbuild.1", s)
	}
	return s
}

func (r *reader) label(name string) string {
	s := r.str(name)
	if !labelRE.MatchString(s) {
		r.fail(name, "%q is not a Kubernetes name (DNS-1123 label)", s)
	}
	return s
}

func (r *reader) receivers(name string) []AlertReceiver {
	s := r.str(name)
	var out []AlertReceiver
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		// Do not echo the value: it may hold webhook URLs.
		r.fail(name, "want a list of {name, type, url, channel}: %v", err)
		return nil
	}
	names := map[string]bool{}
	for i, rc := range out {
		switch {
		case !labelRE.MatchString(rc.Name) || rc.Name == "null" || rc.Name == DeadMansSwitchReceiver:
			r.fail(name, "receiver %d: name %q must be a lower-case name other than \"null\" and %q", i, rc.Name, DeadMansSwitchReceiver)
		case names[rc.Name]:
			r.fail(name, "receiver %d: name %q is used twice", i, rc.Name)
		}
		names[rc.Name] = true
		if rc.Type != "slack" && rc.Type != "webhook" {
			r.fail(name, "receiver %q: type %q is not slack or webhook", rc.Name, rc.Type)
		}
		if !urlRE.MatchString(rc.URL) {
			r.fail(name, "receiver %q: url must be an https URL", rc.Name)
		}
		if rc.Type == "webhook" && rc.Channel != "" {
			r.fail(name, "receiver %q: channel applies to slack receivers only", rc.Name)
		}
	}
	return out
}
