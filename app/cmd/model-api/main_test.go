package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// flagCases drives the configuration tests: every flag, a good value and
// what it sets, and bad values with what the error says is accepted.
var flagCases = []struct {
	flag string
	good string
	get  func(c config) string // the setting good should change
	want string                // get's result for good
	bad  []badValue
}{
	{"host", "127.0.0.1", func(c config) string { return c.opts.Addr }, "127.0.0.1:8080", nil},
	{"port", "9000", func(c config) string { return c.opts.Addr }, ":9000", []badValue{
		{"http", "a port in 0..65535"}, {"70000", "a port in 0..65535"}, {"-1", "a port in 0..65535"},
	}},
	{"metrics-port", "9091", func(c config) string { return c.opts.MetricsAddr }, ":9091", []badValue{
		{"prom", "a port in 0..65535"}, {"70000", "a port in 0..65535"}, {"8080", "a port other than Addr's"},
	}},
	{"model-dir", "/m", func(c config) string { return c.opts.ModelDir }, "/m", nil},
	{"log-level", "debug", func(c config) string { return c.logLevel.String() }, "DEBUG", []badValue{
		{"loud", "debug, info, warn or error"},
	}},
	{"log-format", "text", func(c config) string { return string(c.logFormat) }, "text", []badValue{
		{"xml", "json or text"},
	}},
	{"cors-origins", "https://a.example, https://b.example", func(c config) string { return strings.Join(c.opts.CORSOrigins, "|") }, "https://a.example|https://b.example", []badValue{
		{"a.example", "scheme://host[:port] or *"},
	}},
	{"body-limit", "2048", func(c config) string { return strconv.Itoa(c.opts.BodyLimit) }, "2048", []badValue{
		{"1MB", wantInt}, {"-1", wantInt},
	}},
	{"max-batch", "7", func(c config) string { return strconv.Itoa(c.opts.MaxBatch) }, "7", []badValue{
		{"many", wantInt}, {"-7", wantInt},
	}},
	{"read-timeout", "3s", func(c config) string { return c.opts.ReadTimeout.String() }, "3s", []badValue{
		{"soon", wantDuration}, {"10", wantDuration}, {"-1s", wantDuration},
	}},
	{"write-timeout", "4s", func(c config) string { return c.opts.WriteTimeout.String() }, "4s", []badValue{
		{"soon", wantDuration}, {"-4s", wantDuration},
	}},
	{"idle-timeout", "5s", func(c config) string { return c.opts.IdleTimeout.String() }, "5s", []badValue{
		{"soon", wantDuration}, {"-5s", wantDuration},
	}},
	{"drain-delay", "2s", func(c config) string { return c.opts.DrainDelay.String() }, "2s", []badValue{
		{"soon", wantDuration}, {"-2s", wantDuration},
	}},
	{"shutdown-timeout", "6s", func(c config) string { return c.opts.ShutdownTimeout.String() }, "6s", []badValue{
		{"soon", wantDuration}, {"-6s", wantDuration},
	}},
	{"drift-window", "50", func(c config) string { return strconv.Itoa(c.opts.DriftWindow) }, "50", []badValue{
		{"1e3", wantInt}, {"-50", wantInt},
	}},
	{"shadow-models", "xgboost, decision_tree", func(c config) string { return strings.Join(c.opts.ShadowModels, "|") }, "xgboost|decision_tree", []badValue{
		{"XGBoost", "model names (a lower-case letter, then lower-case letters, digits or _)"},
		{"svm,xgboost,svm", "each model once"},
	}},
	{"shadow-sample", "0.25", func(c config) string { return strconv.FormatFloat(c.opts.ShadowSample, 'g', -1, 64) }, "0.25", []badValue{
		{"0", wantFraction}, {"1.5", wantFraction}, {"-0.5", wantFraction}, {"half", wantFraction}, {"NaN", wantFraction},
	}},
	{"shadow-queue", "64", func(c config) string { return strconv.Itoa(c.opts.ShadowQueue) }, "64", []badValue{
		{"lots", wantInt}, {"-64", wantInt},
	}},
	{"shadow-workers", "3", func(c config) string { return strconv.Itoa(c.opts.ShadowWorkers) }, "3", []badValue{
		{"two", wantInt}, {"-3", wantInt},
	}},
}

type badValue struct{ value, want string }

const (
	wantInt      = "an integer >= 0 (0: the default)"
	wantDuration = "a duration >= 0 such as 10s (0: the default)"
)

func parse(t *testing.T, args []string, env map[string]string) (config, error) {
	t.Helper()
	return parseConfig(args, func(k string) string { return env[k] }, io.Discard)
}

func TestParseConfigDefaults(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := server.DefaultOptions()
	want.Version, want.Revision = c.opts.Version, c.opts.Revision
	if !reflect.DeepEqual(c.opts, want) || c.logLevel != slog.LevelInfo || c.logFormat != "json" {
		t.Errorf("defaults: got %+v, want %+v, level INFO, format json", c, want)
	}
}

