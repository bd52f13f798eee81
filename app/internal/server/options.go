package server

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mlopsgo/mlops/app/internal/shadow"
	"github.com/mlopsgo/mlops/training/model"
)

// Options configures the server. The zero value of each field means its
// default; [DefaultOptions] spells them out.
type Options struct {
	// Addr is the TCP address to listen on. Optional. Default: ":8080".
	Addr string
	// MetricsAddr, when set, is a second TCP address that alone serves
	// /metrics and /admin/*, so a load balancer can publish Addr without
	// them and a network policy can admit only Prometheus to this one.
	// Optional. Default: "" (both stay on Addr, as the original had them).
	MetricsAddr string
	// ModelDir is the directory holding index.json and the bundles.
	// Required.
	ModelDir string
	// AdminToken enables POST /admin/reload for requests bearing it.
	// Optional. Default: "" (the endpoint answers 403).
	AdminToken string
	// CORSOrigins lists the origins (scheme://host[:port]) allowed to call
	// the API from a browser; "*" allows any. Credentials are never
	// allowed. Optional. Default: none (no CORS headers).
	CORSOrigins []string
	// BodyLimit is the largest request body in bytes. Optional.
	// Default: 1 MiB.
	BodyLimit int
	// MaxBatch is the most rows one request may hold. Optional.
	// Default: 1000.
	MaxBatch int
	// ReadTimeout, WriteTimeout and IdleTimeout bound a connection's
	// reads, writes and keep-alive idleness. Optional. Defaults: 10s, 10s,
	// 60s.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// DrainDelay is how long the server keeps serving after a stop signal
	// while /readyz already answers 503, so load balancers stop sending
	// traffic first. Optional. Default: 0 (stop at once). Set it to a few
	// seconds behind a Kubernetes Service.
	DrainDelay time.Duration
	// ShutdownTimeout bounds how long in-flight requests may take to
	// finish once the server stops accepting. Optional. Default: 10s.
	ShutdownTimeout time.Duration
	// DriftWindow is how many recent inputs per model the drift scores
	// cover. Optional. Default: 1000.
	DriftWindow int
	// DriftMinObservations is how many inputs a window needs before its
	// scores are exported. Optional. Default: 30.
	DriftMinObservations int
	// ShadowModels names challengers (models the index marks challenger)
	// to score in shadow: on a sample of the requests the prediction
	// endpoints serve, after the answer is built and off the request's
	// path, each is compared with the model that served the request (see
	// package shadow). A name that is not a challenger of the first model
	// set loaded fails NewServer. Optional. Default: none.
	ShadowModels []string
	// ShadowSample is the fraction of prediction requests scored in
	// shadow, in (0, 1]. Optional. Default: 1 (every request).
	ShadowSample float64
	// ShadowQueue is how many requests wait for shadow scoring before new
	// ones are dropped (and counted). Optional. Default: 1024.
	ShadowQueue int
	// ShadowWorkers is how many goroutines score in shadow. Optional.
	// Default: 1.
	ShadowWorkers int
	// Version and Revision label model_api_build_info and the server
	// metadata. Optional. Defaults: "dev", "unknown".
	Version, Revision string
}

// DefaultOptions returns the defaults, with ModelDir "./models".
func DefaultOptions() Options {
	return Options{
		Addr:                 ":8080",
		ModelDir:             "./models",
		BodyLimit:            1 << 20,
		MaxBatch:             1000,
		ReadTimeout:          10 * time.Second,
		WriteTimeout:         10 * time.Second,
		IdleTimeout:          60 * time.Second,
		ShutdownTimeout:      10 * time.Second,
		DriftWindow:          1000,
		DriftMinObservations: 30,
		ShadowSample:         shadow.DefaultSample,
		ShadowQueue:          shadow.DefaultQueueSize,
		ShadowWorkers:        shadow.DefaultWorkers,
		Version:              "dev",
		Revision:             "unknown",
	}
}

// withDefaults fills zero fields from DefaultOptions, except ModelDir.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.Addr == "" {
		o.Addr = d.Addr
	}
	if o.BodyLimit == 0 {
		o.BodyLimit = d.BodyLimit
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = d.MaxBatch
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = d.ReadTimeout
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = d.WriteTimeout
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = d.IdleTimeout
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = d.ShutdownTimeout
	}
	if o.DriftWindow == 0 {
		o.DriftWindow = d.DriftWindow
	}
	if o.DriftMinObservations == 0 {
		o.DriftMinObservations = d.DriftMinObservations
	}
	if o.ShadowSample == 0 {
		o.ShadowSample = d.ShadowSample
	}
	if o.ShadowQueue == 0 {
		o.ShadowQueue = d.ShadowQueue
	}
	if o.ShadowWorkers == 0 {
		o.ShadowWorkers = d.ShadowWorkers
	}
	if o.Version == "" {
		o.Version = d.Version
	}
	if o.Revision == "" {
		o.Revision = d.Revision
	}
	return o
}

