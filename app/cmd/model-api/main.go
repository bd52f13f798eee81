// Command model-api serves the model bundles that `mlops train` writes: the
// original service's API, the Open Inference Protocol v2, Prometheus
// metrics, and an OpenAPI document with a docs page.
//
// Configuration comes from flags, each with an environment variable as its
// default (PORT, MODEL_DIR, ...; see -help). ADMIN_TOKEN is read from the
// environment only, so it never shows in a process list. SIGHUP reloads the
// models; SIGTERM or SIGINT drains and stops, letting in-flight requests
// finish.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/mlopsgo/mlops/app/internal/server"
	"github.com/mlopsgo/mlops/app/internal/version"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stderr))
}

// config is everything main reads from flags and the environment.
type config struct {
	opts      server.Options
	logLevel  slog.Level
	logFormat string
}

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

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	srv, err := server.NewServer(server.Deps{Options: cfg.opts, Logger: logger, Registerer: reg, Gatherer: reg})
	if err != nil {
		logger.Error("invalid configuration", "err", err)
		return 2
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

// parseConfig reads flags, whose defaults come from the environment.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	d := server.DefaultOptions()
	fs := flag.NewFlagSet("model-api", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var (
		host        = fs.String("host", env("HOST", ""), "address to listen on; empty means all interfaces (env HOST)")
		port        = fs.String("port", env("PORT", "8080"), "port to listen on; 0 picks a free one (env PORT)")
		modelDir    = fs.String("model-dir", env("MODEL_DIR", d.ModelDir), "directory holding index.json and the bundles (env MODEL_DIR)")
		logLevel    = fs.String("log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error; debug logs every request (env LOG_LEVEL)")
		logFormat   = fs.String("log-format", env("LOG_FORMAT", "json"), "json or text (env LOG_FORMAT)")
		cors        = fs.String("cors-origins", env("CORS_ORIGINS", ""), "comma-separated origins allowed to call from browsers, or *; credentials are never allowed (env CORS_ORIGINS)")
		bodyLimit   = fs.String("body-limit", env("BODY_LIMIT", strconv.Itoa(d.BodyLimit)), "largest request body in bytes (env BODY_LIMIT)")
		maxBatch    = fs.String("max-batch", env("MAX_BATCH", strconv.Itoa(d.MaxBatch)), "most rows in one request (env MAX_BATCH)")
		readTO      = fs.String("read-timeout", env("READ_TIMEOUT", d.ReadTimeout.String()), "connection read timeout (env READ_TIMEOUT)")
		writeTO     = fs.String("write-timeout", env("WRITE_TIMEOUT", d.WriteTimeout.String()), "connection write timeout (env WRITE_TIMEOUT)")
		idleTO      = fs.String("idle-timeout", env("IDLE_TIMEOUT", d.IdleTimeout.String()), "keep-alive idle timeout (env IDLE_TIMEOUT)")
		drainDelay  = fs.String("drain-delay", env("DRAIN_DELAY", "0s"), "how long to keep serving after SIGTERM with /readyz at 503 (env DRAIN_DELAY)")
		shutdownTO  = fs.String("shutdown-timeout", env("SHUTDOWN_TIMEOUT", d.ShutdownTimeout.String()), "how long in-flight requests may take to finish on stop (env SHUTDOWN_TIMEOUT)")
		driftWindow = fs.String("drift-window", env("DRIFT_WINDOW", strconv.Itoa(d.DriftWindow)), "recent inputs per model the drift scores cover (env DRIFT_WINDOW)")
	)
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	cfg := config{logFormat: *logFormat}
	if err := cfg.logLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return config{}, fmt.Errorf("-log-level %q: want debug, info, warn or error", *logLevel)
	}
	if *logFormat != "json" && *logFormat != "text" {
		return config{}, fmt.Errorf("-log-format %q: want json or text", *logFormat)
	}
	o := d
	o.Addr = net.JoinHostPort(*host, *port)
	o.ModelDir = *modelDir
	o.AdminToken = getenv("ADMIN_TOKEN")
	o.Version, o.Revision = version.Version, version.Revision
	if *cors != "" {
		for _, origin := range strings.Split(*cors, ",") {
			if origin = strings.TrimSpace(origin); origin != "" {
				o.CORSOrigins = append(o.CORSOrigins, origin)
			}
		}
	}
	var errs []error
	intFlag := func(name, v string, dst *int) {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("-%s %q: want a positive integer", name, v))
			return
		}
		*dst = n
	}
	durFlag := func(name, v string, dst *time.Duration) {
		t, err := time.ParseDuration(v)
		if err != nil || t < 0 {
			errs = append(errs, fmt.Errorf("-%s %q: want a duration such as 10s", name, v))
			return
		}
		*dst = t
	}
	if p, err := strconv.Atoi(*port); err != nil || p < 0 || p > 65535 {
		errs = append(errs, fmt.Errorf("-port %q: want 0..65535", *port))
	}
	intFlag("body-limit", *bodyLimit, &o.BodyLimit)
	intFlag("max-batch", *maxBatch, &o.MaxBatch)
	intFlag("drift-window", *driftWindow, &o.DriftWindow)
	durFlag("read-timeout", *readTO, &o.ReadTimeout)
	durFlag("write-timeout", *writeTO, &o.WriteTimeout)
	durFlag("idle-timeout", *idleTO, &o.IdleTimeout)
	durFlag("drain-delay", *drainDelay, &o.DrainDelay)
	durFlag("shutdown-timeout", *shutdownTO, &o.ShutdownTimeout)
	if err := errors.Join(errs...); err != nil {
		return config{}, err
	}
	cfg.opts = o
	return cfg, nil
}

func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
