package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/mlopsgo/mlops/app/internal/server"
	"github.com/mlopsgo/mlops/app/internal/version"
)

// config is everything main reads from flags and the environment.
type config struct {
	opts server.Options
	host string
	port int
	// metricsPort, when not 0, moves /metrics and /admin/* to their own
	// listener (server.Options.MetricsAddr).
	metricsPort int
	cors        string
	// shadowModels is -shadow-models, comma-separated
	// (server.Options.ShadowModels).
	shadowModels string
	logLevel     slog.Level
	logFormat    logFormat
	// invalid is the usage error naming the flag or variable that set an
	// Options field, for errors found after parsing (NewServer's).
	invalid func(field, want string) error
}

// defineFlags defines every flag on fs, bound to cfg, whose fields hold the
// defaults. Adding a flag is one line here; its environment variable is
// derived from its name.
func defineFlags(fs *flags, cfg *config) {
	o := &cfg.opts
	fs.string(&cfg.host, "host", "", "address to listen on; empty means all interfaces")
	fs.port(&cfg.port, "port", "Addr", "port to listen on; 0 picks a free one")
	fs.port(&cfg.metricsPort, "metrics-port", "MetricsAddr", "port that alone serves /metrics and /admin/*; 0 keeps them on -port")
	fs.string(&o.ModelDir, "model-dir", "ModelDir", "directory holding index.json and the bundles")
	fs.text(&cfg.logLevel, "log-level", "level", "debug, info, warn or error", "debug logs every request")
	fs.text(&cfg.logFormat, "log-format", "format", "json or text", "log line format")
	fs.string(&cfg.cors, "cors-origins", "CORSOrigins", "comma-separated origins (scheme://host[:port]) allowed to call from browsers, or *; credentials are never allowed")
	fs.int(&o.BodyLimit, "body-limit", "BodyLimit", "largest request body in bytes")
	fs.int(&o.MaxBatch, "max-batch", "MaxBatch", "most rows in one request")
	fs.duration(&o.ReadTimeout, "read-timeout", "ReadTimeout", "connection read timeout")
	fs.duration(&o.WriteTimeout, "write-timeout", "WriteTimeout", "connection write timeout")
	fs.duration(&o.IdleTimeout, "idle-timeout", "IdleTimeout", "keep-alive idle timeout")
	fs.duration(&o.DrainDelay, "drain-delay", "DrainDelay", "how long to keep serving after SIGTERM with /readyz at 503")
	fs.duration(&o.ShutdownTimeout, "shutdown-timeout", "ShutdownTimeout", "how long in-flight requests may take to finish on stop")
	fs.int(&o.DriftWindow, "drift-window", "DriftWindow", "recent inputs per model the drift scores cover")
	fs.string(&cfg.shadowModels, "shadow-models", "ShadowModels", "comma-separated challengers (index.json role challenger) to score in shadow on served requests, off the request path")
	fs.fraction(&o.ShadowSample, "shadow-sample", "ShadowSample", "fraction of prediction requests scored in shadow")
	fs.int(&o.ShadowQueue, "shadow-queue", "ShadowQueue", "requests waiting for shadow scoring before new ones are dropped (and counted)")
	fs.int(&o.ShadowWorkers, "shadow-workers", "ShadowWorkers", "goroutines scoring in shadow")
}

// defaults returns the configuration before flags and environment.
func defaults() config {
	return config{opts: server.DefaultOptions(), port: 8080, logLevel: slog.LevelInfo, logFormat: "json"}
}

// parseConfig reads the flags in args, then, for each flag not given there,
// its environment variable through getenv, parsed exactly as the flag
// would be, and validates the result with [server.Options.Validate]. A bad
// value gives an error naming the flag or variable and what it accepts.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	cfg := defaults()
	fs := newFlags(stderr)
	defineFlags(fs, &cfg)
	if err := fs.parse(args, getenv); err != nil {
		return config{}, err
	}
	cfg.opts.Addr = net.JoinHostPort(cfg.host, strconv.Itoa(cfg.port))
	if cfg.metricsPort != 0 {
		cfg.opts.MetricsAddr = net.JoinHostPort(cfg.host, strconv.Itoa(cfg.metricsPort))
	}
	cfg.opts.AdminToken = getenv("ADMIN_TOKEN")
	cfg.opts.Version, cfg.opts.Revision = version.Version, version.Revision
	cfg.opts.CORSOrigins = splitList(cfg.cors)
	cfg.opts.ShadowModels = splitList(cfg.shadowModels)
	cfg.invalid = fs.invalid
	if err := cfg.opts.Validate(); err != nil {
		return config{}, cfg.usageError(err)
	}
	return cfg, nil
}

