// Command infra is the Pulumi program of the project (Pulumi.yaml at the
// repository root: main: infra/). It reads and validates the stack config,
// then composes one component per concern (network, registry, cluster,
// storage, platform, ciaccess) and exports the stack outputs named in
// stackoutputs. docs/deploy.md explains how to run it.
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
		for _, name := range stackoutputs.All {
			ctx.Export(name, outputs[name])
		}
		return nil
	})
}
