// Package infra is the module of the Pulumi program (Pulumi.yaml: main:
// infra/), one package per concern. It is a module of its own so nothing
// else compiles the Pulumi SDKs.
package infra