// usageError words an *server.OptionError (from Validate or NewServer) as
// a usage error naming the flag or variable it came from; other errors
// are returned as they are.
func (c config) usageError(err error) error {
	var oe *server.OptionError
	if !errors.As(err, &oe) || c.invalid == nil {
		return err
	}
	return c.invalid(oe.Field, oe.Want)
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// flags is a flag set whose flags fall back to environment variables and
// whose errors say what each flag accepts.
type flags struct {
	fs      *flag.FlagSet
	values  []*value          // in definition order, for -help
	byField map[string]*value // server.Options field -> the flag that fills it
	usage   func()
}

// value wraps a flag's value with what errors and -help show about it.
type value struct {
	flag.Value
	name    string
	typ     string // for -help, e.g. "duration"
	want    string // the accepted values, e.g. "a duration such as 10s"
	fromEnv string // the raw value when it came from the environment
}

// Set parses s with the wrapped value and says what is accepted on error.
func (v *value) Set(s string) error {
	if err := v.Value.Set(s); err != nil {
		return errors.New("want " + v.want)
	}
	return nil
}

// String returns the wrapped value's text; a nil *value has none.
func (v *value) String() string {
	if v == nil || v.Value == nil {
		return ""
	}
	return v.Value.String()
}

// env returns the environment variable of the flag name: "model-dir" gives
// MODEL_DIR.
func env(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

func newFlags(stderr io.Writer) *flags {
	f := &flags{fs: flag.NewFlagSet("model-api", flag.ContinueOnError), byField: map[string]*value{}}
	// Errors are printed once, by run; only -help prints the usage.
	f.fs.SetOutput(io.Discard)
	f.fs.Usage = func() {}
	f.usage = func() {
		fmt.Fprint(stderr, "Usage: model-api [flags]\n\n"+
			"Each flag falls back to the environment variable shown; a flag on the command line wins.\n"+
			"ADMIN_TOKEN (environment only) enables POST /admin/reload.\n\n")
		for _, v := range f.values {
			fl := f.fs.Lookup(v.name)
			fmt.Fprintf(stderr, "  -%s %s (env %s)\n    \t%s", v.name, v.typ, env(v.name), fl.Usage)
			if v.want != "" {
				fmt.Fprintf(stderr, ": %s", v.want)
			}
			if fl.DefValue != "" {
				fmt.Fprintf(stderr, " (default %s)", fl.DefValue)
			}
			fmt.Fprintln(stderr)
		}
	}
	return f
}

// add wraps the flag just defined as name; field is the server.Options
// field it fills, if any, so Validate's errors name the flag.
func (f *flags) add(name, field, typ, want string) {
	fl := f.fs.Lookup(name)
	v := &value{Value: fl.Value, name: name, typ: typ, want: want}
	fl.Value = v
	f.values = append(f.values, v)
	if field != "" {
		f.byField[field] = v
	}
}

func (f *flags) string(p *string, name, field, usage string) {
	f.fs.StringVar(p, name, *p, usage)
	f.add(name, field, "string", "")
}

func (f *flags) int(p *int, name, field, usage string) {
	f.fs.IntVar(p, name, *p, usage)
	f.add(name, field, "int", "an integer >= 0 (0: the default)")
}

func (f *flags) port(p *int, name, field, usage string) {
	f.fs.IntVar(p, name, *p, usage)
	f.add(name, field, "int", "a port in 0..65535")
}

func (f *flags) duration(p *time.Duration, name, field, usage string) {
	f.fs.DurationVar(p, name, *p, usage)
	f.add(name, field, "duration", "a duration >= 0 such as 10s (0: the default)")
}

// wantFraction is what -shadow-sample accepts. 0 is refused, unlike the
// zero of counts and durations: a sample of none is SHADOW_MODELS unset.
const wantFraction = "a fraction in (0, 1] such as 0.1 (to score none, leave -shadow-models empty)"

// fraction defines a float flag accepting (0, 1].
func (f *flags) fraction(p *float64, name, field, usage string) {
	f.fs.Var((*fractionValue)(p), name, usage)
	f.add(name, field, "fraction", wantFraction)
}

type fractionValue float64

func (v *fractionValue) String() string { return strconv.FormatFloat(float64(*v), 'g', -1, 64) }

func (v *fractionValue) Set(s string) error {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(x > 0 && x <= 1) {
		return errors.New(wantFraction)
	}
	*v = fractionValue(x)
	return nil
}

// text defines a flag parsed by p's UnmarshalText, accepting want.
func (f *flags) text(p textValue, name, typ, want, usage string) {
	f.fs.TextVar(p, name, p, usage)
	f.add(name, "", typ, want)
}

type textValue interface {
	MarshalText() ([]byte, error)
	UnmarshalText([]byte) error
}

// parse parses args, then sets each flag args did not give from its
// environment variable, in definition order.
func (f *flags) parse(args []string, getenv func(string) string) error {
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.usage()
		}
		return err
	}
	if f.fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: model-api takes flags only", f.fs.Args())
	}
	given := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	for _, v := range f.values {
		raw := getenv(env(v.name))
		if given[v.name] || raw == "" {
			continue
		}
		v.fromEnv = raw
		if err := f.fs.Set(v.name, raw); err != nil {
			return fmt.Errorf("invalid value %q for %s (env of -%s): %w", raw, env(v.name), v.name, err)
		}
	}
	return nil
}

// invalid is the usage error for a value of field that parsed but that
// Validate rejected, naming the flag or the variable it came from.
func (f *flags) invalid(field, want string) error {
	v, ok := f.byField[field]
	if !ok {
		return fmt.Errorf("server.Options.%s: want %s", field, want)
	}
	if v.fromEnv != "" {
		return fmt.Errorf("invalid value %q for %s (env of -%s): want %s", v.fromEnv, env(v.name), v.name, want)
	}
	return fmt.Errorf("invalid value %q for flag -%s: want %s", v.String(), v.name, want)
}

// logFormat is the -log-format value.
type logFormat string

func (l logFormat) MarshalText() ([]byte, error) { return []byte(l), nil }

func (l *logFormat) UnmarshalText(b []byte) error {
	switch s := logFormat(b); s {
	case "json", "text":
		*l = s
		return nil
	}
	return fmt.Errorf("log format %q: want json or text", b)
}
