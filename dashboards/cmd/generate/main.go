// Command generate writes the Grafana dashboards built in package dashboards
// as JSON files, one per dashboard, into a folder (default: generated, run
// from the dashboards module; `make dashboards` runs it). The files are
// committed, and a test fails when they differ from what the code builds.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mlopsgo/mlops/dashboards"
)

func main() {
	out := flag.String("out", dashboards.GeneratedDir, "folder to write the dashboards' JSON into; other *.json files there are removed")
	flag.Parse()
	files, err := dashboards.Write(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
	for _, f := range files {
		fmt.Println("wrote", filepath.Join(*out, f.Name))
	}
}
