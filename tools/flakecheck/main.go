// Command flakecheck reads the `go test -json` output of repeated runs
// (-count=N) on standard input and reports every test that failed at least
// once, with how often it ran and failed. make flake-check pipes each
// module's runs through it.
//
// It exits 1 when a test or a package failed at least once, 2 on a usage or
// input error, and 0 otherwise.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("flakecheck", flag.ContinueOnError)
	label := fs.String("label", "", "what the runs were of, for the report (a module's path)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "flakecheck: no arguments expected: pipe `go test -json -count=N` into it")
		return 2
	}
	tally, err := Read(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "flakecheck: %v\n", err)
		return 2
	}
	if err := tally.Report(os.Stdout, *label); err != nil {
		fmt.Fprintf(os.Stderr, "flakecheck: %v\n", err)
		return 2
	}
	if tally.Failed() {
		return 1
	}
	return 0
}
