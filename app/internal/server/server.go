package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlopsgo/mlops/app/internal/openapi"
	"github.com/mlopsgo/mlops/app/internal/registry"
	"github.com/mlopsgo/mlops/app/internal/shadow"
	"github.com/mlopsgo/mlops/app/telemetry"
)

// Deps are what the server is given rather than creates.
type Deps struct {
	// Options configures the server; see [Options].
	Options Options
	// Logger receives the server's logs. Optional. Default: discard.
	Logger *slog.Logger
	// Registerer is where the server registers its metrics; Gatherer is
	// what /metrics serves (usually the same registry, with the Go and
	// process collectors added by the caller). Required.
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	// Now is the clock. Optional. Default: time.Now.
	Now func() time.Time

	// challenger, when set (by tests), gives what a challenger predicts
	// with in shadow instead of the model itself, e.g. one that blocks.
	challenger func(*registry.Model) shadow.Predictor
}

// Server is model-api: the Fiber app, the model registry and the metrics.
// Make one with [NewServer]; it is safe for concurrent use.
type Server struct {
	opts    Options
	log     *slog.Logger
	now     func() time.Time
	app     *fiber.App
	opsApp  *fiber.App // /metrics and /admin/* when Options.MetricsAddr is set; else nil
	models  *registry.Registry
	metrics *metrics
	summary *summary
	gather  prometheus.Gatherer
	// shadow scores Options.ShadowModels off the request path; nil when
	// none is named.
	shadow     *shadow.Scorer
	challenger func(*registry.Model) shadow.Predictor

	live     atomic.Pointer[live]
	draining atomic.Bool
	reloadMu sync.Mutex // orders the swap of live after registry reloads
	stopOnce sync.Once

	lingerOpts lingerOptions
	lingering  atomic.Pointer[lingerListener] // set by Serve
}

// New returns the Fiber app of a new server (see [NewServer]); tests drive it
// with app.Test.
func New(ctx context.Context, d Deps) (*fiber.App, error) {
	s, err := NewServer(ctx, d)
	if err != nil {
		return nil, err
	}
	return s.App(), nil
}

