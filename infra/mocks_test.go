package main

import (
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/stackoutputs"
)

// mocks stands in for the Pulumi engine and the AWS account: it records
// every registration and invoke, and answers with the outputs the program
// reads (ARNs, ids, the cluster's kubeconfig and OIDC issuer).
type mocks struct {
	account, region, partition string

	mu        sync.Mutex
	resources []pulumi.MockResourceArgs
	calls     []pulumi.MockCallArgs
}

func (m *mocks) iamARN(r string) string {
	return fmt.Sprintf("arn:%s:iam::%s:%s", m.partition, m.account, r)
}

func (m *mocks) issuer(cluster string) string {
	return fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%s", m.region, strings.ToUpper(hex.EncodeToString([]byte(cluster))))
}

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.resources = append(m.resources, a)
	m.mu.Unlock()

	out := a.Inputs.Copy()
	id := a.Name + "-id"
	in := func(k string) string { return str(a.Inputs[resource.PropertyKey(k)]) }
	set := func(k, v string) { out[resource.PropertyKey(k)] = resource.NewStringProperty(v) }
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
		// children, and its outputs are what we return.
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
		roles := map[string]any{}
		for purpose, output := range stackoutputs.RoleOutputs {
			roles[output] = m.iamARN("role/" + project + "-" + stack + "-ci-" + purpose)
		}
		stacks[stack] = roles
	}
	return map[string]any{
		stackoutputs.BootstrapStacks:                stacks,
		stackoutputs.BootstrapGitHubOIDCProviderARN: m.iamARN("oidc-provider/token.actions.githubusercontent.com"),
		stackoutputs.BootstrapBoundaryARN:           m.iamARN("policy/" + project + "-boundary"),
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
			"accountId": m.account, "arn": m.iamARN("user/ci"), "userId": "AIDAMOCK", "id": m.account,
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
		return obj(map[string]any{
			"name": name, "id": name,
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
