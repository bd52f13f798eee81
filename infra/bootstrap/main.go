// Command bootstrap is the per-account Pulumi program (Pulumi.yaml in this
// folder) that a person applies once, before the main program's stacks:
// it creates what CI must not be able to change. docs/bootstrap.md explains
// how to run it.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mlopsgo/mlops/infra/stackoutputs"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		outputs, err := program(ctx)
		if err != nil {
			return err
		}
		for _, name := range stackoutputs.BootstrapAll {
			ctx.Export(name, outputs[name])
		}
		return nil
	})
}
