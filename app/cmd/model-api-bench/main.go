// Command model-api-bench measures model-api with wrk on loopback and prints
// a table of throughput, latency, start-up time and memory, each throughput
// also as a ratio to a no-op Fiber route measured in the same run.
//
//	model-api-bench -model-api bin/model-api -model-dir models
//
// With -startup it only times start-up instead, phase by phase (median of
// -startup-runs alternating starts over an empty directory and over
// -model-dir):
//
//	model-api-bench -startup -model-api bin/model-api -model-dir models
//
// With -shadow it measures what shadow scoring costs instead: a paced load
// at half the no-shadow maximum on servers without and with two
// challengers scored in shadow (p99 and share scored), then the shadow
// server saturated (rows dropped):
//
//	model-api-bench -shadow -model-api bin/model-api -model-dir models
//
// It makes no assertions: the figures are for the README and for people.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/mlopsgo/mlops/app/internal/loadtest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if len(args) == 1 && args[0] == loadtest.NoopFlag {
		if err := loadtest.ServeNoop(ctx, stdout); err != nil {
			fmt.Fprintln(stderr, "no-op server:", err)
			return 1
		}
		return 0
	}
	fs := flag.NewFlagSet("model-api-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o loadtest.Options
	fs.StringVar(&o.ModelAPI, "model-api", "bin/model-api", "the model-api binary")
	fs.StringVar(&o.ModelDir, "model-dir", "models", "the models directory it serves")
	fs.StringVar(&o.Wrk, "wrk", "wrk", "the wrk binary")
	fs.DurationVar(&o.Duration, "duration", 5*time.Second, "length of each wrk run")
	fs.IntVar(&o.Rounds, "rounds", 3, "alternating rounds; figures are medians")
	startup := fs.Bool("startup", false, "time start-up phase by phase instead of measuring under load")
	startupRuns := fs.Int("startup-runs", 11, "with -startup, starts per case; figures are medians")
	shadow := fs.Bool("shadow", false, "measure shadow scoring's cost (paced load at half the maximum, then saturation) instead")
	serverProcs := fs.Int("server-procs", 0, "with -shadow, the servers' GOMAXPROCS (default: every core)")
	shadowModels := fs.String("shadow-models", "", "with -shadow, comma-separated challengers to score (default: two challengers besides the model /predict serves)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *startup && *shadow {
		fmt.Fprintln(stderr, "-startup and -shadow measure different things: give one of them")
		return 2
	}
	if *startup {
		rep, err := loadtest.MeasureStartup(ctx, loadtest.StartupOptions{ModelAPI: o.ModelAPI, ModelDir: o.ModelDir, Runs: *startupRuns})
		if err != nil {
			fmt.Fprintln(stderr, "start-up:", err)
			return 1
		}
		rep.Write(stdout)
		return 0
	}
	if *shadow {
		so := loadtest.ShadowOptions{ModelAPI: o.ModelAPI, ModelDir: o.ModelDir, Wrk: o.Wrk, Duration: o.Duration, Rounds: o.Rounds, ServerProcs: *serverProcs}
		if *shadowModels != "" {
			so.Challengers = strings.Split(*shadowModels, ",")
		}
		rep, err := loadtest.MeasureShadow(ctx, slog.New(slog.NewTextHandler(stderr, nil)), so)
		if err != nil {
			fmt.Fprintln(stderr, "shadow:", err)
			return 1
		}
		rep.Write(stdout)
		return 0
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	o.Self = self
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	rep, err := loadtest.Run(ctx, logger, o)
	if err != nil {
		logger.Error("benchmark failed", "err", err)
		return 1
	}
	rep.Write(stdout)
	return 0
}
