package gitops

// The GitHub workflows (.github/workflows, docs/cicd.md) checked against
// the rest of the repository, by reading files only: actionlint and
// yamllint (make lint-workflows) check the syntax and the scripts; these
// tests check what neither knows about. No static AWS keys; id-token: write
// exactly on the jobs that assume a role; every action pinned to a verified
// commit (testdata/workflows/pins.txt); every make target called exists and
// every e2e part runs; every role assumed is a CI role infra outputs, from a
// job whose OIDC subject that role trusts; every repository variable maps to
// a stack output; least-privilege permissions and concurrency everywhere;
// the CI path filter skips docs-only changes but not files tests read.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	k8syaml "sigs.k8s.io/yaml"
)

const (
	workflowsDir = repoRoot + "/.github/workflows"
	// ciStack is the Pulumi stack whose outputs fill the repository
	// variables the workflows read (docs/cicd.md).
	ciStack = "dev"
)

// The workflows issue 11 asks for.
var wantWorkflows = []string{"ci.yml", "infra-preview.yml", "release.yml", "train.yml"}

// allowedSecrets are the only secrets a workflow may read: none of them is
// an AWS credential.
var allowedSecrets = map[string]string{
	"GITHUB_TOKEN":        "the job's own token",
	"PULUMI_ACCESS_TOKEN": "Pulumi Cloud backend (infra-preview.yml)",
	// The GitHub App's key: its token pushes the dev bump to main and opens
	// the prod promotion pull request (release.yml; docs/cicd.md).
	"RELEASE_APP_PRIVATE_KEY": "the release GitHub App's private key (release.yml)",
}

// configureAWSInputs are the inputs of configure-aws-credentials a step may
// set: OIDC only, no key inputs.
var configureAWSInputs = []string{
	"aws-region", "role-to-assume", "role-session-name", "role-duration-seconds", "audience", "mask-aws-account-id",
}

type workflowFile struct {
	name string // base name
	raw  []byte
	workflow
}

type workflow struct {
	Name        string                  `yaml:"name"`
	On          yaml.Node               `yaml:"on"`
	Permissions yaml.Node               `yaml:"permissions"`
	Concurrency yaml.Node               `yaml:"concurrency"`
	Env         map[string]any          `yaml:"env"`
	Jobs        map[string]*workflowJob `yaml:"jobs"`
}

type workflowJob struct {
	If          string    `yaml:"if"`
	RunsOn      yaml.Node `yaml:"runs-on"`
	Environment yaml.Node `yaml:"environment"`
	Permissions yaml.Node `yaml:"permissions"`
	Concurrency yaml.Node `yaml:"concurrency"`
	Timeout     yaml.Node `yaml:"timeout-minutes"`
	Strategy    struct {
		Matrix map[string]any `yaml:"matrix"`
	} `yaml:"strategy"`
	Uses  yaml.Node      `yaml:"uses"` // a reusable workflow
	Steps []workflowStep `yaml:"steps"`
}

type workflowStep struct {
	Name string         `yaml:"name"`
	ID   string         `yaml:"id"`
	If   string         `yaml:"if"`
	Uses yaml.Node      `yaml:"uses"`
	Run  string         `yaml:"run"`
	With map[string]any `yaml:"with"`
}

// action is the owner/repo of a step's uses, without path or ref.
func (s workflowStep) action() string {
	ref, _, _ := strings.Cut(s.Uses.Value, "@")
	parts := strings.SplitN(ref, "/", 3)
	if len(parts) < 2 {
		return ref
	}
	return parts[0] + "/" + parts[1]
}

func (s workflowStep) with(key string) string {
	if v, ok := s.With[key]; ok {
		return fmt.Sprint(v)
	}
	return ""
}

// loadWorkflows parses every workflow file.
func loadWorkflows(t *testing.T) []workflowFile {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(workflowsDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	slices.Sort(files)
	if len(files) == 0 {
		t.Fatalf("no workflows in %s", workflowsDir)
	}
	var wfs []workflowFile
	for _, f := range files {
		w := workflowFile{name: filepath.Base(f), raw: readFile(t, f)}
		if err := yaml.Unmarshal(w.raw, &w.workflow); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(w.Jobs) == 0 {
			t.Fatalf("%s: no jobs", f)
		}
		wfs = append(wfs, w)
	}
	return wfs
}

// forEachJob calls f for every job of every workflow, in a stable order.
func forEachJob(wfs []workflowFile, f func(w workflowFile, id string, j *workflowJob)) {
	for _, w := range wfs {
		ids := make([]string, 0, len(w.Jobs))
		for id := range w.Jobs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			f(w, id, w.Jobs[id])
		}
	}
}

// permissionMap reads a permissions: node; set is false when it is absent.
// The scalar forms (read-all, write-all) are errors: they grant every scope.
func permissionMap(n *yaml.Node) (perms map[string]string, set bool, err error) {
	switch n.Kind {
	case 0:
		return nil, false, nil
	case yaml.MappingNode:
		perms = map[string]string{}
		if err := n.Decode(&perms); err != nil {
			return nil, true, err
		}
		return perms, true, nil
	default:
		return nil, true, fmt.Errorf("permissions %q: list each scope (contents: read, ...)", n.Value)
	}
}

// effectivePermissions are the job's permissions, or the workflow's.
func effectivePermissions(t *testing.T, w workflowFile, j *workflowJob) map[string]string {
	t.Helper()
	if p, set, err := permissionMap(&j.Permissions); err != nil || set {
		return p
	}
	p, _, _ := permissionMap(&w.Permissions)
	return p
}