func TestParseConfigFlags(t *testing.T) {
	for _, tt := range flagCases {
		envName := strings.ToUpper(strings.ReplaceAll(tt.flag, "-", "_"))
		for _, src := range []struct {
			name string
			args []string
			env  map[string]string
		}{
			{"flag", []string{"-" + tt.flag, tt.good}, nil},
			{"flag=", []string{"-" + tt.flag + "=" + tt.good}, nil},
			{"env", nil, map[string]string{envName: tt.good}},
			// A flag on the command line wins over its variable, even a
			// bad one.
			{"flag beats env", []string{"-" + tt.flag, tt.good}, map[string]string{envName: "bad:value"}},
		} {
			t.Run(tt.flag+"/"+src.name, func(t *testing.T) {
				c, err := parse(t, src.args, src.env)
				if err != nil {
					t.Fatalf("args %q env %v: %v", src.args, src.env, err)
				}
				if got := tt.get(c); got != tt.want {
					t.Errorf("args %q env %v: got %q, want %q", src.args, src.env, got, tt.want)
				}
			})
		}
		for _, bad := range tt.bad {
			t.Run(tt.flag+"/bad flag "+bad.value, func(t *testing.T) {
				_, err := parse(t, []string{"-" + tt.flag + "=" + bad.value}, nil)
				want := fmt.Sprintf("invalid value %q for flag -%s: want %s", bad.value, tt.flag, bad.want)
				if err == nil || err.Error() != want {
					t.Errorf("error %v, want %s", err, want)
				}
			})
			t.Run(tt.flag+"/bad env "+bad.value, func(t *testing.T) {
				_, err := parse(t, nil, map[string]string{envName: bad.value})
				want := fmt.Sprintf("invalid value %q for %s (env of -%s): want %s", bad.value, envName, tt.flag, bad.want)
				if err == nil || err.Error() != want {
					t.Errorf("error %v, want %s", err, want)
				}
			})
		}
	}
}

// TestFlagCasesCoverEveryFlag makes a new flag come with its row above.
func TestFlagCasesCoverEveryFlag(t *testing.T) {
	cfg := defaults()
	fs := newFlags(io.Discard)
	defineFlags(fs, &cfg)
	covered := map[string]bool{}
	for _, tt := range flagCases {
		covered[tt.flag] = true
	}
	fs.fs.VisitAll(func(f *flag.Flag) {
		if !covered[f.Name] {
			t.Errorf("flag -%s has no row in flagCases", f.Name)
		}
	})
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"empty model dir", []string{"-model-dir="}, nil, `invalid value "" for flag -model-dir: want a directory (required)`},
		{"unknown flag", []string{"-admin-token", "x"}, nil, "flag provided but not defined: -admin-token"},
		{"stray argument", []string{"serve"}, nil, `unexpected arguments ["serve"]: model-api takes flags only`},
		// Several bad values: the first in flag order is reported, every
		// time, whether they are parse errors or rejected by
		// server.Options.Validate.
		{"first bad variable", nil, map[string]string{"DRIFT_WINDOW": "x", "READ_TIMEOUT": "soon", "MAX_BATCH": "x", "LOG_FORMAT": "xml"},
			`invalid value "xml" for LOG_FORMAT (env of -log-format): want json or text`},
		{"first invalid variable", nil, map[string]string{"DRIFT_WINDOW": "-1", "SHUTDOWN_TIMEOUT": "-1s", "MAX_BATCH": "-1", "BODY_LIMIT": "-1"},
			`invalid value "-1" for BODY_LIMIT (env of -body-limit): want ` + wantInt},
		{"parse errors come first", []string{"-body-limit=-1"}, map[string]string{"DRIFT_WINDOW": "x"},
			`invalid value "x" for DRIFT_WINDOW (env of -drift-window): want ` + wantInt},
		{"flag error before env", []string{"-drift-window=x"}, map[string]string{"BODY_LIMIT": "x"},
			`invalid value "x" for flag -drift-window: want ` + wantInt},
		{"first bad shadow variable", nil, map[string]string{"SHADOW_WORKERS": "-1", "SHADOW_QUEUE": "-1", "SHADOW_MODELS": "Svm"},
			`invalid value "Svm" for SHADOW_MODELS (env of -shadow-models): want model names (a lower-case letter, then lower-case letters, digits or _)`},
		{"shadow sample parsed before validation", nil, map[string]string{"SHADOW_MODELS": "Svm", "SHADOW_SAMPLE": "0"},
			`invalid value "0" for SHADOW_SAMPLE (env of -shadow-sample): want ` + wantFraction},
		{"drift before shadow", nil, map[string]string{"SHADOW_QUEUE": "-1", "DRIFT_WINDOW": "-1"},
			`invalid value "-1" for DRIFT_WINDOW (env of -drift-window): want ` + wantInt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 10 {
				_, err := parse(t, tt.args, tt.env)
				if err == nil || err.Error() != tt.want {
					t.Fatalf("error %v, want %s", err, tt.want)
				}
			}
		})
	}
}