// Validate checks the options, fields in declaration order, and returns an
// *OptionError for the first invalid one, so the same bad input always gives
// the same error. Zero values are valid: they mean the default. NewServer
// calls it; a caller that builds Options from flags may call it first to
// report a usage error.
func (o Options) Validate() error {
	addrWant := addrProblem(o.Addr)
	metricsWant := addrProblem(o.MetricsAddr)
	if metricsWant == "" && o.MetricsAddr != "" && samePort(o.Addr, o.MetricsAddr) {
		metricsWant = "a port other than Addr's"
	}
	badOrigin := ""
	for _, origin := range o.CORSOrigins {
		if !validOrigin(origin) {
			badOrigin = origin
			break
		}
	}
	shadowWant, badShadow := shadowModelsProblem(o.ShadowModels)
	for _, c := range []struct {
		field string
		bad   bool
		value any
		want  string
	}{
		{"Addr", addrWant != "", o.Addr, addrWant},
		{"MetricsAddr", metricsWant != "", o.MetricsAddr, metricsWant},
		{"ModelDir", o.ModelDir == "", o.ModelDir, "a directory (required)"},
		{"CORSOrigins", badOrigin != "", badOrigin, "scheme://host[:port] or *"},
		{"BodyLimit", o.BodyLimit < 0, o.BodyLimit, wantCount},
		{"MaxBatch", o.MaxBatch < 0, o.MaxBatch, wantCount},
		{"ReadTimeout", o.ReadTimeout < 0, o.ReadTimeout, wantDuration},
		{"WriteTimeout", o.WriteTimeout < 0, o.WriteTimeout, wantDuration},
		{"IdleTimeout", o.IdleTimeout < 0, o.IdleTimeout, wantDuration},
		{"DrainDelay", o.DrainDelay < 0, o.DrainDelay, wantDuration},
		{"ShutdownTimeout", o.ShutdownTimeout < 0, o.ShutdownTimeout, wantDuration},
		{"DriftWindow", o.DriftWindow < 0, o.DriftWindow, wantCount},
		{"DriftMinObservations", o.DriftMinObservations < 0, o.DriftMinObservations, wantCount},
		{"ShadowModels", shadowWant != "", badShadow, shadowWant},
		{"ShadowSample", !(o.ShadowSample >= 0 && o.ShadowSample <= 1), o.ShadowSample, wantFraction},
		{"ShadowQueue", o.ShadowQueue < 0, o.ShadowQueue, wantCount},
		{"ShadowWorkers", o.ShadowWorkers < 0, o.ShadowWorkers, wantCount},
	} {
		if c.bad {
			return &OptionError{Field: c.field, Value: c.value, Want: c.want}
		}
	}
	return nil
}

// addrProblem returns what a valid Addr looks like when addr is not one,
// and "" when it is (or is empty: the default).
func addrProblem(addr string) string {
	if addr == "" {
		return ""
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "host:port"
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return "a port in 0..65535"
	}
	return ""
}

// samePort reports whether two addresses name the same non-zero port (0
// picks a free one, so two zeros differ).
func samePort(a, b string) bool {
	if a == "" {
		a = DefaultOptions().Addr
	}
	_, pa, errA := net.SplitHostPort(a)
	_, pb, errB := net.SplitHostPort(b)
	return errA == nil && errB == nil && pa == pb && pa != "0"
}

// What Validate accepts for counts, durations and fractions. Zero is
// accepted and means the default, as for every Options field.
const (
	wantCount    = "an integer >= 0 (0: the default)"
	wantDuration = "a duration >= 0 such as 10s (0: the default)"
	wantFraction = "a number in 0..1 such as 0.1 (0: the default, 1)"
)

// shadowModelsProblem returns what ShadowModels should hold and the
// offending name when a name is not a valid model name or is repeated, and
// "" when every name is valid. Whether each is a challenger is known only
// once the models are loaded.
func shadowModelsProblem(names []string) (want, bad string) {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if !model.ValidName(n) {
			return "model names (a lower-case letter, then lower-case letters, digits or _)", n
		}
		if seen[n] {
			return "each model once", n
		}
		seen[n] = true
	}
	return "", ""
}

// validOrigin accepts "*" or scheme://host[:port] with nothing after.
func validOrigin(origin string) bool {
	if origin == "*" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil && !strings.ContainsAny(origin, " ,")
}