// triggers maps each event of an on: node to its configuration node (nil
// for the short forms).
func triggers(n *yaml.Node) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	switch n.Kind {
	case yaml.ScalarNode:
		out[n.Value] = nil
	case yaml.SequenceNode:
		for _, e := range n.Content {
			out[e.Value] = nil
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[n.Content[i].Value] = n.Content[i+1]
		}
	}
	return out
}

// triggerList decodes one list of an event's configuration (branches,
// paths, workflows).
func triggerList(t *testing.T, w workflowFile, event, key string) []string {
	t.Helper()
	cfg := triggers(&w.On)[event]
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return nil
	}
	var m map[string][]string
	if err := cfg.Decode(&m); err != nil {
		t.Fatalf("%s: on.%s: %v", w.name, event, err)
	}
	return m[key]
}

var eventNameEq = regexp.MustCompile(`github\.event_name\s*==\s*'([a-z_]+)'`)

// jobEvents are the events a job can run on: the workflow's, narrowed by
// a github.event_name == '...' condition in the job's if when it is the only
// one and the condition has no ||.
func jobEvents(w workflowFile, j *workflowJob) []string {
	if m := eventNameEq.FindAllStringSubmatch(j.If, -1); len(m) == 1 && !strings.Contains(j.If, "||") {
		return []string{m[0][1]}
	}
	var evs []string
	for e := range triggers(&w.On) {
		evs = append(evs, e)
	}
	slices.Sort(evs)
	return evs
}

// environmentName is the job's environment: (a name or {name: ...}).
func environmentName(j *workflowJob) string {
	switch j.Environment.Kind {
	case yaml.ScalarNode:
		return j.Environment.Value
	case yaml.MappingNode:
		var e struct {
			Name string `yaml:"name"`
		}
		if err := j.Environment.Decode(&e); err == nil {
			return e.Name
		}
	}
	return ""
}

// assumesRole reports whether a step exchanges the job's OIDC token for
// credentials: AWS's action with role-to-assume, or Pulumi's auth action.
func (s workflowStep) assumesRole() bool {
	switch s.action() {
	case "aws-actions/configure-aws-credentials":
		return s.with("role-to-assume") != ""
	case "pulumi/auth-actions":
		return true
	}
	return false
}

func jobAssumesRole(j *workflowJob) bool {
	return slices.ContainsFunc(j.Steps, workflowStep.assumesRole)
}

func TestWorkflowsExist(t *testing.T) {
	for _, name := range wantWorkflows {
		if _, err := os.Stat(filepath.Join(workflowsDir, name)); err != nil {
			t.Error(err)
		}
	}
	names := map[string]string{}
	for _, w := range loadWorkflows(t) {
		if w.Name == "" {
			t.Errorf("%s: no name", w.name)
		}
		if prev, dup := names[w.Name]; dup {
			t.Errorf("%s and %s are both named %q", prev, w.name, w.Name)
		}
		names[w.Name] = w.name
	}
}

// TestWorkflowsNoStaticAWSKeys: credentials come from OIDC only. No key
// names anywhere in the text (not even in comments), no key-shaped values,
// and configure-aws-credentials steps set only role inputs.
func TestWorkflowsNoStaticAWSKeys(t *testing.T) {
	keyName := regexp.MustCompile(`(?i)aws[_-]?(access[_-]?key([_-]?id)?|secret[_-]?(access[_-]?)?key|session[_-]?token)`)
	keyValue := regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)
	for _, w := range loadWorkflows(t) {
		for i, line := range strings.Split(string(w.raw), "\n") {
			if m := keyName.FindString(line); m != "" {
				t.Errorf("%s:%d: %q: no static AWS keys (assume a role with OIDC)", w.name, i+1, m)
			}
			if m := keyValue.FindString(line); m != "" {
				t.Errorf("%s:%d: an AWS access key id", w.name, i+1)
			}
		}
		forEachJob([]workflowFile{w}, func(w workflowFile, id string, j *workflowJob) {
			for _, s := range j.Steps {
				if s.action() != "aws-actions/configure-aws-credentials" {
					continue
				}
				for k := range s.With {
					if !slices.Contains(configureAWSInputs, k) {
						t.Errorf("%s: job %s: configure-aws-credentials input %q: only %v", w.name, id, k, configureAWSInputs)
					}
				}
				if s.with("role-to-assume") == "" {
					t.Errorf("%s: job %s: configure-aws-credentials without role-to-assume", w.name, id)
				}
			}
		})
	}
}

// TestWorkflowsPermissions: read-only defaults at the workflow level, writes
// declared per job, and id-token: write on exactly the jobs that assume a
// role.
func TestWorkflowsPermissions(t *testing.T) {
	wfs := loadWorkflows(t)
	for _, w := range wfs {
		perms, set, err := permissionMap(&w.Permissions)
		switch {
		case err != nil:
			t.Errorf("%s: %v", w.name, err)
		case !set:
			t.Errorf("%s: no top-level permissions (want contents: read, or {})", w.name)
		}
		for scope, v := range perms {
			if v != "read" && v != "none" {
				t.Errorf("%s: top-level permissions %s: %s: grant writes per job", w.name, scope, v)
			}
		}
	}
	forEachJob(wfs, func(w workflowFile, id string, j *workflowJob) {
		if _, _, err := permissionMap(&j.Permissions); err != nil {
			t.Errorf("%s: job %s: %v", w.name, id, err)
			return
		}
		perms := effectivePermissions(t, w, j)
		for scope, v := range perms {
			if v != "read" && v != "write" && v != "none" {
				t.Errorf("%s: job %s: permissions %s: %q", w.name, id, scope, v)
			}
		}
		idToken := perms["id-token"] == "write"
		switch assumes := jobAssumesRole(j); {
		case assumes && !idToken:
			t.Errorf("%s: job %s assumes a role without id-token: write", w.name, id)
		case !assumes && idToken:
			t.Errorf("%s: job %s has id-token: write but assumes no role", w.name, id)
		}
	})
}

