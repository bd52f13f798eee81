package promserver

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/testsupport/procrun"
)

// Options says how to run Prometheus.
type Options struct {
	// Bin is the prometheus program. Optional. Default: the path in
	// $PROMETHEUS, which the make e2e targets set.
	Bin string
	// Config is its configuration.
	Config Config
	// Files are written beside the configuration file, by name: the rule
	// files Config.RuleFiles names. Optional.
	Files map[string][]byte
}

// Server is a running Prometheus, queried through its HTTP API. Its
// methods are safe for concurrent use.
type Server struct {
	url    string
	client *http.Client
}

// Start runs Prometheus on a free loopback address with o's configuration
// and its storage in a temporary folder, and returns once /-/ready answers.
// It stops when the test ends; if the test failed, its configuration and
// the end of its log go to the test log.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	bin := o.Bin
	if bin == "" {
		bin = procrun.Program(t, "PROMETHEUS", "install the Debian package prometheus (make e2e-deps)")
	}
	dir := t.TempDir()
	config := o.Config.YAML()
	files := map[string][]byte{"prometheus.yml": config}
	for name, b := range o.Files {
		files[name] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatalf("promserver: %v", err)
		}
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("prometheus.yml:\n%s", config)
		}
	})
	addr := procrun.FreeAddr(t)
	s := &Server{url: "http://" + addr, client: &http.Client{Timeout: 30 * time.Second}}
	procrun.Start(t, procrun.Spec{
		Path: bin,
		Args: []string{
			"--config.file=" + filepath.Join(dir, "prometheus.yml"),
			"--storage.tsdb.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr,
			"--log.level=warn",
		},
		Ready: procrun.HTTPReady(s.url + "/-/ready"),
	})
	return s
}

// URL is the server's base URL, "http://127.0.0.1:port".
func (s *Server) URL() string { return s.url }
