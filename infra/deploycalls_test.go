package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/infra/ciaccess"
	"github.com/mlopsgo/mlops/infra/internal/config"
	"github.com/mlopsgo/mlops/infra/internal/policy"
)

// Every resource type and invoke the program registers (and every type
// pulumi-eks registers under its components) has a row in the deploy
// role's table of calls (policy.DeployCalls), which make e2e-iam evaluates:
// a new type fails here until someone writes down what the deploy role
// calls for it.
func TestEveryTypeHasDeployCalls(t *testing.T) {
	env := policy.Env{Partition: "aws", Account: testAccount, Region: testRegion}
	stacks := []config.BootstrapStack{{Name: "dev", DeployEnvironment: "dev"}, {Name: "prod", DeployEnvironment: "production"}}
	s, err := ciaccess.StackScope(env, project, stacks[0], stacks, env.PolicyARN(ciaccess.BoundaryName(project+"-dev")), "", "")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, row := range policy.DeployCalls(s) {
		rows[row.Type] = true
	}
	for _, stack := range []string{"dev", "prod"} {
		r := runStack(t, stack)
		types := map[string]bool{}
		for _, x := range r.resources {
			types[x.Type] = true
			for _, child := range policy.PulumiEKSChildren[x.Type] {
				types[child] = true
			}
		}
		for _, c := range r.calls {
			types[c] = true
		}
		for typ := range types {
			if rows[typ] || slices.ContainsFunc(policy.NoAWSPrefixes, func(p string) bool { return strings.HasPrefix(typ, p) }) {
				continue
			}
			t.Errorf("%s: %s has no row in policy.DeployCalls", stack, typ)
		}
	}
}