func TestWorkflowsConcurrencyAndTimeouts(t *testing.T) {
	forEachJob(loadWorkflows(t), func(w workflowFile, id string, j *workflowJob) {
		if w.Concurrency.Kind == 0 && j.Concurrency.Kind == 0 {
			t.Errorf("%s: job %s: no concurrency group (workflow or job)", w.name, id)
		}
		if j.Uses.Kind == 0 && j.Timeout.Kind == 0 {
			t.Errorf("%s: job %s: no timeout-minutes", w.name, id)
		}
	})
}

// TestWorkflowsTriggers: no pull_request_target (it runs a fork's pull
// request with this repository's secrets), and workflow_run names only
// workflows that exist.
func TestWorkflowsTriggers(t *testing.T) {
	wfs := loadWorkflows(t)
	var names []string
	for _, w := range wfs {
		names = append(names, w.Name)
	}
	for _, w := range wfs {
		on := triggers(&w.On)
		if len(on) == 0 {
			t.Errorf("%s: no on:", w.name)
		}
		if _, ok := on["pull_request_target"]; ok {
			t.Errorf("%s: pull_request_target", w.name)
		}
		if _, ok := on["workflow_run"]; ok {
			ws := triggerList(t, w, "workflow_run", "workflows")
			if len(ws) == 0 {
				t.Errorf("%s: workflow_run without workflows", w.name)
			}
			for _, name := range ws {
				if !slices.Contains(names, name) {
					t.Errorf("%s: workflow_run on %q: no workflow has that name (%v)", w.name, name, names)
				}
			}
		}
	}
}

// pins reads testdata/workflows/pins.txt: action -> commit -> tag.
func pins(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, f := range dataLines(t, "testdata/workflows/pins.txt") {
		if len(f) != 3 || !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(f[2]) {
			t.Fatalf("pins.txt: %q: want action, tag, 40-hex commit", f)
		}
		if out[f[0]] == nil {
			out[f[0]] = map[string]string{}
		}
		out[f[0]][f[2]] = f[1]
	}
	return out
}

// dataLines reads a whitespace-separated testdata file, skipping comments
// and blank lines.
func dataLines(t *testing.T, path string) [][]string {
	t.Helper()
	var out [][]string
	sc := bufio.NewScanner(strings.NewReader(string(readFile(t, path))))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.Fields(line))
	}
	return out
}

// TestWorkflowsPinnedActions: every uses: names a full commit of
// pins.txt, with that commit's tag in a comment.
func TestWorkflowsPinnedActions(t *testing.T) {
	allowed := pins(t)
	ref := regexp.MustCompile(`^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(/[^@]*)?@([0-9a-f]{40})$`)
	check := func(where string, n yaml.Node) {
		uses := n.Value
		switch {
		case strings.HasPrefix(uses, "./"):
			return // an action of this repository
		case strings.HasPrefix(uses, "docker://"):
			if !strings.Contains(uses, "@sha256:") {
				t.Errorf("%s: %s: pin a docker action by digest", where, uses)
			}
			return
		}
		m := ref.FindStringSubmatch(uses)
		if m == nil {
			t.Errorf("%s: %q: pin to a full commit sha with its tag in a comment (testdata/workflows/pins.txt)", where, uses)
			return
		}
		tag, ok := allowed[m[1]][m[3]]
		if !ok {
			t.Errorf("%s: %s: not a verified pin (testdata/workflows/pins.txt)", where, uses)
			return
		}
		if got := strings.TrimSpace(strings.TrimPrefix(n.LineComment, "#")); got != tag {
			t.Errorf("%s: %s: comment %q, want the tag %q", where, uses, n.LineComment, "# "+tag)
		}
	}
	n := 0
	forEachJob(loadWorkflows(t), func(w workflowFile, id string, j *workflowJob) {
		if j.Uses.Kind != 0 {
			check(fmt.Sprintf("%s:%d", w.name, j.Uses.Line), j.Uses)
			n++
		}
		for _, s := range j.Steps {
			if s.Uses.Kind != 0 {
				check(fmt.Sprintf("%s:%d", w.name, s.Uses.Line), s.Uses)
				n++
			}
		}
	})
	if n == 0 {
		t.Error("no uses: found")
	}
}

// TestWorkflowsCheckoutCredentials: checkout leaves the token in .git/config
// only for jobs that push (with contents: write, or with a GitHub App token
// given contents: write).
func TestWorkflowsCheckoutCredentials(t *testing.T) {
	forEachJob(loadWorkflows(t), func(w workflowFile, id string, j *workflowJob) {
		pushes := effectivePermissions(t, w, j)["contents"] == "write"
		for _, s := range j.Steps {
			if s.action() == appTokenAction && s.with("permission-contents") == "write" {
				pushes = true
			}
		}
		for _, s := range j.Steps {
			if s.action() == "actions/checkout" && !pushes && s.with("persist-credentials") != "false" {
				t.Errorf("%s: job %s: checkout without persist-credentials: false in a job that does not push", w.name, id)
			}
		}
	})
}

