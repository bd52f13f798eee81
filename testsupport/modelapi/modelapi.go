// Package modelapi runs a built model-api binary for end-to-end checks,
// on a free loopback address over a models folder, and sends it requests.
// It runs the binary as a program and never imports the app module.
package modelapi

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// DefaultReadyPath is Options.ReadyPath's default.
const DefaultReadyPath = "/readyz"

// Options says how to run model-api.
type Options struct {
	// Bin is the model-api binary. Optional. Default: the path in
	// $MODEL_API_BIN, which the make e2e targets build and set.
	Bin string
	// ModelDir is the models folder it serves. Optional. Default: the path
	// in $MODELS_DIR, which the make e2e targets train and set.
	ModelDir string
	// Addr is the loopback host:port it listens on. Optional. Default: a
	// free one (procrun.FreeAddr).
	Addr string
	// Env is added after HOST, PORT, MODEL_DIR and LOG_LEVEL=info, so an
	// entry here overrides them. Optional.
	Env []string
	// ReadyPath is the path that answers 200 once it is up. Optional.
	// Default: DefaultReadyPath; "/healthz" for a server that is not
	// meant to become ready (no models).
	ReadyPath string
}

// Server is a running model-api. Stop, Restart and Signal are for the
// test's goroutine; Get and Post are safe for concurrent use.
type Server struct {
	addr   string
	proc   *procrun.Process
	client *http.Client
}

// Start runs model-api with o and returns once o.ReadyPath answers 200. It
// stops when the test ends; if the test failed, the end of its log goes to
// the test log.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	if o.Bin == "" {
		o.Bin = procrun.Program(t, "MODEL_API_BIN", "make e2e-app, e2e-dashboards and e2e-gitops build it")
	}
	if o.ModelDir == "" {
		o.ModelDir = procrun.Program(t, "MODELS_DIR", "make e2e-app, e2e-dashboards and e2e-gitops train it")
	}
	if o.Addr == "" {
		o.Addr = procrun.FreeAddr(t)
	}
	if o.ReadyPath == "" {
		o.ReadyPath = DefaultReadyPath
	}
	host, port, err := net.SplitHostPort(o.Addr)
	if err != nil {
		t.Fatalf("modelapi: Options.Addr %q: %v", o.Addr, err)
	}
	s := &Server{addr: o.Addr, client: &http.Client{Timeout: 30 * time.Second}}
	env := append([]string{"HOST=" + host, "PORT=" + port, "MODEL_DIR=" + o.ModelDir, "LOG_LEVEL=info"}, o.Env...)
	s.proc = procrun.Start(t, procrun.Spec{
		Path:  o.Bin,
		Env:   env,
		Ready: procrun.HTTPReady(s.URL() + o.ReadyPath),
	})
	return s
}

// Addr is the host:port it listens on: the scrape target.
func (s *Server) Addr() string { return s.addr }

// URL is its base URL, "http://127.0.0.1:port".
func (s *Server) URL() string { return "http://" + s.addr }

// Stop stops it (SIGTERM, then a kill).
func (s *Server) Stop() { s.proc.Stop() }

// Restart stops it and starts a new process on the same address, so
// Prometheus sees a restart of the same target.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.proc.Restart(t)
}

// Signal sends sig to the process (SIGHUP reloads the models).
func (s *Server) Signal(sig os.Signal) error { return s.proc.Signal(sig) }

// Get sends a GET of path and returns the status code and body; the code
// is 0 when there was no answer.
func (s *Server) Get(ctx context.Context, path string) (int, []byte) {
	return s.do(ctx, http.MethodGet, path, "", nil)
}

// Post sends body as JSON to path, with headers given as "Name: value",
// and returns the status code and body; the code is 0 when there was no
// answer.
func (s *Server) Post(ctx context.Context, path, body string, headers ...string) (int, []byte) {
	return s.do(ctx, http.MethodPost, path, body, headers)
}

func (s *Server) do(ctx context.Context, method, path, body string, headers []string) (int, []byte) {
	req, err := http.NewRequestWithContext(ctx, method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		return 0, nil
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil
	}
	return resp.StatusCode, b
}
