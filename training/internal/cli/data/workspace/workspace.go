// Package workspace opens the DVC repository the `mlops data` and
// `mlops pipeline` commands work on, with the settings that come from the
// environment, and holds the flags and messages those commands share.
package workspace

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// PathStyleEnv overrides S3 path-style addressing ("true" or "false");
// by default it is on for remotes with a custom endpointurl.
const PathStyleEnv = "MLOPS_S3_PATH_STYLE"

// Open finds the repository containing the current directory.
func Open(logger *slog.Logger, s streams.Streams) (*repo.Repo, error) {
	r, err := repo.Find(".", logger)
	if err != nil {
		return nil, err
	}
	r.Progress = s.ErrOut
	if v := os.Getenv(PathStyleEnv); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: want true or false", PathStyleEnv, v)
		}
		r.S3PathStyle = &b
	}
	return r, nil
}

// TransferFlags are the flags of push, pull and fetch.
type TransferFlags struct {
	Remote string
	Jobs   int
}

// Register adds the flags to fs.
func (t *TransferFlags) Register(fs *pflag.FlagSet) {
	fs.StringVarP(&t.Remote, "remote", "r", "", "remote to use (default: core.remote in .dvc/config)")
	fs.IntVarP(&t.Jobs, "jobs", "j", 0, "parallel transfers (0: 4 per CPU)")
}

// Options returns the transfer options for these flags.
func (t *TransferFlags) Options(logger *slog.Logger, s streams.Streams) (remote.Options, error) {
	if t.Jobs < 0 {
		return remote.Options{}, fmt.Errorf("--jobs is %d; it must be 0 or more", t.Jobs)
	}
	return remote.Options{Jobs: t.Jobs, Progress: s.ErrOut, Logger: logger}, nil
}

// Plural returns "1 file" or "n files".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