// makefileTargets reads the explicit targets and E2E_TARGETS of the
// Makefile and mk/*.mk (no make run).
func makefileTargets(t *testing.T) (targets map[string]bool, e2e []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "mk", "*.mk"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join(repoRoot, "Makefile")}, files...)
	targets = map[string]bool{}
	e2eLine := regexp.MustCompile(`^E2E_TARGETS\s*\+?=\s*(.*)$`)
	for _, f := range files {
		for _, line := range strings.Split(string(readFile(t, f)), "\n") {
			if m := e2eLine.FindStringSubmatch(line); m != nil {
				e2e = append(e2e, strings.Fields(m[1])...)
				continue
			}
			if line == "" || strings.ContainsAny(line[:1], " \t#") {
				continue // recipes, comments
			}
			before, after, ok := strings.Cut(line, ":")
			if !ok || strings.Contains(before, "=") || strings.HasPrefix(after, "=") || strings.HasPrefix(after, ":=") {
				continue // not a rule: an assignment
			}
			names := strings.Fields(before)
			if before == ".PHONY" {
				names = strings.Fields(after)
			}
			for _, n := range names {
				if !strings.ContainsAny(n, "$%") {
					targets[n] = true
				}
			}
		}
	}
	if !targets["lint"] || !targets["test"] {
		t.Fatalf("no lint or test target found in %v: is the parser still right?", files)
	}
	return targets, e2e
}

var (
	makeCall   = regexp.MustCompile(`(?m)(?:^|[;&|(]|\bthen\b|\bdo\b|\belse\b)[ \t]*make\b([^\n;&|)#]*)`)
	matrixExpr = regexp.MustCompile(`\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}`)
)

// matrixValues lists every value of a matrix key, include: entries too.
func matrixValues(m map[string]any, key string) []string {
	var out []string
	if vs, ok := m[key].([]any); ok {
		for _, v := range vs {
			out = append(out, fmt.Sprint(v))
		}
	}
	if inc, ok := m["include"].([]any); ok {
		for _, e := range inc {
			if em, ok := e.(map[string]any); ok {
				if v, ok := em[key]; ok && !slices.Contains(out, fmt.Sprint(v)) {
					out = append(out, fmt.Sprint(v))
				}
			}
		}
	}
	return out
}

// makeTargetsCalled lists the make targets a job's run: scripts name, with
// matrix expressions expanded.
func makeTargetsCalled(t *testing.T, where string, j *workflowJob) []string {
	t.Helper()
	var out []string
	for _, s := range j.Steps {
		for _, call := range makeCall.FindAllStringSubmatch(s.Run, -1) {
			args := call[1]
			var expand []string // values of the one matrix key, if any
			if m := matrixExpr.FindAllStringSubmatch(args, -1); len(m) > 0 {
				expand = matrixValues(j.Strategy.Matrix, m[0][1])
				if len(m) > 1 || len(expand) == 0 {
					t.Errorf("%s: make %s: one matrix expression with values at most", where, strings.TrimSpace(args))
					continue
				}
				args = matrixExpr.ReplaceAllString(args, "\x00")
			}
			for _, a := range strings.Fields(args) {
				switch {
				case a == "-C" || a == "-f" || strings.HasPrefix(a, "--directory") || strings.HasPrefix(a, "--file"):
					t.Errorf("%s: make %s: workflows call the root Makefile", where, strings.TrimSpace(call[1]))
				case strings.HasPrefix(a, "-") || strings.Contains(a, "="):
					// a flag, or a variable
				case strings.Contains(a, "${{"):
					t.Errorf("%s: make %s: a target from an expression other than a matrix key", where, strings.TrimSpace(call[1]))
				case a == "\x00":
					out = append(out, expand...)
				default:
					out = append(out, a)
				}
			}
		}
	}
	return out
}

// TestWorkflowsMakeTargets: every make target a workflow calls exists, and
// CI runs lint, test and every e2e part.
func TestWorkflowsMakeTargets(t *testing.T) {
	targets, e2e := makefileTargets(t)
	called := map[string][]string{} // workflow -> targets
	forEachJob(loadWorkflows(t), func(w workflowFile, id string, j *workflowJob) {
		for _, target := range makeTargetsCalled(t, w.name+": job "+id, j) {
			if !targets[target] {
				t.Errorf("%s: job %s: make %s: no such target in the Makefile or mk/*.mk", w.name, id, target)
			}
			called[w.name] = append(called[w.name], target)
		}
	})
	for _, want := range append([]string{"lint", "test", "e2e-deps"}, e2e...) {
		if !slices.Contains(called["ci.yml"], want) {
			t.Errorf("ci.yml does not run make %s (E2E_TARGETS: %v)", want, e2e)
		}
	}
}

// stackOutputs is infra/stackoutputs/outputs.json, read as data.
type stackOutputs struct {
	Outputs []string `json:"outputs"`
	Secret  []string `json:"secret"`
	CIRoles []ciRole `json:"ciRoles"`
}

// ciRole is one GitHub Actions role infra creates.
type ciRole struct {
	Purpose        string `json:"purpose"`
	Output         string `json:"output"`
	GitHubVariable string `json:"githubVariable"`
	Subject        string `json:"subject"`
}

func loadStackOutputs(t *testing.T) stackOutputs {
	t.Helper()
	var o stackOutputs
	if err := json.Unmarshal(readFile(t, filepath.Join(repoRoot, "infra/stackoutputs/outputs.json")), &o); err != nil {
		t.Fatal(err)
	}
	if len(o.CIRoles) == 0 {
		t.Fatal("outputs.json lists no CI roles")
	}
	return o
}

