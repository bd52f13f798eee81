// Command bumpapp pins an environment's ArgoCD Application to a release:
// targetRevision and the image.repository, image.tag and image.digest Helm
// parameters (package release). The release workflow runs it for dev and for
// the prod promotion pull request:
//
//	bumpapp -app gitops/apps/dev/model-api.yaml -revision SHA \
//	    -repository ACCOUNT.dkr.ecr.REGION.amazonaws.com/mlops-dev/model-api \
//	    -tag SHA -digest sha256:...
//
// It prints changed=true or changed=false (a line for $GITHUB_OUTPUT) and
// exits 0; 3 when the revision does not descend from the deployed one (a
// re-run of an old workflow: nothing is written); 2 on a usage error; 1
// otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/mlopsgo/mlops/gitops/internal/release"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	exitStale = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bumpapp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o release.Options
	fs.StringVar(&o.File, "app", "", "the Application file to write (required)")
	fs.StringVar(&o.GitDir, "git-dir", ".", "a directory of the git checkout holding the deployed and the new revision")
	fs.StringVar(&o.Release.Revision, "revision", "", "the full commit sha to pin (required)")
	fs.StringVar(&o.Release.Repository, "repository", "", "the image repository, without tag or digest (required)")
	fs.StringVar(&o.Release.Tag, "tag", "", "the image tag (required)")
	fs.StringVar(&o.Release.Digest, "digest", "", "the image digest, sha256:... (required)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if o.File == "" || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "bumpapp: -app is required and no arguments are accepted")
		return exitUsage
	}
	changed, err := release.Bump(ctx, o)
	switch {
	case errors.Is(err, release.ErrNotDescendant):
		fmt.Fprintf(stderr, "bumpapp: %v\n", err)
		return exitStale
	case err != nil:
		fmt.Fprintf(stderr, "bumpapp: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "changed=%t\n", changed)
	return exitOK
}
