package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/gitops/internal/render"
)

// chartDir is the chart, relative to this package.
const chartDir = "../charts/model-api"

// requireE2E skips unless MLOPS_E2E=1 (and always under -short).
func requireE2E(t *testing.T) {
	t.Helper()
	if testing.Short() || os.Getenv("MLOPS_E2E") != "1" {
		t.Skip("end-to-end check: run with MLOPS_E2E=1 (make e2e-gitops)")
	}
}

// program returns the path in the environment variable name, failing the
// test when it is unset or missing.
func program(t *testing.T, name, hint string) string {
	t.Helper()
	p := os.Getenv(name)
	if p == "" {
		t.Fatalf("%s is not set; %s", name, hint)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s=%s: %v; %s", name, p, err, hint)
	}
	return p
}

// run runs a program and returns its combined output, failing the test
// when it exits non-zero.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// renderChart renders the chart with the Go SDK.
func renderChart(t *testing.T, o render.Options) *render.Manifest {
	t.Helper()
	o.ChartDir = chartDir
	for i, f := range o.ValueFiles {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		o.ValueFiles[i] = abs
	}
	m, err := render.Render(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// freePort returns a loopback address free at the time of the call.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// modelAPI is a model-api process listening on a fixed loopback address,
// so a restart keeps its scrape target.
type modelAPI struct {
	addr string
	env  []string
	cmd  *exec.Cmd
	done chan struct{}
	log  syncBuffer
}

// syncBuffer is a bytes.Buffer safe to write from the exec package's copying
// goroutines while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startModelAPI runs MODEL_API_BIN on addr with the given environment
// (MODEL_DIR defaults to MODELS_DIR) and waits until it answers /healthz.
// It stops with the test.
func startModelAPI(t *testing.T, addr string, env ...string) *modelAPI {
	t.Helper()
	m := &modelAPI{addr: addr, env: env}
	m.start(t)
	t.Cleanup(func() {
		m.stop(t)
		if t.Failed() {
			t.Logf("model-api %s log (tail):\n%s", addr, tail(m.log.String(), 20))
		}
	})
	return m
}

func (m *modelAPI) start(t *testing.T) {
	t.Helper()
	bin := program(t, "MODEL_API_BIN", "make e2e-gitops builds it")
	host, port, _ := net.SplitHostPort(m.addr)
	m.cmd = exec.Command(bin)
	m.cmd.Env = append(os.Environ(), "HOST="+host, "PORT="+port, "MODEL_DIR="+program(t, "MODELS_DIR", "make e2e-gitops trains them"), "LOG_LEVEL=info")
	m.cmd.Env = append(m.cmd.Env, m.env...)
	m.cmd.Stdout, m.cmd.Stderr = &m.log, &m.log
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(m.cmd, m.done)
	deadline := time.Now().Add(15 * time.Second)
	for {
		if code, _ := get(m.url() + "/healthz"); code == http.StatusOK {
			return
		}
		select {
		case <-m.done:
			t.Fatalf("model-api on %s exited:\n%s", m.addr, m.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("model-api on %s does not answer /healthz:\n%s", m.addr, m.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for the process (killing it after 10s).
func (m *modelAPI) stop(t *testing.T) {
	t.Helper()
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Signal(os.Interrupt)
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
	m.cmd = nil
}

func (m *modelAPI) url() string { return "http://" + m.addr }

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func get(u string) (int, []byte) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// postCtx posts a JSON body and returns the status code, 0 when there was
// no answer; it is safe to call from any goroutine.
func postCtx(ctx context.Context, u string, body any, headers ...string) int {
	b, err := json.Marshal(body)
	if err != nil {
		return 0
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// prometheus is a running Prometheus.
type prometheus struct {
	url string
}

// startPrometheus runs PROMETHEUS with the configuration and rule files
// (name -> content) in a temporary folder, and waits until it is ready.
func startPrometheus(t *testing.T, config string, rules map[string][]byte) *prometheus {
	t.Helper()
	bin := program(t, "PROMETHEUS", "install the Debian package prometheus (make e2e-deps)")
	dir := t.TempDir()
	for name, b := range rules {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	cmd := exec.Command(bin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("prometheus log:\n%s", log.String())
		}
	})
	p := &prometheus{url: "http://" + addr}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _ := get(p.url + "/-/ready"); code == http.StatusOK {
			return p
		}
		select {
		case <-done:
			t.Fatalf("prometheus exited:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus is not ready:\n%s", log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// apiGet decodes the data of a Prometheus HTTP API answer.
func (p *prometheus) apiGet(path string, data any) error {
	code, body := get(p.url + path)
	var out struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return fmt.Errorf("GET %s: %d %s", path, code, body)
	}
	if out.Status != "success" {
		return fmt.Errorf("GET %s: %s", path, out.Error)
	}
	return json.Unmarshal(out.Data, data)
}

// sample is one series of an instant query's answer.
type sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// query runs an instant query.
func (p *prometheus) query(q string) ([]sample, error) {
	var data struct {
		Result []sample `json:"result"`
	}
	err := p.apiGet("/api/v1/query?query="+url.QueryEscape(q), &data)
	return data.Result, err
}

// alert is one active alert from /api/v1/alerts.
type alert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	State       string            `json:"state"`
	Value       string            `json:"value"`
}

// alerts returns the pending and firing alerts.
func (p *prometheus) alerts() ([]alert, error) {
	var data struct {
		Alerts []alert `json:"alerts"`
	}
	err := p.apiGet("/api/v1/alerts", &data)
	return data.Alerts, err
}

// waitFor polls cond every 250ms until it returns true or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// readCSV returns the rows of a numeric CSV with a header, as maps from
// column to value, leaving out non-numeric columns (the label).
func readCSV(t *testing.T, path string) []map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var header []string
	var rows []map[string]float64
	for sc.Scan() {
		cells := strings.Split(strings.TrimSpace(sc.Text()), ",")
		if header == nil {
			header = cells
			continue
		}
		row := map[string]float64{}
		for i, c := range cells {
			var v float64
			if _, err := fmt.Sscan(c, &v); err == nil && i < len(header) {
				row[header[i]] = v
			}
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}