// stackConfig reads mlops:<key> from Pulumi.<stack>.yaml, or def.
func stackConfig(t *testing.T, stack, key, def string) string {
	t.Helper()
	var s struct {
		Config map[string]any `json:"config"`
	}
	if err := k8syaml.Unmarshal(readFile(t, filepath.Join(repoRoot, "Pulumi."+stack+".yaml")), &s); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.Config["mlops:"+key].(string); ok {
		return v
	}
	return def
}

// prodPrefix marks a repository variable set from the prod stack's outputs
// rather than the dev stack's (e.g. PROD_AWS_RELEASE_ROLE_ARN).
const prodPrefix = "PROD_"

var (
	varsExpr      = regexp.MustCompile(`^\$\{\{\s*vars\.([A-Za-z0-9_]+)\s*\}\}$`)
	matrixKeyExpr = regexp.MustCompile(`^\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}$`)
)

// TestWorkflowsRoles: each role a workflow assumes is a CI role infra
// outputs (role-to-assume: ${{ vars.<its githubVariable> }}), assumed from a
// job whose OIDC subject is the one the role trusts; and each CI role is
// used.
func TestWorkflowsRoles(t *testing.T) {
	out := loadStackOutputs(t)
	used := map[string]bool{}
	wfs := loadWorkflows(t)
	forEachJob(wfs, func(w workflowFile, id string, j *workflowJob) {
		where := w.name + ": job " + id
		for _, s := range j.Steps {
			if s.action() != "aws-actions/configure-aws-credentials" {
				continue
			}
			if got := s.with("aws-region"); got != "${{ vars.AWS_REGION }}" {
				t.Errorf("%s: aws-region %q, want ${{ vars.AWS_REGION }} (the stack's region output)", where, got)
			}
			for _, name := range roleVariables(t, where, j, s.with("role-to-assume")) {
				// PROD_<variable> holds the same role of the prod stack (the
				// release copies the image into prod's repository with it;
				// the preview matrix previews prod with it).
				stack, variable := ciStack, name
				if v, ok := strings.CutPrefix(variable, prodPrefix); ok {
					stack, variable = "prod", v
				}
				i := slices.IndexFunc(out.CIRoles, func(r ciRole) bool { return r.GitHubVariable == variable })
				if i < 0 {
					t.Errorf("%s: role-to-assume vars.%s: not a CI role of infra/stackoutputs/outputs.json", where, name)
					continue
				}
				role := out.CIRoles[i]
				if stack == ciStack {
					used[role.Purpose] = true
				}
				environment := stackConfig(t, stack, "githubDeployEnvironment", stack)
				checkSubject(t, where, w, j, role.Subject, environment)
			}
		}
	})
	for _, r := range out.CIRoles {
		if !used[r.Purpose] {
			t.Errorf("no workflow assumes the %s role (vars.%s)", r.Purpose, r.GitHubVariable)
		}
	}
}

// roleVariables returns the repository variables a role-to-assume reads:
// ${{ vars.X }} itself, or ${{ matrix.K }} whose every value (a matrix
// include: entry per stack) is ${{ vars.X }}.
func roleVariables(t *testing.T, where string, j *workflowJob, expr string) []string {
	t.Helper()
	if m := varsExpr.FindStringSubmatch(expr); m != nil {
		return []string{m[1]}
	}
	m := matrixKeyExpr.FindStringSubmatch(expr)
	if m == nil {
		t.Errorf("%s: role-to-assume %q: want ${{ vars.<a CI role's githubVariable> }} or a matrix key holding them", where, expr)
		return nil
	}
	values := matrixValues(j.Strategy.Matrix, m[1])
	if len(values) == 0 {
		t.Errorf("%s: role-to-assume %s: the matrix has no %s", where, expr, m[1])
	}
	var out []string
	for _, v := range values {
		vm := varsExpr.FindStringSubmatch(v)
		if vm == nil {
			t.Errorf("%s: role-to-assume %s = %q: want ${{ vars.<a CI role's githubVariable> }}", where, expr, v)
			continue
		}
		out = append(out, vm[1])
	}
	return out
}

// checkSubject checks that the job's OIDC subject is the one the role
// trusts: GitHub sends the environment form for a job with an environment,
// the pull_request form for pull request events. No role trusts the ref
// form (every job on a branch), so a subject of that form is an error.
func checkSubject(t *testing.T, where string, w workflowFile, j *workflowJob, subject, environment string) {
	t.Helper()
	env := environmentName(j)
	events := jobEvents(w, j)
	switch {
	case strings.Contains(subject, ":environment:"):
		// ENVIRONMENT stands for the stack's githubDeployEnvironment; other
		// names are fixed environments (release, train).
		if _, name, _ := strings.Cut(subject, ":environment:"); name != "ENVIRONMENT" {
			environment = name
		}
		if env != environment {
			t.Errorf("%s: the role trusts %s: the job's environment is %q, want %q",
				where, subject, env, environment)
		}
	case env != "":
		t.Errorf("%s: the role trusts %s, but the job's environment %q makes GitHub send the environment subject", where, subject, env)
	case strings.HasSuffix(subject, ":pull_request"):
		if !slices.Equal(events, []string{"pull_request"}) {
			t.Errorf("%s: the role trusts %s: the job runs on %v, want only pull_request (an if: on github.event_name)", where, subject, events)
		}
		if !strings.Contains(j.If, "github.event.pull_request.head.repo.full_name == github.repository") {
			t.Errorf("%s: skip pull requests from forks (they get no OIDC token): if: ... github.event.pull_request.head.repo.full_name == github.repository", where)
		}
	default:
		t.Errorf("%s: subject %q: unknown form", where, subject)
	}
}