// NewServer validates the options, registers the metrics, builds the routes
// and loads the model set. A model set that fails to load is logged and
// counted; the server then answers 503 on /readyz and the prediction
// endpoints until a reload succeeds. ctx bounds that first load.
func NewServer(ctx context.Context, d Deps) (*Server, error) {
	opts := d.Options.withDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if d.Registerer == nil || d.Gatherer == nil {
		return nil, errors.New("server: Deps.Registerer and Deps.Gatherer are required")
	}
	s := &Server{opts: opts, log: d.Logger, now: d.Now, gather: d.Gatherer, lingerOpts: defaultLinger, challenger: d.challenger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	base := s.log
	s.log = s.log.With("component", "server")
	if s.challenger == nil {
		s.challenger = func(m *registry.Model) shadow.Predictor { return m }
	}
	if s.now == nil {
		s.now = time.Now
	}
	// Each start-up phase is logged at debug level with how long it took,
	// so the start-up can be measured from outside (model-api-bench
	// -startup).
	began := time.Now()
	phase := func(name string) {
		now := time.Now()
		s.log.Debug("start-up phase", "phase", name, "took", now.Sub(began))
		began = now
	}
	var err error
	s.models, err = registry.New(registry.Options{Dir: opts.ModelDir, DriftWindow: opts.DriftWindow, Now: s.now})
	if err != nil {
		return nil, err
	}
	// The first load is most of a start with models: it runs while the
	// metrics, the app and the routes are built, and is installed once
	// they are. Nothing serves before NewServer returns.
	first := make(chan loadResult, 1)
	go func() { first <- s.load(ctx) }()
	s.summary = newSummary(s.now())
	s.metrics = newMetrics(d.Registerer, opts)
	if len(opts.ShadowModels) > 0 {
		s.shadow = shadow.New(d.Registerer, shadow.Options{
			Workers: opts.ShadowWorkers, QueueSize: opts.ShadowQueue, Sample: opts.ShadowSample, Logger: base,
		})
	}
	d.Registerer.MustRegister(
		newDriftCollector(s.snapshot, opts.DriftMinObservations),
		&compatCollector{sum: s.summary, prefix: s.dataset, loaded: s.loadedCount, now: s.now},
	)
	phase("metrics")
	s.app = fiber.New(fiber.Config{
		AppName:               "model-api",
		ErrorHandler:          s.errorHandler,
		BodyLimit:             opts.BodyLimit,
		ReadTimeout:           opts.ReadTimeout,
		WriteTimeout:          opts.WriteTimeout,
		IdleTimeout:           opts.IdleTimeout,
		DisableStartupMessage: true,
		StrictRouting:         false,
		CaseSensitive:         true,
		JSONEncoder:           json.Marshal,
	})
	s.app.Server().ErrorHandler = lingerOnBodyTooLarge(s.app.Server().ErrorHandler)
	s.app.Use(s.instrument)
	if len(opts.CORSOrigins) > 0 {
		s.app.Use(cors.New(cors.Config{
			AllowOrigins:     strings.Join(opts.CORSOrigins, ","),
			AllowMethods:     "GET,POST,HEAD,OPTIONS",
			AllowHeaders:     "Content-Type,Authorization,X-Request-ID",
			ExposeHeaders:    headerRequestID,
			AllowCredentials: false, // never, whatever the origins (the original allowed "*" with credentials)
		}))
	}
	if opts.MetricsAddr != "" {
		s.opsApp = fiber.New(fiber.Config{
			AppName:               "model-api metrics",
			ErrorHandler:          s.errorHandler,
			ReadTimeout:           opts.ReadTimeout,
			WriteTimeout:          opts.WriteTimeout,
			IdleTimeout:           opts.IdleTimeout,
			DisableStartupMessage: true,
			CaseSensitive:         true,
			JSONEncoder:           json.Marshal,
		})
		s.opsApp.Use(s.instrument)
	}
	for _, r := range s.routes() {
		app := s.app
		if s.opsApp != nil && operatorOnly(r.path) {
			app = s.opsApp
		}
		h := labelled(openapi.Path(r.path), r.handler)
		if r.method == fiber.MethodGet {
			app.Get(r.path, h) // also answers HEAD
		} else {
			app.Add(r.method, r.path, h)
		}
	}
	phase("routes")
	// An empty live set still serves the documentation.
	s.live.Store(s.newLive(nil))
	phase("empty set")
	loaded := <-first
	if loaded.err == nil {
		if err := s.checkShadowModels(loaded.snap); err != nil {
			if s.shadow != nil {
				_, _ = s.shadow.Stop(ctx)
			}
			return nil, err
		}
	}
	if _, err := s.install(loaded); err != nil {
		s.log.Error("initial model load failed; serving not ready until a reload succeeds", "err", err, "dir", opts.ModelDir)
	}
	phase("models")
	return s, nil
}

// App returns the Fiber app.
func (s *Server) App() *fiber.App { return s.app }

// Reload loads the model directory again and swaps the new set in if it
// loads completely; otherwise the current set keeps serving. Either way the
// result is logged and counted.
func (s *Server) Reload(ctx context.Context) (*registry.Snapshot, error) {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	return s.install(s.load(ctx))
}

// loadResult is a load of the model directory, timed.
type loadResult struct {
	snap           *registry.Snapshot
	err            error
	began, decoded time.Time
}

// load reads, decodes and checks the model directory without serving it.
func (s *Server) load(ctx context.Context) loadResult {
	began := time.Now()
	snap, err := s.models.Reload(ctx)
	return loadResult{snap: snap, err: err, began: began, decoded: time.Now()}
}

// install serves a successful load and counts and logs either outcome.
// The caller holds reloadMu, or is NewServer, before anything serves.
func (s *Server) install(r loadResult) (*registry.Snapshot, error) {
	installing := time.Now()
	snap, err := r.snap, r.err
	if err != nil {
		s.metrics.reloads.WithLabelValues(telemetry.ResultFailure).Inc()
		s.log.Error("model reload failed; previous models keep serving", "err", err, "dir", s.opts.ModelDir, "decode", r.decoded.Sub(r.began))
		return nil, fmt.Errorf("%w: %w", ErrReloadFailed, err)
	}
	s.live.Store(s.newLive(snap))
	s.metrics.installed(snap)
	s.metrics.reloads.WithLabelValues(telemetry.ResultSuccess).Inc()
	s.metrics.lastReload.Set(float64(s.now().UnixNano()) / 1e9)
	s.updateReady()
	s.log.Info("models loaded", "models", snap.Names(), "champion", snap.Champion.Name, "default", snap.Default.Name, "dir", s.opts.ModelDir,
		"decode", r.decoded.Sub(r.began), "install", time.Since(installing))
	return snap, nil
}

// Serve serves on ln until ctx is done, then drains and shuts down: /readyz
// turns 503 at once, requests keep being served for DrainDelay, then the
// listener closes and in-flight requests get up to ShutdownTimeout to finish.
// With Options.MetricsAddr set, use ServeWithMetrics.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return s.ServeWithMetrics(ctx, ln, nil)
}

