package gitops

// Every stack previewed, and prod's cluster reached only from prod's
// runner (.github/workflows/infra-preview.yml; docs/cicd.md): the preview
// matrix has one entry per Pulumi.<stack>.yaml, each assuming its own
// stack's preview role; each stack is previewed exactly when a pull request
// changes a file its program reads; every job that talks to a stack's
// cluster runs on that stack's runner label (vars.PROD_RUNNER_LABEL,
// vars.DEV_RUNNER_LABEL).

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// prodRunner is the runs-on of the jobs that talk to prod's cluster: a
// runner whose egress addresses are in prod's clusterPublicAccessCidrs, or
// a hosted runner until one is set up.
const prodRunner = "${{ vars.PROD_RUNNER_LABEL || 'ubuntu-24.04' }}"

// devRunner is the runs-on of the jobs that talk to dev's cluster: a
// GitHub-hosted runner while dev's clusterPublicAccessCidrs admit it, or
// the runner DEV_RUNNER_LABEL names.
const devRunner = "${{ vars.DEV_RUNNER_LABEL || 'ubuntu-24.04' }}"

// stacks lists the stacks of the repository: one per Pulumi.<stack>.yaml
// at the root.
func stacks(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "Pulumi.*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	slices.Sort(out)
	if len(out) == 0 {
		t.Fatal("no Pulumi.<stack>.yaml at the repository root")
	}
	return out
}

// stackVariable is the repository variable holding a stack's value of
// name: name itself for the dev stack, PROD_<name> for prod.
func stackVariable(stack, name string) string {
	if stack == ciStack {
		return name
	}
	return strings.ToUpper(stack) + "_" + name
}

// matrixEntries returns a job's matrix include: entries, or one empty entry
// for a job without a matrix.
func matrixEntries(j *workflowJob) []map[string]string {
	inc, ok := j.Strategy.Matrix["include"].([]any)
	if !ok {
		return []map[string]string{{}}
	}
	var out []map[string]string
	for _, e := range inc {
		em, ok := e.(map[string]any)
		if !ok {
			continue
		}
		entry := map[string]string{}
		for k, v := range em {
			entry[k] = fmt.Sprint(v)
		}
		out = append(out, entry)
	}
	return out
}

// resolveMatrix replaces an expression that is exactly ${{ matrix.K }}
// with the entry's value of K.
func resolveMatrix(expr string, entry map[string]string) string {
	if m := matrixKeyExpr.FindStringSubmatch(expr); m != nil {
		return entry[m[1]]
	}
	return expr
}

func TestInfraPreviewEveryStack(t *testing.T) {
	w := loadWorkflow(t, "infra-preview.yml")
	j := w.Jobs["preview"]
	if j == nil {
		t.Fatal("infra-preview.yml: no preview job")
	}
	var previewed []string
	for _, e := range matrixEntries(j) {
		stack := e["stack"]
		previewed = append(previewed, stack)
		if want := "${{ vars." + stackVariable(stack, "AWS_PREVIEW_ROLE_ARN") + " }}"; e["role"] != want {
			t.Errorf("preview of %s: role %q, want %s (the stack's preview role output)", stack, e["role"], want)
		}
		if want := "${{ vars." + stackVariable(stack, "PULUMI_STACK") + " || '" + stack + "' }}"; e["pulumi-stack"] != want {
			t.Errorf("preview of %s: pulumi-stack %q, want %s", stack, e["pulumi-stack"], want)
		}
	}
	slices.Sort(previewed)
	if want := stacks(t); !slices.Equal(previewed, want) {
		t.Errorf("the preview matrix covers stacks %v, the repository has %v (Pulumi.<stack>.yaml)", previewed, want)
	}

	// The first step after the checkout decides; every later step depends
	// on its decision, so an unchanged or unconfigured stack skips.
	decide := slices.IndexFunc(j.Steps, func(s workflowStep) bool { return s.ID == "changes" })
	if decide < 0 {
		t.Fatal("preview: no step with id changes")
	}
	script := j.Steps[decide].Run
	for _, frag := range []string{
		"git diff --name-only HEAD^1 HEAD", `"$STACK_PATHS|^${stack_file}\$"`, `stack_file="Pulumi\\.${STACK}\\.yaml"`,
		`if [ -z "$ROLE" ]`, "::notice::", `echo "run=false" >> "$GITHUB_OUTPUT"`,
	} {
		if !strings.Contains(script, frag) {
			t.Errorf("preview: the changes step lacks %q", frag)
		}
	}
	for _, s := range j.Steps[:decide] {
		if s.action() == "actions/checkout" && s.with("fetch-depth") != "2" {
			t.Errorf("preview: checkout fetch-depth %q, want 2 (the merge commit and the base)", s.with("fetch-depth"))
		}
	}
	for _, s := range j.Steps[decide+1:] {
		if s.If != "steps.changes.outputs.run == 'true'" {
			t.Errorf("preview: step %s%s runs whatever the changes step decided (if: %q)", s.Name, s.Uses.Value, s.If)
		}
	}
}