// TestWorkflowsVariablesAndSecrets: each repository variable is a CI role's
// or one of testdata/workflows/variables.txt, set from a (non-secret) stack
// output; secrets are a short list, none of them an AWS credential.
func TestWorkflowsVariablesAndSecrets(t *testing.T) {
	out := loadStackOutputs(t)
	known := map[string]string{} // variable -> output
	for _, r := range out.CIRoles {
		known[r.GitHubVariable] = r.Output
		known[prodPrefix+r.GitHubVariable] = r.Output
	}
	listed := map[string]bool{}
	for _, f := range dataLines(t, "testdata/workflows/variables.txt") {
		if len(f) != 2 {
			t.Fatalf("variables.txt: %q: want variable and stack output (or -)", f)
		}
		if f[1] != "-" && (!slices.Contains(out.Outputs, f[1]) || slices.Contains(out.Secret, f[1])) {
			t.Errorf("variables.txt: %s: %q is not a plain output of infra/stackoutputs/outputs.json", f[0], f[1])
		}
		known[f[0]] = f[1]
		listed[f[0]] = false
	}
	varRef := regexp.MustCompile(`\bvars\.([A-Za-z0-9_]+)`)
	secretRef := regexp.MustCompile(`\bsecrets\.([A-Za-z0-9_]+)`)
	for _, w := range loadWorkflows(t) {
		for _, m := range varRef.FindAllStringSubmatch(string(w.raw), -1) {
			if _, ok := known[m[1]]; !ok {
				t.Errorf("%s: vars.%s: not a CI role variable nor in testdata/workflows/variables.txt", w.name, m[1])
			}
			if _, ok := listed[m[1]]; ok {
				listed[m[1]] = true
			}
		}
		for _, m := range secretRef.FindAllStringSubmatch(string(w.raw), -1) {
			if _, ok := allowedSecrets[m[1]]; !ok {
				t.Errorf("%s: secrets.%s: not one of the allowed secrets %v", w.name, m[1], allowedSecrets)
			}
		}
	}
	for v, used := range listed {
		if !used {
			t.Errorf("variables.txt lists %s, which no workflow reads", v)
		}
	}
}

// ghPattern compiles a GitHub Actions path filter pattern: * matches within
// a path segment, ** across segments. The test refuses the other special
// characters rather than approximating them.
func ghPattern(t *testing.T, p string) *regexp.Regexp {
	t.Helper()
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case strings.IndexByte("?+[]!", c) >= 0:
			t.Fatalf("path pattern %q: %q is not supported by this test", p, c)
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// pathSelected applies a paths: filter to one changed file: the last
// matching pattern decides, ! patterns exclude.
func pathSelected(t *testing.T, patterns []string, file string) bool {
	t.Helper()
	in := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		if ghPattern(t, strings.TrimPrefix(p, "!")).MatchString(file) {
			in = !neg
		}
	}
	return in
}

