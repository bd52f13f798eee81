// Command model-api serves the model bundles that `mlops train` writes: the
// original service's API, the Open Inference Protocol v2, Prometheus
// metrics, and an OpenAPI document with a docs page.
//
// Configuration comes from flags, each falling back to the environment
// variable named after it (-model-dir: MODEL_DIR; see -help); a flag given
// on the command line wins. ADMIN_TOKEN is read from the environment only,
// so it never shows in a process list. SIGHUP reloads the models; SIGTERM or
// SIGINT drains and stops, letting in-flight requests finish.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlopsgo/mlops/app/internal/server"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stderr))
}

// run is model-api: it returns the exit status, 2 for a usage error.
func run(args []string, getenv func(string) string, stderr io.Writer) int {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "model-api:", err)
		return 2
	}
	logger := newLogger(stderr, cfg.logFormat, cfg.logLevel)

	// client_golang's default registry already holds the Go and process
	// collectors, built at its package init; a registry of our own would
	// build both again on every start. Tests inject their own registry
	// through server.Deps instead.
	reg := prometheus.DefaultRegisterer

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	srv, err := server.NewServer(ctx, server.Deps{Options: cfg.opts, Logger: logger, Registerer: reg, Gatherer: prometheus.DefaultGatherer})
	var oe *server.OptionError
	if errors.As(err, &oe) {
		// A setting the loaded models refute (a -shadow-models name
		// that is not a challenger): a usage error like any bad flag.
		fmt.Fprintln(stderr, "model-api:", cfg.usageError(err))
		return 2
	}
	if err != nil {
		logger.Error("start failed", "err", err)
		return 1
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				_, _ = srv.Reload(ctx) // logged and counted by Reload
			case <-ctx.Done():
				return
			}
		}
	}()

	if err := srv.Run(ctx); err != nil {
		logger.Error("server failed", "err", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, format logFormat, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
