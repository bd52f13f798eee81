package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// BootstrapKeys is every key of the bootstrap program (infra/bootstrap,
// docs/bootstrap.md lists them), in its own project namespace.
var BootstrapKeys = []Key{
	{Name: RegionKey, Required: true, Doc: "AWS region of the state bucket and the KMS key, and of the main stacks' resources the CI policies name."},
	{Name: "project", Default: "mlops", Doc: "Pulumi project name of the main program (Pulumi.yaml at the repository root): the prefix of every name its stacks use."},
	{Name: "stacks", Required: true, Doc: "The main program's stacks in this account: a list of `{name, deployEnvironment, forceDestroy, promotesFrom}` (deployEnvironment defaults to name and must equal the stack's githubDeployEnvironment; forceDestroy to false and must equal the stack's forceDestroy; promotesFrom, optional, names the stack of this account whose images the stack's release copies, prod's `dev`, and lets its release role read that stack's repository). Each gets its preview, deploy, release and train roles."},
	{Name: "githubRepository", Required: true, Doc: "GitHub `owner/repo` whose workflows assume the CI roles."},
	{Name: "githubOwnerId", Doc: "Numeric id of the owner; with githubRepoId, GitHub's immutable subject form (as the main program's key)."},
	{Name: "githubRepoId", Doc: "Numeric id of the repository (see githubOwnerId); both or neither."},
	{Name: "githubOidcProviderArn", Doc: "ARN of the account's existing GitHub OIDC provider to use instead of creating one (an account has at most one per URL); empty: the bootstrap creates it."},
	{Name: "stateBucket", Default: "<project>-pulumi-state-<account id>", Doc: "Name of the S3 bucket for a self-managed Pulumi backend (created here)."},
}

// BootstrapStack is one main stack the bootstrap serves.
type BootstrapStack struct {
	Name              string `json:"name"`
	DeployEnvironment string `json:"deployEnvironment,omitempty"`
	ForceDestroy      bool   `json:"forceDestroy,omitempty"`
	// PromotesFrom is the stack of this account whose images this stack's
	// release role copies into its own repository (prod promotes dev's
	// image): its release role may then read that repository. Empty for
	// none.
	PromotesFrom string `json:"promotesFrom,omitempty"`
}

// Bootstrap is the validated bootstrap configuration.
type Bootstrap struct {
	Region  string
	Project string
	Stacks  []BootstrapStack
	GitHub  GitHub
	// OIDCProviderARN is the existing provider to adopt ("" to create one).
	OIDCProviderARN string
	// StateBucket is "" when the default (which needs the account id)
	// applies.
	StateBucket string
}

// LoadBootstrap reads and validates the bootstrap's config; project is the
// bootstrap's own Pulumi project (the key namespace). It returns every
// problem, each naming its key.
func LoadBootstrap(project string, src Source) (*Bootstrap, error) {
	r := &reader{project: project, src: src, seen: map[string]bool{}, keys: BootstrapKeys}
	b := &Bootstrap{}
	b.Region = r.str(RegionKey)
	if b.Region != "" && !regionRE.MatchString(b.Region) {
		r.fail(RegionKey, "%q is not an AWS region name", b.Region)
	}
	b.Project = r.str("project")
	if !nameRE.MatchString(b.Project) {
		r.fail("project", "%q must be lower-case letters, digits and hyphens", b.Project)
	}
	if s := r.str("stacks"); s != "" {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&b.Stacks); err != nil {
			r.fail("stacks", "want a list of {name, deployEnvironment, forceDestroy, promotesFrom}: %v", err)
		}
	}
	seen := map[string]bool{}
	for i, st := range b.Stacks {
		switch {
		case !nameRE.MatchString(st.Name):
			r.fail("stacks", "stack %d: name %q must be lower-case letters, digits and hyphens", i, st.Name)
		case len(b.Project)+1+len(st.Name) > maxPrefix:
			r.fail("stacks", "stack %q: %s-%s is longer than %d characters", st.Name, b.Project, st.Name, maxPrefix)
		case seen[st.Name]:
			r.fail("stacks", "stack %q is listed twice", st.Name)
		}
		seen[st.Name] = true
		if st.DeployEnvironment == "" {
			b.Stacks[i].DeployEnvironment = st.Name
		} else if !envRE.MatchString(st.DeployEnvironment) {
			r.fail("stacks", "stack %q: %q is not a usable GitHub environment name", st.Name, st.DeployEnvironment)
		}
	}
	for _, st := range b.Stacks {
		switch {
		case st.PromotesFrom == "":
		case st.PromotesFrom == st.Name:
			r.fail("stacks", "stack %q promotes from itself", st.Name)
		case !seen[st.PromotesFrom]:
			r.fail("stacks", "stack %q promotes from %q, which is not listed in this account's stacks (a stack in another account needs a repository policy there instead: docs/bootstrap.md)", st.Name, st.PromotesFrom)
		}
	}
	if len(b.Stacks) == 0 && !r.failed("stacks") {
		r.fail("stacks", "lists no stack: pulumi config set --path 'stacks[0].name' dev")
	}
	if repo := r.str("githubRepository"); repo != "" {
		owner, name, err := ParseRepository(repo)
		if err != nil {
			r.fail("githubRepository", "%v", err)
		}
		b.GitHub.Owner, b.GitHub.Repo = owner, name
	}
	b.GitHub.OwnerID, b.GitHub.RepoID = r.str("githubOwnerId"), r.str("githubRepoId")
	for _, k := range []struct{ key, v string }{{"githubOwnerId", b.GitHub.OwnerID}, {"githubRepoId", b.GitHub.RepoID}} {
		if k.v != "" && !digitsRE.MatchString(k.v) {
			r.fail(k.key, "%q is not a numeric GitHub id", k.v)
		}
	}
	if (b.GitHub.OwnerID == "") != (b.GitHub.RepoID == "") {
		r.fail("githubOwnerId", "githubOwnerId and githubRepoId are set together or not at all")
	}
	b.OIDCProviderARN = r.str("githubOidcProviderArn")
	if a := b.OIDCProviderARN; a != "" && !githubProviderARNRE.MatchString(a) {
		r.fail("githubOidcProviderArn", "%q is not the ARN of a GitHub OIDC provider (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com)", a)
	}
	b.StateBucket = r.str("stateBucket")
	if s := b.StateBucket; s != "" && !bucketRE.MatchString(s) {
		r.fail("stateBucket", "%q is not an S3 bucket name", s)
	}
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	return b, nil
}

// StateBucketName is the state bucket's name: the configured one, or
// "<project>-pulumi-state-<account>".
func (b *Bootstrap) StateBucketName(account string) (string, error) {
	if b.StateBucket != "" {
		return b.StateBucket, nil
	}
	name := b.Project + "-pulumi-state-" + account
	if len(name) > 63 {
		return "", fmt.Errorf("stateBucket: default name %q is longer than 63 characters: set one", name)
	}
	return name, nil
}

var githubProviderARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\.actions\.githubusercontent\.com$`)
