package gitops

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/mlopsgo/mlops/gitops/internal/schema"
)

// applicationSchema is Argo CD's Application schema, restated from its CRD
// (see the file's header for the source and what differs).
const applicationSchema = "testdata/argocd/application-v1alpha1.schema.yaml"

// application holds the fields of an Argo CD Application the tests read;
// the schema checks every field first.
type application struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		Project string `json:"project"`
		Source  struct {
			RepoURL        string `json:"repoURL"`
			TargetRevision string `json:"targetRevision"`
			Path           string `json:"path"`
			Chart          string `json:"chart"`
			Helm           struct {
				ReleaseName string   `json:"releaseName"`
				ValueFiles  []string `json:"valueFiles"`
				Parameters  []struct {
					Name        string `json:"name"`
					Value       string `json:"value"`
					ForceString bool   `json:"forceString"`
				} `json:"parameters"`
			} `json:"helm"`
		} `json:"source"`
		Destination struct {
			Server    string `json:"server"`
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"destination"`
		SyncPolicy struct {
			Automated *struct {
				Prune    bool  `json:"prune"`
				SelfHeal bool  `json:"selfHeal"`
				Enabled  *bool `json:"enabled"`
			} `json:"automated"`
			SyncOptions              []string `json:"syncOptions"`
			ManagedNamespaceMetadata *struct {
				Labels map[string]string `json:"labels"`
			} `json:"managedNamespaceMetadata"`
			Retry *struct {
				Limit   int64 `json:"limit"`
				Backoff *struct {
					Duration    string `json:"duration"`
					Factor      *int64 `json:"factor"`
					MaxDuration string `json:"maxDuration"`
				} `json:"backoff"`
			} `json:"retry"`
		} `json:"syncPolicy"`
	} `json:"spec"`
}

func loadSchema(t *testing.T) *schema.Schema {
	t.Helper()
	s, err := schema.Parse(readFile(t, applicationSchema))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validateApplication checks doc against the schema and its metadata
// strictly against Kubernetes' ObjectMeta, returning every violation.
func validateApplication(t *testing.T, s *schema.Schema, doc []byte) []string {
	t.Helper()
	errs, err := s.ValidateYAML(doc)
	if err != nil {
		return []string{err.Error()}
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	var meta struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	var raw map[string]any
	if err := yaml.Unmarshal(doc, &raw); err == nil {
		b, _ := yaml.Marshal(map[string]any{"metadata": raw["metadata"]})
		if err := yaml.UnmarshalStrict(b, &meta); err != nil {
			msgs = append(msgs, "metadata: "+err.Error())
		}
	}
	return msgs
}

// loadApplication reads an Application manifest, failing the test unless
// it conforms to the schema.
func loadApplication(t *testing.T, path string) application {
	t.Helper()
	doc := readFile(t, path)
	if errs := validateApplication(t, loadSchema(t), doc); len(errs) > 0 {
		t.Fatalf("%s does not conform to Argo CD's Application schema:\n%s", path, strings.Join(errs, "\n"))
	}
	var app application
	if err := yaml.Unmarshal(doc, &app); err != nil {
		t.Fatal(err)
	}
	return app
}

// applicationFiles lists gitops/apps/<env>/*.yaml.
func applicationFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(appsDir, "*", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Application manifests in apps/*/")
	}
	return files
}

// TestApplicationSchemaRejects checks the schema check is strict: each
// testdata/argocd/invalid-*.yaml must fail it.
func TestApplicationSchemaRejects(t *testing.T) {
	s := loadSchema(t)
	files, err := filepath.Glob("testdata/argocd/invalid-*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid Application fixtures (%v)", err)
	}
	// Each fixture's errors, in path order.
	want := map[string][]string{
		"invalid-unknown-field.yaml":   {`spec.source: required field "repoURL" is missing`, `spec.source.repoUrl: unknown field (did you mean "repoURL"?)`},
		"invalid-wrong-type.yaml":      {"spec.syncPolicy.automated.prune: want a boolean"},
		"invalid-missing-project.yaml": {`spec: required field "project" is missing`},
		"invalid-status.yaml":          {"status: unknown field"},
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			frags, ok := want[filepath.Base(f)]
			if !ok {
				t.Fatalf("%s: add its expected errors to the table", f)
			}
			errs := validateApplication(t, s, readFile(t, f))
			if len(errs) != len(frags) {
				t.Fatalf("%s: got %q, want %d errors %q", f, errs, len(frags), frags)
			}
			for i := range errs {
				if !strings.HasPrefix(errs[i], frags[i]) {
					t.Errorf("%s: error %d is %q, want it to start %q", f, i, errs[i], frags[i])
				}
			}
		})
	}
}

// documentedSyncOptions are the Application-level sync options Argo CD
// documents (docs/user-guide/sync-options.md), by key.
var documentedSyncOptions = []string{
	"Validate", "CreateNamespace", "PruneLast", "ApplyOutOfSyncOnly", "PrunePropagationPolicy",
	"Replace", "ServerSideApply", "FailOnSharedResource", "RespectIgnoreDifferences",
	"SkipDryRunOnMissingResource", "Prune", "Delete", "ClientSideApplyMigration",
}

// githubRepoURL is the form infra gives the root Application (config.GitHub.RepoURL).
var commitSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

var githubRepoURL = regexp.MustCompile(`^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\.git$`)

func TestApplications(t *testing.T) {
	for _, f := range applicationFiles(t) {
		t.Run(f, func(t *testing.T) {
			env := filepath.Base(filepath.Dir(f))
			if !slices.Contains(environments, env) {
				t.Fatalf("%s: folder %q is not an environment (%v)", f, env, environments)
			}
			app := loadApplication(t, f)
			if app.APIVersion != "argoproj.io/v1alpha1" || app.Kind != "Application" {
				t.Errorf("%s %s: want argoproj.io/v1alpha1 Application", app.APIVersion, app.Kind)
			}
			if app.Metadata.Namespace != "argocd" {
				t.Errorf("metadata.namespace %q: want argocd, where ArgoCD watches Applications (infra's release)", app.Metadata.Namespace)
			}
			if env == "prod" && app.Metadata.Annotations["argocd.argoproj.io/sync-options"] != "Prune=false" {
				t.Errorf("annotations %v: want argocd.argoproj.io/sync-options: Prune=false, so removing the file from git does not delete prod", app.Metadata.Annotations)
			}
			if !slices.Contains(app.Metadata.Finalizers, "resources-finalizer.argocd.argoproj.io") {
				t.Errorf("finalizers %v: want resources-finalizer.argocd.argoproj.io, so deleting the Application deletes its load balancer first", app.Metadata.Finalizers)
			}
			if app.Spec.Project == "" {
				t.Errorf("spec.project is empty")
			}

			src := app.Spec.Source
			if !githubRepoURL.MatchString(src.RepoURL) {
				t.Errorf("repoURL %q: want https://github.com/<owner>/<repo>.git, as infra gives the root Application", src.RepoURL)
			}
			if !commitSHA.MatchString(src.TargetRevision) {
				t.Errorf("targetRevision %q: want the full commit sha the release pinned (a branch would deploy every change to main unreleased)", src.TargetRevision)
			}
			if src.Chart != "" {
				t.Errorf("source.chart %q: must not be set for a chart in git (Argo CD docs)", src.Chart)
			}
			chartPath := filepath.Join(repoRoot, filepath.FromSlash(src.Path))
			if strings.HasPrefix(src.Path, "/") || strings.Contains(src.Path, "..") {
				t.Errorf("source.path %q: want a path inside the repository", src.Path)
			}
			if _, err := os.Stat(filepath.Join(chartPath, "Chart.yaml")); err != nil {
				t.Errorf("source.path %q holds no Chart.yaml: %v", src.Path, err)
			}
			if len(src.Helm.ValueFiles) == 0 {
				t.Errorf("helm.valueFiles is empty: want values-%s.yaml", env)
			}
			for _, vf := range src.Helm.ValueFiles {
				// Relative to source.path, as Argo CD resolves them.
				if _, err := os.Stat(filepath.Join(chartPath, filepath.FromSlash(vf))); err != nil {
					t.Errorf("helm.valueFiles %q does not exist under %s: %v", vf, src.Path, err)
				}
			}
			if want := []string{"values-" + env + ".yaml"}; !slices.Equal(src.Helm.ValueFiles, want) {
				t.Errorf("helm.valueFiles %v, want %v (the folder's environment)", src.Helm.ValueFiles, want)
			}
			if src.Helm.ReleaseName == "" {
				t.Errorf("helm.releaseName is empty: the release (and so every object's name) would follow the Application's name")
			}

			dst := app.Spec.Destination
			if dst.Server != "https://kubernetes.default.svc" || dst.Name != "" {
				t.Errorf("destination %+v: want the cluster ArgoCD runs in (server https://kubernetes.default.svc)", dst)
			}
			if dst.Namespace == "" {
				t.Errorf("destination.namespace is empty")
			}

			sp := app.Spec.SyncPolicy
			if a := sp.Automated; a == nil || !a.Prune || !a.SelfHeal || (a.Enabled != nil && !*a.Enabled) {
				t.Errorf("syncPolicy.automated %+v: want prune and selfHeal true", a)
			}
			if !slices.Contains(sp.SyncOptions, "CreateNamespace=true") {
				t.Errorf("syncOptions %v: want CreateNamespace=true", sp.SyncOptions)
			}
			if md := sp.ManagedNamespaceMetadata; md == nil || md.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
				t.Errorf("managedNamespaceMetadata %+v: want the namespace labelled pod-security.kubernetes.io/enforce: restricted", md)
			}
			// The load balancer controller injects its target-health
			// readiness gate only into pods of labelled namespaces; without
			// it a rollout removes old pods before the ALB sends to new ones.
			if md := sp.ManagedNamespaceMetadata; md == nil || md.Labels["elbv2.k8s.aws/pod-readiness-gate-inject"] != "enabled" {
				t.Errorf("managedNamespaceMetadata %+v: want the namespace labelled elbv2.k8s.aws/pod-readiness-gate-inject: enabled", md)
			}
			for _, o := range sp.SyncOptions {
				k, v, ok := strings.Cut(o, "=")
				if !ok || v == "" || !slices.Contains(documentedSyncOptions, k) {
					t.Errorf("sync option %q is not a documented Key=value option", o)
				}
			}
			r := sp.Retry
			if r == nil || r.Limit <= 0 || r.Backoff == nil || r.Backoff.Factor == nil || *r.Backoff.Factor < 2 {
				t.Fatalf("syncPolicy.retry %+v: want a positive limit and a backoff with a factor of 2 or more", r)
			}
			base, err1 := time.ParseDuration(r.Backoff.Duration)
			maxd, err2 := time.ParseDuration(r.Backoff.MaxDuration)
			if err1 != nil || err2 != nil || base <= 0 || maxd < base {
				t.Errorf("retry backoff %q..%q: want Go durations, the maximum at least the first", r.Backoff.Duration, r.Backoff.MaxDuration)
			}
		})
	}
}

// TestApplicationsPerEnvironment checks each environment has exactly one
// model-api Application and no two Applications share a name or namespace.
func TestApplicationsPerEnvironment(t *testing.T) {
	names, namespaces := map[string]string{}, map[string]string{}
	perEnv := map[string]int{}
	for _, f := range applicationFiles(t) {
		app := loadApplication(t, f)
		perEnv[filepath.Base(filepath.Dir(f))]++
		if prev, ok := names[app.Metadata.Name]; ok {
			t.Errorf("%s and %s are both named %q", prev, f, app.Metadata.Name)
		}
		if prev, ok := namespaces[app.Spec.Destination.Namespace]; ok {
			t.Errorf("%s and %s both deploy to namespace %q", prev, f, app.Spec.Destination.Namespace)
		}
		names[app.Metadata.Name], namespaces[app.Spec.Destination.Namespace] = f, f
	}
	for _, env := range environments {
		if perEnv[env] != 1 {
			t.Errorf("apps/%s holds %d Applications, want 1", env, perEnv[env])
		}
	}
}

// TestApplicationsMatchInfraStacks checks each Application reads the
// repository its stack's root Application reads (Pulumi.<env>.yaml:
// mlops:githubRepository), and that the stack's root Application syncs the
// environment's folder. The revision differs on purpose: the root
// Application tracks mlops:gitRevision, each environment's Application the
// commit its release pinned (TestApplications).
func TestApplicationsMatchInfraStacks(t *testing.T) {
	for _, env := range environments {
		t.Run(env, func(t *testing.T) {
			stackFile := filepath.Join(repoRoot, "Pulumi."+env+".yaml")
			b, err := os.ReadFile(stackFile)
			if os.IsNotExist(err) {
				t.Skipf("%s does not exist", stackFile)
			}
			if err != nil {
				t.Fatal(err)
			}
			var stack struct {
				Config map[string]any `json:"config"`
			}
			if err := yaml.Unmarshal(b, &stack); err != nil {
				t.Fatalf("%s: %v", stackFile, err)
			}
			str := func(key, def string) string {
				if v, ok := stack.Config["mlops:"+key].(string); ok {
					return v
				}
				return def // infra/internal/config/keys.go's default
			}
			app := loadApplication(t, filepath.Join(appsDir, env, "model-api.yaml"))
			repo := str("githubRepository", "")
			if want := "https://github.com/" + repo + ".git"; app.Spec.Source.RepoURL != want {
				t.Errorf("repoURL %q, want %q (%s mlops:githubRepository)", app.Spec.Source.RepoURL, want, stackFile)
			}
			if _, err := url.Parse(app.Spec.Source.RepoURL); err != nil {
				t.Error(err)
			}
			// Checked last: a known disagreement (reported to infra) skips
			// instead of failing, and says what to change.
			if path := str("gitopsPath", "gitops/apps"); path != "gitops/apps/"+env {
				t.Skipf("%s sets mlops:gitopsPath %q: its root Application would not sync gitops/apps/%s (set it to gitops/apps/%s; see gitops/apps/README.md)",
					stackFile, path, env, env)
			}
		})
	}
}