// stackPaths returns infra-preview.yml's STACK_PATHS as a Go regexp (the
// extended regular expression grep -E reads; the test refuses what RE2
// would read differently).
func stackPaths(t *testing.T, w workflowFile) *regexp.Regexp {
	t.Helper()
	expr := fmt.Sprint(w.Env["STACK_PATHS"])
	if expr == "" || expr == "<nil>" {
		t.Fatal("infra-preview.yml: no env.STACK_PATHS")
	}
	if regexp.MustCompile(`\\[^.]`).MatchString(expr) {
		t.Fatalf("STACK_PATHS %q: only \\. escapes, which grep -E and Go read alike", expr)
	}
	return regexp.MustCompile(expr)
}

func TestInfraPreviewPaths(t *testing.T) {
	w := loadWorkflow(t, "infra-preview.yml")
	shared := stackPaths(t, w)
	onPaths := triggerList(t, w, "pull_request", "paths")
	all := stacks(t)
	// previews emulates the changes step for one changed file.
	previews := func(file string) []string {
		var out []string
		for _, stack := range all {
			own := regexp.MustCompile(`^Pulumi\.` + regexp.QuoteMeta(stack) + `\.yaml$`)
			if shared.MatchString(file) || own.MatchString(file) {
				out = append(out, stack)
			}
		}
		return out
	}
	both := []string{"dev", "prod"}
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"infra/main.go", both},
		{"infra/go.sum", both},
		{"infra/internal/config/keys.go", both},
		{"Pulumi.yaml", both},
		{"Pulumi.dev.yaml", []string{"dev"}},
		{"Pulumi.prod.yaml", []string{"prod"}},
		{"dashboards/generated/model-api-service.json", both},
		{"go.work", both},
		{"go.work.sum", both},
		// Workspace mode: any module's requirements can change the build
		// list infra compiles with.
		{"app/go.mod", both},
		{"gitops/go.mod", both},
		{".github/workflows/infra-preview.yml", both},
		// What the program does not read.
		{"app/go.sum", nil},
		{"dashboards/service.go", nil},
		{"gitops/charts/model-api/values-prod.yaml", nil},
		{"gitops/apps/prod/model-api.yaml", nil},
		{"gitops/workflows_test.go", nil},
		{"docs/deploy.md", nil},
		{"Pulumi.staging.yaml", nil},
		{"xinfra/main.go", nil},
		{"infra-notes.md", nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := previews(tc.file)
			if !slices.Equal(got, tc.want) {
				t.Errorf("a change to %s previews %v, want %v", tc.file, got, tc.want)
			}
			if len(got) > 0 && !pathSelected(t, onPaths, tc.file) {
				t.Errorf("a change to %s previews %v, but on.pull_request.paths does not start the workflow", tc.file, got)
			}
		})
	}
	// The folder each stack's program reads dashboards from.
	for _, stack := range all {
		dir := stackConfig(t, stack, "dashboardsDir", "dashboards/generated")
		if f := dir + "/x.json"; !slices.Contains(previews(f), stack) || !pathSelected(t, onPaths, f) {
			t.Errorf("%s reads dashboards from %s: a change there does not preview it", stack, dir)
		}
	}
}

// talksToCluster reports whether a job reaches a cluster's API: Pulumi
// (the Kubernetes and Helm resources), kubectl, helm or a kubeconfig.
func talksToCluster(j *workflowJob) bool {
	return slices.ContainsFunc(j.Steps, func(s workflowStep) bool {
		return s.action() == "pulumi/actions" || strings.Contains(s.Run, "kubectl ") ||
			strings.Contains(s.Run, "helm ") || strings.Contains(s.Run, "aws eks update-kubeconfig")
	})
}

// TestClusterJobsRunOnTheirStacksRunner: every job (or matrix entry) that
// assumes a stack's role and talks to a cluster runs on that stack's
// runner label: prodRunner for a prod role, devRunner for the others. A
// cluster's endpoint admits only its stack's clusterPublicAccessCidrs.
func TestClusterJobsRunOnTheirStacksRunner(t *testing.T) {
	seen := map[string]int{}
	forEachJob(loadWorkflows(t), func(w workflowFile, id string, j *workflowJob) {
		if !talksToCluster(j) {
			return
		}
		for _, e := range matrixEntries(j) {
			stack := ""
			for _, s := range j.Steps {
				if s.action() != "aws-actions/configure-aws-credentials" {
					continue
				}
				if m := varsExpr.FindStringSubmatch(resolveMatrix(s.with("role-to-assume"), e)); m != nil {
					stack = "dev"
					if strings.HasPrefix(m[1], prodPrefix) {
						stack = "prod"
					}
				}
			}
			if stack == "" {
				continue
			}
			seen[stack]++
			want := map[string]string{"dev": devRunner, "prod": prodRunner}[stack]
			if got := resolveMatrix(j.RunsOn.Value, e); got != want {
				t.Errorf("%s: job %s %v talks to %s's cluster on runs-on %q, want %s", w.name, id, e, stack, got, want)
			}
		}
	})
	// The dev and prod previews, dev's pulumi up and the release's check
	// of dev's Application.
	if seen["prod"] == 0 || seen["dev"] < 3 {
		t.Errorf("jobs talking to a cluster: %v; want the prod preview and dev's preview, up and verify-dev", seen)
	}
}