// ServeWithMetrics is Serve with the second listener Options.MetricsAddr
// asks for: metrics serves /metrics and /admin/*, and must be nil exactly
// when MetricsAddr is empty.
func (s *Server) ServeWithMetrics(ctx context.Context, ln, metrics net.Listener) error {
	if (metrics != nil) != (s.opsApp != nil) {
		return fmt.Errorf("serve: a metrics listener is needed exactly when Options.MetricsAddr is set (it is %q)", s.opts.MetricsAddr)
	}
	ll := newLingerListener(ln, s.lingerOpts)
	s.lingering.Store(ll)
	errc := make(chan error, 2)
	go func() { errc <- s.app.Listener(ll) }()
	listeners := 1
	if metrics != nil {
		listeners++
		go func() { errc <- s.opsApp.Listener(metrics) }()
		s.log.Info("listening", "addr", ln.Addr().String(), "metrics_addr", metrics.Addr().String())
	} else {
		s.log.Info("listening", "addr", ln.Addr().String())
	}
	select {
	case err := <-errc:
		listeners--
		_ = s.Stop(context.WithoutCancel(ctx)) // the other listener too
		errs := []error{err}
		for ; listeners > 0; listeners-- {
			errs = append(errs, <-errc)
		}
		return fmt.Errorf("serve: %w", errors.Join(errs...))
	case <-ctx.Done():
	}
	s.log.Info("stopping", "drain_delay", s.opts.DrainDelay.String())
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.DrainDelay+s.opts.ShutdownTimeout)
	defer cancel()
	if err := s.Stop(stopCtx); err != nil {
		return err
	}
	var errs []error
	for ; listeners > 0; listeners-- {
		if err := <-errc; err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// Run listens on Options.Addr (and Options.MetricsAddr when set) and serves
// until ctx is done (see Serve).
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.opts.Addr, err)
	}
	var metrics net.Listener
	if s.opts.MetricsAddr != "" {
		if metrics, err = net.Listen("tcp", s.opts.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s for metrics: %w", s.opts.MetricsAddr, err)
		}
	}
	return s.ServeWithMetrics(ctx, ln, metrics)
}

// Stop drains (see Serve) and shuts the server down, waiting for in-flight
// requests until ctx is done. Only the first call does anything.
func (s *Server) Stop(ctx context.Context) error {
	var err error
	s.stopOnce.Do(func() {
		s.draining.Store(true)
		s.updateReady()
		if s.opts.DrainDelay > 0 {
			select {
			case <-time.After(s.opts.DrainDelay):
			case <-ctx.Done():
			}
		}
		sctx, cancel := context.WithTimeout(ctx, s.opts.ShutdownTimeout)
		defer cancel()
		if e := s.app.ShutdownWithContext(sctx); e != nil {
			err = fmt.Errorf("shutdown: %w", e)
		}
		if s.opsApp != nil {
			if e := s.opsApp.ShutdownWithContext(sctx); e != nil && err == nil {
				err = fmt.Errorf("shutdown metrics listener: %w", e)
			}
		}
		if ll := s.lingering.Load(); ll != nil {
			ll.stop()
		}
		// No request submits any more: score what is queued, within
		// the same deadline (the scorer counts what it drops).
		if s.shadow != nil {
			_, _ = s.shadow.Stop(sctx)
		}
	})
	return err
}

func (s *Server) updateReady() {
	if s.ready() {
		s.metrics.ready.Set(1)
	} else {
		s.metrics.ready.Set(0)
	}
}

// ready reports whether the default model is loaded and the server is not
// draining.
func (s *Server) ready() bool {
	l := s.live.Load()
	return l != nil && l.snap != nil && !s.draining.Load()
}

// snapshot returns the serving snapshot, nil before the first load.
func (s *Server) snapshot() *registry.Snapshot {
	if l := s.live.Load(); l != nil {
		return l.snap
	}
	return nil
}

// dataset returns the compatibility metric prefix: the data set's name.
func (s *Server) dataset() string {
	if snap := s.snapshot(); snap != nil && snap.Dataset != "" {
		return snap.Dataset
	}
	return telemetry.DefaultCompatPrefix
}

func (s *Server) loadedCount() int {
	if snap := s.snapshot(); snap != nil {
		return len(snap.Models)
	}
	return 0
}
