package policy

import "strings"

// GitHub's OIDC issuer and the audience aws-actions/configure-aws-credentials
// asks for.
const (
	GitHubOIDCHost = "token.actions.githubusercontent.com"
	GitHubOIDCURL  = "https://" + GitHubOIDCHost
	STSAudience    = "sts.amazonaws.com"
)

// Repo identifies the GitHub repository the CI roles trust.
type Repo struct {
	Owner, Name string
	// OwnerID and RepoID, when both set, select GitHub's immutable subject
	// form "repo:owner@id/name@id:..." (repositories created from July 2026
	// on, or opted in, emit only that form).
	OwnerID, RepoID string
}

// SubjectPrefix is "repo:<owner>/<name>" (or the immutable form).
func (r Repo) SubjectPrefix() string {
	if r.OwnerID != "" && r.RepoID != "" {
		return "repo:" + r.Owner + "@" + r.OwnerID + "/" + r.Name + "@" + r.RepoID
	}
	return "repo:" + r.Owner + "/" + r.Name
}

// BranchSubject is the sub claim of a job that runs on a push to branch
// (and declares no environment).
func (r Repo) BranchSubject(branch string) string {
	return r.SubjectPrefix() + ":ref:refs/heads/" + branch
}

// PullRequestSubject is the sub claim of a pull_request job.
func (r Repo) PullRequestSubject() string { return r.SubjectPrefix() + ":pull_request" }

// EnvironmentSubject is the sub claim of a job that declares environment.
func (r Repo) EnvironmentSubject(env string) string {
	return r.SubjectPrefix() + ":environment:" + env
}

// GitHubTrust lets exactly one GitHub Actions subject of this repository
// assume a role through the account's GitHub OIDC provider: StringEquals on
// both aud and sub, no wildcards.
func GitHubTrust(providerARN, subject string) Document {
	return doc(Statement{
		Sid:       "GitHubActions",
		Effect:    "Allow",
		Principal: &Principal{Federated: Strings{providerARN}},
		Action:    Strings{"sts:AssumeRoleWithWebIdentity"},
		Condition: Conditions{"StringEquals": {
			GitHubOIDCHost + ":aud": {STSAudience},
			GitHubOIDCHost + ":sub": {subject},
		}},
	})
}

// IRSATrust lets one Kubernetes service account of the cluster assume a role
// (IAM roles for service accounts). issuer may carry its https:// scheme.
func IRSATrust(providerARN, issuer, namespace, serviceAccount string) Document {
	host := strings.TrimPrefix(issuer, "https://")
	return doc(Statement{
		Sid:       "ServiceAccount",
		Effect:    "Allow",
		Principal: &Principal{Federated: Strings{providerARN}},
		Action:    Strings{"sts:AssumeRoleWithWebIdentity"},
		Condition: Conditions{"StringEquals": {
			host + ":aud": {STSAudience},
			host + ":sub": {"system:serviceaccount:" + namespace + ":" + serviceAccount},
		}},
	})
}

// ServiceTrust lets an AWS service (eks.amazonaws.com, ec2.amazonaws.com)
// assume a role.
func ServiceTrust(service string) Document {
	return doc(Statement{
		Sid:       "Service",
		Effect:    "Allow",
		Principal: &Principal{Service: Strings{service}},
		Action:    Strings{"sts:AssumeRole"},
	})
}