func TestAdminTokenFromEnvOnly(t *testing.T) {
	c, err := parse(t, nil, map[string]string{"ADMIN_TOKEN": "t"})
	if err != nil || c.opts.AdminToken != "t" {
		t.Errorf("AdminToken %q, err %v; want t", c.opts.AdminToken, err)
	}
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		wantStderr []string
	}{
		{"bad flag", []string{"-port", "x"}, 2, []string{`model-api: invalid value "x" for flag -port: want a port in 0..65535` + "\n"}},
		{"help", []string{"-help"}, 0, []string{"Usage: model-api", "-max-batch int (env MAX_BATCH)", "(default 1000)", "ADMIN_TOKEN",
			"-shadow-sample fraction (env SHADOW_SAMPLE)", "(default 1)", "-shadow-queue int (env SHADOW_QUEUE)", "(default 1024)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(tt.args, func(string) string { return "" }, &stderr); code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %s)", code, tt.code, stderr.String())
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr %q lacks %q", stderr.String(), want)
				}
			}
		})
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

// TestShadowModelsProcess runs the real program with SHADOW_MODELS: a name
// that the loaded index does not mark challenger is a usage error (exit 2)
// naming the variable and the challengers there are, known only once the
// models are loaded; challengers start, and /models says they are shadowed.
// (A process each: run registers on the default registry, once a process.)
func TestShadowModelsProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts model-api as a process")
	}
	dir := modeltest.Dir(t)
	t.Run("champion named", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0])
		cmd.Env = append(os.Environ(), "MODEL_API_AS_MAIN=1", "HOST=127.0.0.1", "PORT=0", "MODEL_DIR="+dir,
			"SHADOW_MODELS=decision_tree,logistic_regression")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Fatalf("exit %v, want status 2; stderr:\n%s", err, stderr.String())
		}
		want := `model-api: invalid value "decision_tree,logistic_regression" for SHADOW_MODELS (env of -shadow-models): want challengers of ` +
			dir + `/index.json (logistic_regression is the champion, which they are compared with); it has: decision_tree, random_forest` + "\n"
		if !strings.HasSuffix(stderr.String(), want) {
			t.Errorf("stderr:\n%s\nwant it to end with\n%s", stderr.String(), want)
		}
	})
	t.Run("challengers named", func(t *testing.T) {
		c := startChild(t, dir, "SHADOW_MODELS=random_forest,decision_tree", "SHADOW_SAMPLE=0.5")
		code, body := getBody(t, c.url+"/models")
		want := `"models":[{"name":"logistic_regression","role":"champion","shadowed":false},{"name":"decision_tree","role":"challenger","shadowed":true},{"name":"random_forest","role":"challenger","shadowed":true}]`
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/models: %d %s, want it to hold %s", code, body, want)
		}
		if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := c.cmd.Wait(); err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	})
}

// TestProcessSignals runs the real program: SIGHUP reloads a changed model
// directory, SIGTERM during a burst of requests keeps answering them during
// the drain delay, and the process exits 0.
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

	// A burst on four connections; SIGTERM once it is under way. How many
	// requests fit in the drain delay depends on the machine (a busy one
	// under -race fits few), so each worker sends until its first transport
	// error after SIGTERM, which is how the listener closing shows on a
	// client; every answer must be a 200, and some must come after SIGTERM.
	const workers, maxPerWorker = 4, 100000
	var wg sync.WaitGroup
	var sigSent atomic.Bool
	var afterSignal atomic.Int64
	errs := make(chan string, workers)
	started := make(chan struct{}, workers)
	body := `{"features":{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}}`
	for w := range workers {
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for i := range maxPerWorker {
				signalled := sigSent.Load()
				resp, err := client.Post(c.url+"/predict", "application/json", strings.NewReader(body))
				if i == 0 {
					started <- struct{}{}
				}
				if err != nil {
					// Only an error seen before SIGTERM was sent is a fault.
					if !sigSent.Load() {
						errs <- fmt.Sprintf("worker %d request %d before SIGTERM: %v", w, i, err)
					}
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- fmt.Sprintf("worker %d request %d: %s %s", w, i, resp.Status, b)
					return
				}
				if signalled {
					afterSignal.Add(1)
				}
			}
		})
	}
	for range workers {
		<-started
	}
	sigSent.Store(true)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error("request during shutdown failed:", e)
	}
	if afterSignal.Load() == 0 {
		t.Error("no request was answered after SIGTERM, during the drain delay")
	}
	t.Logf("%d requests answered after SIGTERM", afterSignal.Load())
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
	// The alert rules (gitops) read process_start_time_seconds, and the
	// dashboards the Go runtime's series: the binary's registry has them.
	_, metrics := getBody(t, c.url+"/metrics")
	for _, name := range []string{"process_start_time_seconds", "go_goroutines", "model_api_build_info"} {
		if !strings.Contains(metrics, "\n"+name) {
			t.Errorf("/metrics lacks %s", name)
		}
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