// TestCIPathFilter: ci.yml skips documentation-only changes, but not the
// documents tests read (a file whose name a _test.go file quotes) nor test
// data.
func TestCIPathFilter(t *testing.T) {
	var ci workflowFile
	for _, w := range loadWorkflows(t) {
		if w.name == "ci.yml" {
			ci = w
		}
	}
	push := triggerList(t, ci, "push", "paths")
	pr := triggerList(t, ci, "pull_request", "paths")
	if len(push) == 0 || !slices.Equal(push, pr) {
		t.Fatalf("ci.yml: push paths %v and pull_request paths %v: want the same, non-empty filter", push, pr)
	}
	// Candidates: docs/ and every markdown file; files the tests quote.
	var candidates, testSources []string
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if name := d.Name(); rel != "." && (strings.HasPrefix(name, ".") || name == "bin" || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(rel, "_test.go"):
			testSources = append(testSources, string(readFile(t, path)))
		case strings.HasPrefix(rel, "docs/") || strings.HasSuffix(rel, ".md"):
			candidates = append(candidates, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(testSources, "\n")
	readByTests := func(rel string) bool {
		base := regexp.QuoteMeta(filepath.Base(rel))
		return regexp.MustCompile(`"(?:[^"\n]*/)?` + base + `"`).MatchString(all)
	}
	skipped := 0
	for _, f := range candidates {
		want := readByTests(f)
		if got := pathSelected(t, push, f); got != want {
			if want {
				t.Errorf("ci.yml does not run when only %s changes, but a test reads it: add it to the paths filter", f)
			} else {
				t.Errorf("ci.yml runs when only %s changes (documentation no test reads)", f)
			}
		}
		if !want {
			skipped++
		}
	}
	if skipped == 0 {
		t.Error("no documentation change skips CI")
	}
	for _, f := range []string{"go.work", "Makefile", "app/cmd/model-api/main.go", ".github/workflows/ci.yml", "gitops/testdata/golden/dev_golden.yaml",
		"training/internal/cli/runs/runsdiff/testdata/diff_same_golden.md", "Dockerfile", "params.yaml"} {
		if !pathSelected(t, push, f) {
			t.Errorf("ci.yml does not run when %s changes", f)
		}
	}
}

// TestPulumiVersion: the workflows install the Pulumi CLI of the Go SDK
// infra builds with.
func TestPulumiVersion(t *testing.T) {
	m := regexp.MustCompile(`(?m)^\s*github\.com/pulumi/pulumi/sdk/v3 v(\S+)`).FindSubmatch(readFile(t, filepath.Join(repoRoot, "infra/go.mod")))
	if m == nil {
		t.Fatal("infra/go.mod: no github.com/pulumi/pulumi/sdk/v3")
	}
	sdk := string(m[1])
	n := 0
	forEachJob(loadWorkflows(t), func(w workflowFile, id string, j *workflowJob) {
		for _, s := range j.Steps {
			if s.action() != "pulumi/actions" {
				continue
			}
			n++
			v := s.with("pulumi-version")
			if v == "${{ env.PULUMI_VERSION }}" {
				v = fmt.Sprint(w.Env["PULUMI_VERSION"])
			}
			if v != sdk {
				t.Errorf("%s: job %s: pulumi-version %q, want %s (infra/go.mod's SDK)", w.name, id, v, sdk)
			}
		}
	})
	if n == 0 {
		t.Error("no pulumi/actions step")
	}
}

// appTokenAction mints the GitHub App token that pushes to main and opens
// pull requests (branch protection rejects GITHUB_TOKEN's pushes, and its
// pull requests start no checks).
const appTokenAction = "actions/create-github-app-token"

// TestReleaseUsesTheAppToken: every job of release.yml that pushes to main
// or opens a pull request first mints the App's token, with the App's
// variables and secret and the least permissions, and the push or pull
// request uses it; no step uses GITHUB_TOKEN for either.
func TestReleaseUsesTheAppToken(t *testing.T) {
	w := loadWorkflow(t, "release.yml")
	jobs := 0
	for id, j := range w.Jobs {
		app := -1
		for i, s := range j.Steps {
			pushes := strings.Contains(s.Run, "git push")
			pr := s.action() == "peter-evans/create-pull-request"
			if s.action() == appTokenAction && app < 0 {
				app = i
				if s.with("client-id") != "${{ vars.RELEASE_APP_CLIENT_ID }}" || s.with("private-key") != "${{ secrets.RELEASE_APP_PRIVATE_KEY }}" {
					t.Errorf("job %s: the App token step reads %q and %q, want vars.RELEASE_APP_CLIENT_ID and secrets.RELEASE_APP_PRIVATE_KEY", id, s.with("client-id"), s.with("private-key"))
				}
				if s.with("app-id") != "" {
					t.Errorf("job %s: app-id is deprecated in v3: use client-id", id)
				}
			}
			if !pushes && !pr {
				continue
			}
			jobs++
			if app < 0 {
				t.Errorf("job %s: step %q pushes or opens a pull request before any %s step", id, s.Name, appTokenAction)
				continue
			}
			tokenStep := j.Steps[app]
			token := "${{ steps." + tokenStepID(t, w, id, app) + ".outputs.token }}"
			if tokenStep.with("permission-contents") != "write" {
				t.Errorf("job %s: the App token lacks permission-contents: write", id)
			}
			if pr {
				if s.with("token") != token {
					t.Errorf("job %s: create-pull-request token %q, want %s", id, s.with("token"), token)
				}
				if tokenStep.with("permission-pull-requests") != "write" {
					t.Errorf("job %s: the App token lacks permission-pull-requests: write", id)
				}
			}
			if pushes && !slices.ContainsFunc(j.Steps[:i], func(c workflowStep) bool {
				return c.action() == "actions/checkout" && c.with("token") == token
			}) {
				t.Errorf("job %s: git push without a checkout that persisted %s", id, token)
			}
		}
	}
	if jobs < 2 {
		t.Errorf("release.yml: %d pushes and pull requests, want the dev bump and the prod promotion", jobs)
	}
	if strings.Contains(string(w.raw), "github.token") || strings.Contains(string(w.raw), "secrets.GITHUB_TOKEN") {
		t.Errorf("release.yml uses GITHUB_TOKEN: pushes and pull requests use the App's token")
	}
}

// tokenStepID returns the id of step i of job id, read from the raw YAML
// (workflowStep does not keep ids).
func tokenStepID(t *testing.T, w workflowFile, id string, i int) string {
	t.Helper()
	var doc struct {
		Jobs map[string]struct {
			Steps []struct {
				ID string `yaml:"id"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(w.raw, &doc); err != nil {
		t.Fatal(err)
	}
	sid := doc.Jobs[id].Steps[i].ID
	if sid == "" {
		t.Fatalf("job %s: the App token step has no id", id)
	}
	return sid
}

// TestReleaseSettingsFailEarly: the settings job, which every release job
// follows, checks each variable and secret release.yml reads and its error
// names them and where they are documented.
func TestReleaseSettingsFailEarly(t *testing.T) {
	w := loadWorkflow(t, "release.yml")
	j := w.Jobs["settings"]
	if j == nil || len(j.Steps) != 1 {
		t.Fatalf("release.yml: want a settings job with one step")
	}
	check := j.Steps[0].Run
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`\b(?:vars|secrets)\.([A-Z0-9_]+)`).FindAllStringSubmatch(string(w.raw), -1) {
		read[m[1]] = true
	}
	// MODEL_API_URL, dev's endpoint, exists only after the first release:
	// verify-dev asks for it.
	delete(read, "MODEL_API_URL")
	// A variable read only with a default (vars.DEV_RUNNER_LABEL ||
	// 'ubuntu-24.04') is optional.
	all := regexp.MustCompile(`\bvars\.([A-Z0-9_]+)`).FindAllStringSubmatch(string(w.raw), -1)
	defaulted := regexp.MustCompile(`\bvars\.([A-Z0-9_]+)\s*\|\|\s*'`).FindAllStringSubmatch(string(w.raw), -1)
	for name := range read {
		count := func(ms [][]string) int {
			return len(slices.DeleteFunc(slices.Clone(ms), func(m []string) bool { return m[1] != name }))
		}
		if n := count(defaulted); n > 0 && n == count(all) {
			delete(read, name)
		}
	}
	for name := range read {
		if !regexp.MustCompile(`\b` + name + `\b`).MatchString(check) {
			t.Errorf("settings does not check %s, which release.yml reads", name)
		}
	}
	if !strings.Contains(check, "::error::") || !strings.Contains(check, "docs/cicd.md") {
		t.Errorf("settings: want an ::error:: naming what is missing and pointing at docs/cicd.md")
	}
	if needs := jobNeeds(t, w, "image"); !slices.Equal(needs, []string{"settings"}) {
		t.Errorf("image needs %v, want [settings]", needs)
	}
}

// TestReleaseOrder: the jobs run in the order that keeps prod to what dev
// ran: the promotion needs the health and smoke check, which needs the dev
// bump; each job that assumes the release role declares the environment
// release; both bumps go through gitops/cmd/bumpapp, and the image is
// copied by digest.
func TestReleaseOrder(t *testing.T) {
	w := loadWorkflow(t, "release.yml")
	for job, want := range map[string][]string{
		"bump-dev":     {"image"},
		"verify-dev":   {"image", "bump-dev"},
		"promote-prod": {"image", "verify-dev"},
	} {
		if got := jobNeeds(t, w, job); !slices.Equal(got, want) {
			t.Errorf("%s needs %v, want %v", job, got, want)
		}
	}
	for id, j := range w.Jobs {
		if jobAssumesRole(j) && environmentName(j) != "release" {
			t.Errorf("job %s assumes a role without environment: release", id)
		}
	}
	verify := w.Jobs["verify-dev"]
	var all string
	for _, s := range verify.Steps {
		all += s.Run
	}
	for _, frag := range []string{"get application model-api-dev", "Synced $SHA Healthy", "/predict"} {
		if !strings.Contains(all, frag) {
			t.Errorf("verify-dev: no %q: want dev's Application Synced at the commit and Healthy, and a prediction", frag)
		}
	}
	for job, app := range map[string]string{"bump-dev": "$APP_DEV", "promote-prod": "$APP_PROD"} {
		var runs string
		for _, s := range w.Jobs[job].Steps {
			runs += s.Run
		}
		if !strings.Contains(runs, "./cmd/bumpapp") || !strings.Contains(runs, `-app "`+app+`"`) {
			t.Errorf("%s: want the Application %s written by gitops/cmd/bumpapp", job, app)
		}
		if strings.Contains(runs, "docker push") || strings.Contains(runs, "docker tag") {
			t.Errorf("%s: docker tag/push may change the digest: copy with docker buildx imagetools create", job)
		}
	}
	if !strings.Contains(string(w.raw), `docker buildx imagetools create --tag "$TARGET:$SHA" "$SOURCE@$DIGEST"`) {
		t.Errorf("promote-prod: want the image copied by digest with docker buildx imagetools create")
	}
	for _, f := range []string{"APP_DEV: gitops/apps/dev/model-api.yaml", "APP_PROD: gitops/apps/prod/model-api.yaml"} {
		if !strings.Contains(string(w.raw), f) {
			t.Errorf("release.yml: no %q", f)
		}
	}
	train := loadWorkflow(t, "train.yml")
	for id, j := range train.Jobs {
		if jobAssumesRole(j) && environmentName(j) != "train" {
			t.Errorf("train.yml: job %s assumes a role without environment: train", id)
		}
	}
}

func loadWorkflow(t *testing.T, name string) workflowFile {
	t.Helper()
	for _, w := range loadWorkflows(t) {
		if w.name == name {
			return w
		}
	}
	t.Fatalf("no %s", name)
	return workflowFile{}
}

// jobNeeds returns a job's needs (a name or a list).
func jobNeeds(t *testing.T, w workflowFile, job string) []string {
	t.Helper()
	var doc struct {
		Jobs map[string]struct {
			Needs yaml.Node `yaml:"needs"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(w.raw, &doc); err != nil {
		t.Fatal(err)
	}
	n := doc.Jobs[job].Needs
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			out = append(out, c.Value)
		}
		return out
	}
	return nil
}

// TestCICDDocumentsTheRelease: docs/cicd.md names every variable and
// secret release.yml reads, the environments the roles trust, and the
// release App's permissions, which must be the ones the workflow asks for.
func TestCICDDocumentsTheRelease(t *testing.T) {
	doc := string(readFile(t, filepath.Join(repoRoot, "docs", "cicd.md")))
	w := loadWorkflow(t, "release.yml")
	for _, m := range regexp.MustCompile(`\b(?:vars|secrets)\.([A-Z0-9_]+)`).FindAllStringSubmatch(string(w.raw), -1) {
		if !strings.Contains(doc, m[1]) {
			t.Errorf("docs/cicd.md does not name %s, which release.yml reads", m[1])
		}
	}
	for _, frag := range []string{
		"`release`", "`train`", "repo:OWNER/REPO:environment:release", "repo:OWNER/REPO:environment:train",
		"**Contents: Read and write**", "**Pull requests: Read and write**", "**Metadata: Read-only**",
	} {
		if !strings.Contains(doc, frag) {
			t.Errorf("docs/cicd.md lacks %q", frag)
		}
	}
	for id, j := range w.Jobs {
		for _, s := range j.Steps {
			if s.action() != appTokenAction {
				continue
			}
			for k := range s.With {
				if p, ok := strings.CutPrefix(k, "permission-"); ok && p != "contents" && p != "pull-requests" {
					t.Errorf("job %s asks the App for %s, which docs/cicd.md does not list", id, k)
				}
			}
		}
	}
}
