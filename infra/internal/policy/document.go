// Package policy builds every IAM and resource policy the program attaches
// (trust policies, the CI roles' permissions, the controllers' permissions,
// the bucket policy, the ECR lifecycle policy) as typed documents, and checks
// documents against the project's rules: exact OIDC subjects, no wildcard
// actions or resources except the listed exceptions. It does not import
// Pulumi, so its table tests build and link quickly; the program's mock test
// runs the same checks over every resource it registers.
package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Version is the IAM policy language version.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement.
type Statement struct {
	Sid         string     `json:"Sid,omitempty"`
	Effect      string     `json:"Effect"`
	Principal   *Principal `json:"Principal,omitempty"`
	Action      Strings    `json:"Action,omitempty"`
	NotAction   Strings    `json:"NotAction,omitempty"`
	Resource    Strings    `json:"Resource,omitempty"`
	NotResource Strings    `json:"NotResource,omitempty"`
	Condition   Conditions `json:"Condition,omitempty"`
}

// Conditions maps an operator (StringEquals) to keys and their values.
type Conditions map[string]map[string]Strings

// Strings is a JSON string or list of strings; it always marshals as a list.
type Strings []string

// UnmarshalJSON accepts "x" as well as ["x", "y"].
func (s *Strings) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = Strings{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// Principal is a statement's principal; Any is the "*" principal.
type Principal struct {
	Any       bool    `json:"-"`
	AWS       Strings `json:"AWS,omitempty"`
	Service   Strings `json:"Service,omitempty"`
	Federated Strings `json:"Federated,omitempty"`
}

type principalFields struct {
	AWS       Strings `json:"AWS,omitempty"`
	Service   Strings `json:"Service,omitempty"`
	Federated Strings `json:"Federated,omitempty"`
}

// MarshalJSON writes "*" for Any.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Any {
		return []byte(`"*"`), nil
	}
	return json.Marshal(principalFields{AWS: p.AWS, Service: p.Service, Federated: p.Federated})
}

// UnmarshalJSON reads "*" or an object.
func (p *Principal) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte(`"*"`)) {
		*p = Principal{Any: true}
		return nil
	}
	var f principalFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*p = Principal{AWS: f.AWS, Service: f.Service, Federated: f.Federated}
	return nil
}

// JSON renders the document compactly, as IAM stores it.
func (d Document) JSON() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("policy: %w", err)
	}
	return string(b), nil
}

// MustJSON is JSON for documents built from code, which always marshal.
func (d Document) MustJSON() string {
	s, err := d.JSON()
	if err != nil {
		panic(err)
	}
	return s
}

// Parse reads a policy document.
func Parse(s string) (Document, error) {
	var d Document
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Document{}, fmt.Errorf("policy: %w", err)
	}
	return d, nil
}

func doc(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

func allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// Env is the account a stack deploys to, resolved at deploy time (never
// written in code).
type Env struct {
	Partition string // "aws", "aws-cn", "aws-us-gov"
	Account   string
	Region    string
}

// ARN builds an ARN in this account and region.
func (e Env) ARN(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", e.Partition, service, e.Region, e.Account, resource)
}

// GlobalARN builds an ARN of a global service (IAM) in this account.
func (e Env) GlobalARN(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s::%s:%s", e.Partition, service, e.Account, resource)
}

// BucketARN is an S3 bucket's ARN (S3 ARNs carry no region or account).
func (e Env) BucketARN(bucket string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", e.Partition, bucket)
}

// RoleARN is the ARN of a role of this account.
func (e Env) RoleARN(name string) string { return e.GlobalARN("iam", "role/"+name) }

// PolicyARN is the ARN of a customer managed policy of this account.
func (e Env) PolicyARN(name string) string { return e.GlobalARN("iam", "policy/"+name) }

// ManagedPolicyARN is the ARN of an AWS managed policy; name may carry a
// path ("service-role/AmazonEBSCSIDriverPolicy").
func (e Env) ManagedPolicyARN(name string) string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/%s", e.Partition, name)
}

// AccessPolicyARN is the ARN of an EKS access policy.
func (e Env) AccessPolicyARN(name string) string {
	return fmt.Sprintf("arn:%s:eks::aws:cluster-access-policy/%s", e.Partition, name)
}

// EKSOIDCHostPattern matches the issuer host of any EKS cluster of the
// region ("oidc.eks.<region>.amazonaws.com/id/<id>").
func (e Env) EKSOIDCHostPattern() string {
	return "oidc.eks." + e.Region + ".amazonaws.com/id/*"
}

// ManagedPolicyLimit is IAM's size limit of a customer managed policy, in
// characters without whitespace (JSON renders none).
const ManagedPolicyLimit = 6144

// Split cuts a document into documents of at most limit characters each,
// keeping the statements in order, so a permission set larger than one
// managed policy becomes several attached to the same role. It fails when
// one statement alone is over the limit.
func Split(d Document, limit int) ([]Document, error) {
	var out []Document
	cur := doc()
	for _, st := range d.Statement {
		next := doc(append(append([]Statement{}, cur.Statement...), st)...)
		n, err := next.JSON()
		if err != nil {
			return nil, err
		}
		if len(n) <= limit {
			cur = next
			continue
		}
		if len(cur.Statement) == 0 {
			return nil, fmt.Errorf("policy: statement %q alone is over %d characters", st.Sid, limit)
		}
		out = append(out, cur)
		cur = doc(st)
		if n, _ := cur.JSON(); len(n) > limit {
			return nil, fmt.Errorf("policy: statement %q alone is over %d characters", st.Sid, limit)
		}
	}
	if len(cur.Statement) > 0 {
		out = append(out, cur)
	}
	return out, nil
}
