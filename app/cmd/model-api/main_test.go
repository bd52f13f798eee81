package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/app/internal/server"
)

// TestMain lets the test binary act as model-api when asked to, so tests
// can start the real program (flags, env, signals) as a child process.
func TestMain(m *testing.M) {
	if os.Getenv("MODEL_API_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Getenv, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestParseConfig(t *testing.T) {
	d := server.DefaultOptions()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, c config)
		wantErr string
	}{
		{name: "defaults", check: func(t *testing.T, c config) {
			if c.opts.Addr != ":8080" || c.opts.ModelDir != "./models" || c.opts.AdminToken != "" || c.logFormat != "json" || c.opts.MaxBatch != d.MaxBatch {
				t.Errorf("defaults: %+v", c)
			}
		}},
		{name: "env", env: map[string]string{"PORT": "9000", "MODEL_DIR": "/m", "ADMIN_TOKEN": "t", "CORS_ORIGINS": "https://a.example, https://b.example", "MAX_BATCH": "7", "READ_TIMEOUT": "3s", "LOG_LEVEL": "debug", "HOST": "127.0.0.1"},
			check: func(t *testing.T, c config) {
				o := c.opts
				if o.Addr != "127.0.0.1:9000" || o.ModelDir != "/m" || o.AdminToken != "t" || o.MaxBatch != 7 || o.ReadTimeout != 3*time.Second ||
					len(o.CORSOrigins) != 2 || o.CORSOrigins[1] != "https://b.example" || c.logLevel.String() != "DEBUG" {
					t.Errorf("from env: %+v", c)
				}
			}},
		{name: "flags beat env", args: []string{"-port", "9100", "-model-dir", "/flag"}, env: map[string]string{"PORT": "9000", "MODEL_DIR": "/env"},
			check: func(t *testing.T, c config) {
				if c.opts.Addr != ":9100" || c.opts.ModelDir != "/flag" {
					t.Errorf("flags: %+v", c.opts)
				}
			}},
		{name: "bad port", args: []string{"-port", "http"}, wantErr: "-port"},
		{name: "bad batch", env: map[string]string{"MAX_BATCH": "0"}, wantErr: "-max-batch"},
		{name: "bad duration", args: []string{"-idle-timeout", "soon"}, wantErr: "-idle-timeout"},
		{name: "bad level", args: []string{"-log-level", "loud"}, wantErr: "-log-level"},
		{name: "bad format", args: []string{"-log-format", "xml"}, wantErr: "-log-format"},
		{name: "stray argument", args: []string{"serve"}, wantErr: "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestInvalidConfigExits2(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"-port", "x"}, func(string) string { return "" }, &stderr); code != 2 {
		t.Errorf("exit code %d, want 2 (stderr %s)", code, stderr.String())
	}
	if code := run([]string{"-help"}, func(string) string { return "" }, io.Discard); code != 0 {
		t.Errorf("-help exit code %d, want 0", code)
	}
}

// child is model-api running as a process.
type child struct {
	cmd  *exec.Cmd
	url  string
	logs *logLines
}

// logLines collects the child's JSON log lines.
type logLines struct {
	mu    sync.Mutex
	lines []map[string]any
}

func (l *logLines) has(msg string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if line["msg"] == msg {
			return true
		}
	}
	return false
}

// startChild runs this test binary as model-api on 127.0.0.1 with a port
// it picks (PORT=0) and waits for its "listening" log line.
func startChild(t *testing.T, dir string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), append([]string{"MODEL_API_AS_MAIN=1", "HOST=127.0.0.1", "PORT=0", "MODEL_DIR=" + dir, "LOG_LEVEL=debug"}, env...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, logs: &logLines{}}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			c.logs.mu.Lock()
			c.logs.lines = append(c.logs.lines, line)
			c.logs.mu.Unlock()
			if line["msg"] == "listening" {
				addr <- line["addr"].(string)
			}
		}
	}()
	select {
	case a := <-addr:
		c.url = "http://" + a
	case <-time.After(10 * time.Second):
		t.Fatal("model-api did not log its address")
	}
	return c
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestProcessSignals runs the real program: SIGHUP reloads a changed model
// directory, SIGTERM during a burst of requests lets every one finish and
// exits 0.
func TestProcessSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("starts model-api as a process")
	}
	dir := t.TempDir()
	modeltest.WriteSet(t, dir, "logistic_regression")
	c := startChild(t, dir, "DRAIN_DELAY=2s")

	if code, body := getBody(t, c.url+"/models"); code != 200 || !strings.Contains(body, `"champion":"logistic_regression"`) {
		t.Fatalf("/models: %d %s", code, body)
	}
	// Retrain with another champion, then SIGHUP.
	modeltest.WriteSet(t, dir, "decision_tree", "decision_tree", "svm")
	if err := c.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body := getBody(t, c.url+"/models")
		if strings.Contains(body, `"champion":"decision_tree"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reload: /models is %s", body)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A burst on four connections; SIGTERM once it is under way.
	const workers, perWorker = 4, 50
	var wg sync.WaitGroup
	errs := make(chan string, workers*perWorker)
	started := make(chan struct{}, workers)
	body := `{"features":{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}}`
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := range perWorker {
				resp, err := client.Post(c.url+"/predict", "application/json", strings.NewReader(body))
				if i == 0 {
					started <- struct{}{}
				}
				if err != nil {
					errs <- err.Error()
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- resp.Status + " " + string(b)
				}
			}
		}()
	}
	for range workers {
		<-started
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error("request during shutdown failed:", e)
	}
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("model-api exited with %v, want 0", err)
	}
	for _, msg := range []string{"models loaded", "stopping", "stopped", "request"} {
		if !c.logs.has(msg) {
			t.Errorf("no %q log line", msg)
		}
	}
	// Request logs are JSON and carry the request id.
	c.logs.mu.Lock()
	defer c.logs.mu.Unlock()
	for _, line := range c.logs.lines {
		if line["msg"] == "request" {
			if id, _ := line["request_id"].(string); id == "" {
				t.Errorf("request log without a request id: %v", line)
			}
			break
		}
	}
}

// TestProcessWithoutModels starts on an empty directory: up, not ready, and
// ready after the models appear and SIGHUP.
func TestProcessWithoutModels(t *testing.T) {
	if testing.Short() {
		t.Skip("starts model-api as a process")
	}
	dir := t.TempDir()
	c := startChild(t, dir)
	if code, _ := getBody(t, c.url+"/readyz"); code != 503 {
		t.Fatalf("/readyz without models: %d, want 503", code)
	}
	modeltest.WriteSet(t, filepath.Clean(dir), "random_forest", "random_forest")
	if err := c.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if code, _ := getBody(t, c.url+"/readyz"); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not ready after the models appeared and SIGHUP")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
}
