package main

import (
	"encoding/hex"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/cluster"
	"github.com/mlopsgo/mlops/infra/stackoutputs"
)

// mocks stands in for the Pulumi engine during one run of the program: it
// records every registration and invoke, and answers with the outputs the
// program reads (ARNs, ids, the cluster's kubeconfig and OIDC issuer). What
// the AWS account holds across runs is its acct.
type mocks struct {
	account, region, partition string
	acct                       *awsAccount

	mu        sync.Mutex
	resources []pulumi.MockResourceArgs
	calls     []pulumi.MockCallArgs
}

// awsAccount is what the mocked AWS account holds across runs of the
// program: the physical identities AWS keeps unique (IAM role names, OIDC
// provider URLs, EKS clusters and their access entries, and other names),
// each marked with whether it outlives `pulumi destroy` (RetainOnDelete).
// Creating an identity the account holds fails, as AWS does
// (EntityAlreadyExists, ResourceInUseException). Creating an EKS cluster
// also creates the access entry EKS gives its creator, the caller.
type awsAccount struct {
	id, region, partition string
	// caller is the ARN sts:GetCallerIdentity returns: a user, or a role
	// session (arn:aws:sts::<account>:assumed-role/<role>/<session>).
	caller string

	mu   sync.Mutex
	held map[string]bool // identity -> retained on destroy
	// clusters counts the clusters created under each name, so a cluster
	// created again gets a new OIDC issuer, as EKS gives it.
	clusters map[string]int
	// clusterTags holds each cluster's tags as created.
	clusterTags map[string]map[string]any
	// rejected lists the identities a create failed on.
	rejected []string
}

func newAccount(id, region string) *awsAccount {
	return &awsAccount{
		id: id, region: region, partition: "aws",
		caller:   fmt.Sprintf("arn:aws:iam::%s:user/ci", id),
		held:     map[string]bool{},
		clusters: map[string]int{},

		clusterTags: map[string]map[string]any{},
	}
}

// create records an identity, or fails if the account holds it already.
func (a *awsAccount) create(identity string, retain bool) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.held[identity]; ok {
		a.rejected = append(a.rejected, identity)
		return fmt.Errorf("mock AWS: %s already exists", identity)
	}
	a.held[identity] = retain
	return nil
}

// destroy is a `pulumi destroy` of everything the runs created: what is
// retained stays in the account.
func (a *awsAccount) destroy() {
	a.mu.Lock()
	defer a.mu.Unlock()
	maps.DeleteFunc(a.held, func(_ string, retained bool) bool { return !retained })
	clear(a.clusterTags)
	a.rejected = nil
}

// existingCluster puts in the account a cluster that creator created
// (tagged as the program tags it) and the access entry EKS gave creator,
// as a later `pulumi up` finds them: the mocks cannot update, so a run
// against it registers the cluster again without creating either.
func (a *awsAccount) existingCluster(name, creator string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.clusterTags[name] = map[string]any{cluster.CreatorTag: creator}
	a.held["EKS access entry "+name+" "+creator] = false
}

// creatorPrincipal is the principal of the access entry EKS gives a
// cluster's creator: a role session counts as its role.
func (a *awsAccount) creatorPrincipal() string {
	rest, ok := strings.CutPrefix(a.caller, fmt.Sprintf("arn:%s:sts::%s:assumed-role/", a.partition, a.id))
	if !ok {
		return a.caller
	}
	role, _, _ := strings.Cut(rest, "/")
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", a.partition, a.id, role)
}

// identities are the physical identities a resource takes in the account,
// by type: what AWS refuses to create twice.
func identities(typ string, in func(string) string) []string {
	switch typ {
	case "aws:iam/role:Role":
		return []string{"IAM role " + in("name")}
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		return []string{"IAM OIDC provider " + strings.TrimPrefix(in("url"), "https://")}
	case "aws:eks/accessEntry:AccessEntry":
		return []string{"EKS access entry " + in("clusterName") + " " + in("principalArn")}
	case "eks:index:Cluster":
		return []string{"EKS cluster " + in("name")}
	case "aws:kms/alias:Alias":
		return []string{"KMS alias " + in("name")}
	case "aws:ec2/launchTemplate:LaunchTemplate":
		return []string{"launch template " + in("name")}
	case "aws:cloudwatch/logGroup:LogGroup":
		return []string{"log group " + in("name")}
	case "aws:ecr/repository:Repository":
		return []string{"ECR repository " + in("name")}
	case "aws:s3/bucketV2:BucketV2":
		return []string{"S3 bucket " + in("bucket")}
	}
	return nil
}

func (m *mocks) iamARN(r string) string {
	return fmt.Sprintf("arn:%s:iam::%s:%s", m.partition, m.account, r)
}

