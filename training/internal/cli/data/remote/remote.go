// Package remote is the `mlops data remote` command group.
package remote

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data/remote/add"
	"github.com/mlopsgo/mlops/training/internal/cli/data/remote/list"
	"github.com/mlopsgo/mlops/training/internal/cli/data/remote/modify"
	"github.com/mlopsgo/mlops/training/internal/cli/data/remote/named"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// NewCommand returns `mlops data remote`.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "remote",
		Short: "Configure remotes in .dvc/config (local folders and s3://)",
		Long: `Edits the remotes in .dvc/config (or .dvc/config.local with --local) in DVC's INI
format. Supported URLs: a local path and s3://bucket/prefix. S3 options are DVC's:
endpointurl, region, profile, credentialpath, configpath, access_key_id,
secret_access_key, session_token; credentials otherwise come from the standard
AWS environment variables and files. Path-style addressing is used with a custom
endpointurl; MLOPS_S3_PATH_STYLE=true|false overrides it.`,
	}
	cmd.AddCommand(add.NewCommand(logger, s, env), list.NewCommand(logger, s, env), modify.NewCommand(logger, s, env),
		named.NewRemoveCommand(logger, s, env), named.NewDefaultCommand(logger, s, env))
	return cmd
}
