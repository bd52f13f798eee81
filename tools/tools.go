//go:build tools

// Package tools pins the versions of the development tools the Makefile runs
// with `go run -modfile=tools/go.mod`, so every machine lints with the same
// linters.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
)
