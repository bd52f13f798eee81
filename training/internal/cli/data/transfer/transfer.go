// Package transfer holds the commands that move data between the cache and
// a remote: `mlops data push`, `mlops data fetch` and `mlops data pull`.
// They share their flags; push and fetch differ only in direction, so one
// implementation serves both.
package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
)

// Flags are the flags of push, pull and fetch.
type Flags struct {
	Remote string
	Jobs   int
}

// Register adds the flags to fs.
func (f *Flags) Register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.Remote, "remote", "r", "", "remote to use (default: core.remote in .dvc/config)")
	fs.IntVarP(&f.Jobs, "jobs", "j", 0, "parallel transfers (0: 4 per CPU)")
}

// Options returns the transfer options for these flags.
func (f *Flags) Options(logger *slog.Logger, progress io.Writer) (remote.Options, error) {
	if f.Jobs < 0 {
		return remote.Options{}, fmt.Errorf("--jobs is %d; it must be 0 or more", f.Jobs)
	}
	return remote.Options{Jobs: f.Jobs, Progress: progress, Logger: logger}, nil
}

// Plural returns "1 file" or "n files".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// direction is what tells push from fetch.
type direction struct {
	name, short, long string
	// done is the past participle the summary line ends with.
	done string
	// transfer calls the repository method that does it.
	transfer func(ctx context.Context, r *repo.Repo, remoteName string, targets []string, opts remote.Options) (remote.Result, error)
}

var push = direction{
	name:  "push",
	short: "Upload cached data to a remote",
	long: `Uploads the cache objects of every tracked output (or the TARGETs) that the remote
does not have, in parallel, with retries; a directory's manifest goes last, so an
interrupted push leaves no partial state and the next push resumes it.`,
	done: "pushed",
	transfer: func(ctx context.Context, r *repo.Repo, remoteName string, targets []string, opts remote.Options) (remote.Result, error) {
		return r.Push(ctx, remoteName, targets, opts)
	},
}

var fetch = direction{
	name:  "fetch",
	short: "Download data from a remote into the cache (the workspace is not touched)",
	long: `Downloads the objects of every tracked output (or the TARGETs) that the cache lacks.
Each object is verified against its md5 before it enters the cache; a corrupt
object is reported with its URL and left out.`,
	done: "fetched",
	transfer: func(ctx context.Context, r *repo.Repo, remoteName string, targets []string, opts remote.Options) (remote.Result, error) {
		res, _, err := r.Fetch(ctx, remoteName, targets, opts)
		return res, err
	},
}

// NewPushCommand returns `mlops data push`.
func NewPushCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	return newCommand(logger, s, env, push)
}

// NewFetchCommand returns `mlops data fetch`.
func NewFetchCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	return newCommand(logger, s, env, fetch)
}

func newCommand(logger *slog.Logger, s streams.Streams, env repo.Env, d direction) *cobra.Command {
	var flags Flags
	cmd := &cobra.Command{
		Use:   d.name + " [TARGET...]",
		Short: d.short,
		Long:  d.long,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, env, d, flags, args)
		},
	}
	flags.Register(cmd.Flags())
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, env repo.Env, d direction, flags Flags, targets []string) error {
	r, opts, err := open(logger, s, env, flags)
	if err != nil {
		return err
	}
	res, err := d.transfer(ctx, r, flags.Remote, targets, opts)
	logResult(logger, d.name, res)
	var werr error
	if res.Transferred == 0 && err == nil {
		_, werr = fmt.Fprintln(s.Out, "Everything is up to date.")
	} else if res.Transferred > 0 {
		_, werr = fmt.Fprintf(s.Out, "%s %s\n", Plural(res.Transferred, "file"), d.done)
	}
	return errors.Join(err, werr)
}

// open opens the repository and checks the flags, for every transfer
// command.
func open(logger *slog.Logger, s streams.Streams, env repo.Env, flags Flags) (*repo.Repo, remote.Options, error) {
	opts, err := flags.Options(logger, s.ErrOut)
	if err != nil {
		return nil, opts, err
	}
	r, err := repo.Open(env, logger, s.ErrOut)
	return r, opts, err
}

func logResult(logger *slog.Logger, command string, res remote.Result) {
	logger.Info("transfer finished", "command", command, "transferred", res.Transferred, "bytes", res.Bytes,
		"skipped", res.Skipped, "failed", len(res.Failed))
}
