// Package cli is the mlops command line: the root command and its wiring.
// Each command lives in a package of its own under cli/ and exports
// NewCommand(logger, streams); Main runs the whole CLI so tests can call it
// in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/data"
	"github.com/mlopsgo/mlops/training/internal/cli/export"
	"github.com/mlopsgo/mlops/training/internal/cli/initcmd"
	"github.com/mlopsgo/mlops/training/internal/cli/inspect"
	"github.com/mlopsgo/mlops/training/internal/cli/metricsshow"
	"github.com/mlopsgo/mlops/training/internal/cli/pipeline"
	"github.com/mlopsgo/mlops/training/internal/cli/predict"
	"github.com/mlopsgo/mlops/training/internal/cli/report"
	"github.com/mlopsgo/mlops/training/internal/cli/runs"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/cli/train"
	"github.com/mlopsgo/mlops/training/internal/cli/tune"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/version"
)

// Streams are the command's standard streams.
type Streams = streams.Streams

// Options are what Run takes from the process it runs in.
type Options struct {
	// Args are the command-line arguments without the program name.
	Args []string
	// Streams are the standard streams.
	Streams Streams
	// Env is the working directory and environment the data and pipeline
	// commands work in. Env.Dir is required by those commands.
	Env repo.Env
}

// Main runs mlops with args in the process's working directory and
// environment, read here once, and returns the process exit code (see
// Run).
func Main(ctx context.Context, args []string, s Streams) int {
	// mlops's large allocations (data sets, bins, bundles) hold no
	// pointers, so the collector's work hardly grows with them: halving
	// the heap's headroom over the live data (GOGC 50, not 100) cuts the
	// peak RSS of training on a large data set by about a sixth for about
	// 2% more CPU (README, "Memory"). A GOGC in the environment still wins.
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(50)
	}
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(s.ErrOut, "mlops: %v\n", err)
		return 1
	}
	return Run(ctx, Options{Args: args, Streams: s, Env: repo.Env{Dir: dir, Vars: os.Environ()}})
}

// Run runs mlops as opts describe and returns the process exit code: 0
// on success, 2 on a usage error (see UsageError), ExitInterrupted when
// ctx was cancelled (Ctrl-C) and the command stopped for it, 1 on any
// other error.
// The error is printed once on ErrOut, a usage error with a hint to
// --help.
//
// The data and pipeline commands take their directory and environment
// from opts.Env only, never from the process, so their tests run in
// parallel, each in a directory of its own.
func Run(ctx context.Context, opts Options) int {
	s := opts.Streams
	level := new(slog.LevelVar)
	logger := slog.New(slog.NewTextHandler(s.ErrOut, &slog.HandlerOptions{Level: level}))
	root := NewRootCommand(logger, level, s, opts.Env)
	root.SetArgs(opts.Args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var usage *UsageError
	if errors.As(err, &usage) {
		fmt.Fprintf(s.ErrOut, "mlops: %v\nRun '%s --help' for usage.\n", err, usage.Command)
		return 2
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		// Ctrl-C (or SIGTERM) stopped the command: say so rather than
		// print the chain of calls the cancellation unwound, and exit as
		// shells report an interrupted command.
		logger.Debug("interrupted", "err", err)
		fmt.Fprintln(s.ErrOut, "mlops: interrupted")
		return ExitInterrupted
	}
	fmt.Fprintf(s.ErrOut, "mlops: %v\n", err)
	return 1
}

// ExitInterrupted is the exit code of a command stopped by its context
// (Ctrl-C): 128 + SIGINT, as shells report it.
const ExitInterrupted = 130

// NewRootCommand builds the command tree; the data and pipeline commands
// work in env.
func NewRootCommand(logger *slog.Logger, level *slog.LevelVar, s Streams, env repo.Env) *cobra.Command {
	var quiet, verbose bool
	root := &cobra.Command{
		Use:           "mlops",
		Short:         "Train, evaluate, version and inspect classifiers",
		Long:          "mlops trains the classifiers params.yaml configures, compares them, writes model bundles for model-api, and inspects them.",
		Version:       version.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case quiet && verbose:
				return usageError(cmd, errors.New("--quiet and --verbose cannot be used together"))
			case quiet:
				level.Set(slog.LevelWarn)
			case verbose:
				level.Set(slog.LevelDebug)
			}
			return nil
		},
	}
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetIn(orEmpty(s.In))
	root.PersistentFlags().BoolVarP(&quiet, "quiet", "q", false, "log only warnings and errors")
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log debug details")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError(cmd, err)
	})

	modelCmd := &cobra.Command{Use: "model", Short: "Inspect and export model bundles"}
	modelCmd.AddCommand(inspect.NewCommand(logger, s))
	modelCmd.AddCommand(export.NewCommand(logger, s))
	metricsCmd := &cobra.Command{Use: "metrics", Short: "Show training metrics"}
	metricsCmd.AddCommand(metricsshow.NewCommand(logger, s))

	root.AddCommand(train.NewCommand(logger, s), predict.NewCommand(logger, s), modelCmd, metricsCmd)
	root.AddCommand(runs.NewCommand(logger, s), report.NewCommand(logger, s))
	root.AddCommand(data.NewCommand(logger, s, env), pipeline.NewCommand(logger, s, env))
	root.AddCommand(initcmd.NewCommand(logger, s, env))
	root.AddCommand(tune.NewCommand(logger, s))
	// Added now rather than at Execute, so its usage errors are marked too.
	root.InitDefaultCompletionCmd()
	markUsageErrors(root)
	return root
}

func orEmpty(r io.Reader) io.Reader {
	if r == nil {
		return eofReader{}
	}
	return r
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