func (m *mocks) issuer(cluster string) string {
	m.acct.mu.Lock()
	gen := m.acct.clusters[cluster]
	m.acct.mu.Unlock()
	return fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s%c", m.region, strings.ToUpper(hex.EncodeToString([]byte(cluster))), 'A'+rune(gen))
}

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.resources = append(m.resources, a)
	m.mu.Unlock()

	out := a.Inputs.Copy()
	id := a.Name + "-id"
	in := func(k string) string { return str(a.Inputs[resource.PropertyKey(k)]) }
	set := func(k, v string) { out[resource.PropertyKey(k)] = resource.NewStringProperty(v) }
	retain := a.RegisterRPC != nil && a.RegisterRPC.GetRetainOnDelete()
	for _, identity := range identities(a.TypeToken, in) {
		if err := m.acct.create(identity, retain); err != nil {
			return "", nil, err
		}
	}
	switch a.TypeToken {
	case "pulumi:pulumi:StackReference":
		// The account's bootstrap stack (infra/bootstrap): the outputs
		// its own mock test checks it exports, for stacks dev and prod.
		id = in("name")
		out = resource.PropertyMap{
			"name":              resource.NewStringProperty(id),
			"outputs":           resource.NewObjectProperty(resource.NewPropertyMapFromMap(m.bootstrapOutputs())),
			"secretOutputNames": resource.NewArrayProperty(nil),
		}
	case "eks:index:Cluster":
		// pulumi-eks is a remote component: under mocks it registers no
		// children, and its outputs are what we return. EKS gives the
		// creator an admin access entry (pulumi-eks sets
		// bootstrapClusterCreatorAdminPermissions with API authentication).
		// A cluster the account holds already (an update, see
		// awsAccount.existingCluster) keeps its creator's entry.
		m.acct.mu.Lock()
		_, existed := m.acct.clusterTags[in("name")]
		m.acct.mu.Unlock()
		if !existed {
			if err := m.acct.create("EKS access entry "+in("name")+" "+m.acct.creatorPrincipal(), false); err != nil {
				return "", nil, err
			}
		}
		m.acct.mu.Lock()
		m.acct.clusters[in("name")]++
		tags, _ := plain(a.Inputs["tags"]).(map[string]any)
		m.acct.clusterTags[in("name")] = tags
		m.acct.mu.Unlock()
		set("kubeconfigJson", `{"apiVersion":"v1","kind":"Config"}`)
	case "aws:iam/role:Role":
		id = in("name")
		set("arn", m.iamARN("role/"+id))
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		set("arn", m.iamARN("oidc-provider/"+strings.TrimPrefix(in("url"), "https://")))
	case "aws:ecr/repository:Repository":
		id = in("name")
		set("arn", fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", m.partition, m.region, m.account, id))
		set("repositoryUrl", fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", m.account, m.region, id))
	case "aws:s3/bucketV2:BucketV2":
		id = in("bucket")
		set("arn", fmt.Sprintf("arn:%s:s3:::%s", m.partition, id))
	case "aws:kms/key:Key":
		id = a.Name + "-key-id"
		set("keyId", id)
		set("arn", fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", m.partition, m.region, m.account, id))
	case "aws:ec2/launchTemplate:LaunchTemplate":
		out["latestVersion"] = resource.NewNumberProperty(1)
	case "aws:ec2/vpc:Vpc":
		id = "vpc-" + a.Name
	case "aws:ec2/subnet:Subnet":
		id = "subnet-" + a.Name
	}
	return id, out, nil
}

// bootstrapOutputs are the bootstrap stack's outputs in this account.
func (m *mocks) bootstrapOutputs() map[string]any {
	stacks := map[string]any{}
	for _, stack := range []string{"dev", "prod"} {
		roles := map[string]any{stackoutputs.BootstrapBoundaryARN: m.iamARN("policy/" + project + "-" + stack + "-boundary")}
		for purpose, output := range stackoutputs.RoleOutputs {
			roles[output] = m.iamARN("role/" + project + "-" + stack + "-ci-" + purpose)
		}
		stacks[stack] = roles
	}
	return map[string]any{
		stackoutputs.BootstrapStacks:                stacks,
		stackoutputs.BootstrapGitHubOIDCProviderARN: m.iamARN("oidc-provider/token.actions.githubusercontent.com"),
	}
}

func (m *mocks) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.calls = append(m.calls, a)
	m.mu.Unlock()

	obj := func(kv map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(kv) }
	switch a.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return obj(map[string]any{
			"accountId": m.account, "arn": m.acct.caller, "userId": "AIDAMOCK", "id": m.account,
		}), nil
	case "aws:index/getPartition:getPartition":
		return obj(map[string]any{"partition": m.partition, "dnsSuffix": "amazonaws.com", "id": m.partition}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		return obj(map[string]any{
			"names":   []any{m.region + "a", m.region + "b", m.region + "c"},
			"zoneIds": []any{"z1", "z2", "z3"},
			"id":      m.region,
		}), nil
	case "aws:eks/getCluster:getCluster":
		name := str(a.Args["name"])
		m.acct.mu.Lock()
		tags, exists := m.acct.clusterTags[name]
		m.acct.mu.Unlock()
		if !exists {
			// As the provider reports EKS's ResourceNotFoundException.
			return nil, fmt.Errorf("reading EKS Cluster (%s): couldn't find resource", name)
		}
		return obj(map[string]any{
			"name": name, "id": name, "tags": tags,
			"identities": []any{map[string]any{"oidcs": []any{map[string]any{"issuer": m.issuer(name)}}}},
		}), nil
	case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider":
		return obj(map[string]any{
			"arn": m.iamARN("oidc-provider/token.actions.githubusercontent.com"),
			"url": "token.actions.githubusercontent.com", "id": "github",
		}), nil
	}
	return nil, fmt.Errorf("mocks: unexpected invoke %s", a.Token)
}

// plain turns a property value into plain Go values (secrets unwrapped,
// resource references as their URN).
func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		return plain(v.OutputValue().Element)
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
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

func str(v resource.PropertyValue) string {
	s, _ := plain(v).(string)
	return s
}
