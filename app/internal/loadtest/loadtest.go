// Package loadtest measures model-api under load with wrk on loopback, each
// figure beside a no-op Fiber route measured in the same run, since these
// machines are too noisy for absolute numbers to mean much on their own.
//
// It starts the model-api binary (timing start to ready), starts a bare
// Fiber app with one no-op route (the same binary as the harness, run as a
// child in its no-op mode), runs wrk against each in alternating rounds,
// and reads the server's resident memory after the load.
package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options configures a run.
type Options struct {
	// ModelAPI is the model-api binary. Required.
	ModelAPI string
	// ModelDir is the models directory it serves. Required.
	ModelDir string
	// Self is this harness's binary, started with NoopFlag to serve the
	// no-op route. Required.
	Self string
	// Wrk is the wrk binary. Optional. Default: "wrk".
	Wrk string
	// Duration of each wrk run. Optional. Default: 5s.
	Duration time.Duration
	// Connections wrk keeps open. Optional. Default: 8.
	Connections int
	// Threads wrk runs. Optional. Default: 1, leaving the other core of a
	// two-core machine to the server.
	Threads int
	// Rounds of alternating runs; each figure is the median. Optional.
	// Default: 3.
	Rounds int
	// StartupRuns is how many times model-api is started to time its
	// start-up; the median counts. Optional. Default: 5.
	StartupRuns int
}

// NoopFlag makes the harness binary serve the no-op route instead.
const NoopFlag = "-serve-noop"

func (o Options) withDefaults() Options {
	if o.Wrk == "" {
		o.Wrk = "wrk"
	}
	if o.Duration == 0 {
		o.Duration = 5 * time.Second
	}
	if o.Connections == 0 {
		o.Connections = 8
	}
	if o.Threads == 0 {
		o.Threads = 1
	}
	if o.Rounds == 0 {
		o.Rounds = 3
	}
	if o.StartupRuns == 0 {
		o.StartupRuns = 5
	}
	return o
}

// Targets are the figures the issue asks for.
const (
	TargetThroughputRatio = 0.60
	TargetP99             = 2 * time.Millisecond
	TargetStartup         = 100 * time.Millisecond
	TargetRSS             = 40 << 20
)

// Figure is one wrk measurement.
type Figure struct {
	RPS float64
	P50 time.Duration
	P99 time.Duration
}

// Report is what a run measured.
type Report struct {
	Model       string
	Connections int
	Noop        Figure
	Healthz     Figure
	Predict     Figure
	Infer       Figure
	Startup     time.Duration
	// ServerP99 is the p99 bucket bound of /predict's latency as the
	// server's own histogram saw it (handler and middleware time, without
	// the kernel and client queueing that wrk's figure includes).
	ServerP99  float64
	RSSBytes   int64
	PeakBytes  int64
	WrkVersion string
}

// Run measures everything Options describes.
func Run(ctx context.Context, log *slog.Logger, o Options) (*Report, error) {
	o = o.withDefaults()
	tmp, err := os.MkdirTemp("", "model-api-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	rep := &Report{Connections: o.Connections}
	var startups []time.Duration
	for range o.StartupRuns {
		p, err := startModelAPI(ctx, o)
		if err != nil {
			return nil, err
		}
		startups = append(startups, p.ready)
		p.stop()
	}
	rep.Startup = median(startups)
	log.Info("start-up timed", "runs", len(startups), "median", rep.Startup.String())

	api, err := startModelAPI(ctx, o)
	if err != nil {
		return nil, err
	}
	defer api.stop()
	noop, err := startNoop(ctx, o)
	if err != nil {
		return nil, err
	}
	defer noop.stop()

	rep.Model, err = pickModel(api.url)
	if err != nil {
		return nil, err
	}
	body, err := predictBody(api.url)
	if err != nil {
		return nil, err
	}
	inferBody, err := inferRequest(body)
	if err != nil {
		return nil, err
	}
	predictScript, err := writeScript(tmp, "predict.lua", "POST", `{"features":`+body+`,"model_name":"`+rep.Model+`"}`)
	if err != nil {
		return nil, err
	}
	noopScript, err := writeScript(tmp, "noop.lua", "POST", `{"features":`+body+`,"model_name":"`+rep.Model+`"}`)
	if err != nil {
		return nil, err
	}
	inferScript, err := writeScript(tmp, "infer.lua", "POST", inferBody)
	if err != nil {
		return nil, err
	}
	targets := []struct {
		name   string
		url    string
		script string
		dst    *Figure
	}{
		{"no-op Fiber route", noop.url + "/noop", noopScript, &rep.Noop},
		{"/predict", api.url + "/predict", predictScript, &rep.Predict},
		{"/healthz", api.url + "/healthz", "", &rep.Healthz},
		{"/v2 infer", api.url + "/v2/models/" + rep.Model + "/infer", inferScript, &rep.Infer},
	}
	// Warm both servers up, then alternate so drift in the machine's load
	// hits every target alike.
	for _, t := range targets[:2] {
		if _, err := wrk(ctx, o, t.url, t.script, time.Second); err != nil {
			return nil, err
		}
	}
	runs := make([][]Figure, len(targets))
	for round := range o.Rounds {
		for i, t := range targets {
			f, err := wrk(ctx, o, t.url, t.script, o.Duration)
			if err != nil {
				return nil, fmt.Errorf("wrk %s: %w", t.name, err)
			}
			log.Info("wrk", "round", round+1, "target", t.name, "rps", int(f.RPS), "p99", f.P99.String())
			runs[i] = append(runs[i], f)
		}
	}
	for i, t := range targets {
		*t.dst = medianFigure(runs[i])
	}
	if rep.ServerP99, err = serverP99(api.url, "/predict"); err != nil {
		return nil, err
	}
	rep.RSSBytes, rep.PeakBytes, err = rss(api.cmd.Process.Pid)
	if err != nil {
		return nil, err
	}
	rep.WrkVersion = wrkVersion(o.Wrk)
	return rep, nil
}

// proc is a started server.
type proc struct {
	cmd   *exec.Cmd
	url   string
	ready time.Duration
	// exited, when not nil, is closed once the process has exited, and
	// waitErr is then what Wait returned (see watch).
	exited  chan struct{}
	waitErr error
}

// watch returns the proc of the started cmd, waiting for it from now on
// so that an early exit is seen at once. Only for a cmd without pipes:
// Wait closes them, and a reader would lose what it had not read yet.
func watch(cmd *exec.Cmd) *proc {
	p := &proc{cmd: cmd, exited: make(chan struct{})}
	go func() { p.waitErr = cmd.Wait(); close(p.exited) }()
	return p
}

func (p *proc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := p.exited
	if done == nil {
		done = make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

// startModelAPI starts model-api on a free loopback port, with env added
// to its environment, and times it from exec to the first 200 from /readyz.
func startModelAPI(ctx context.Context, o Options, env ...string) (*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, o.ModelAPI)
	cmd.Env = append(append(os.Environ(), "HOST=127.0.0.1", "PORT="+port, "MODEL_DIR="+o.ModelDir, "LOG_LEVEL=warn"), env...)
	cmd.Stderr = os.Stderr
	url := "http://127.0.0.1:" + port
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", o.ModelAPI, err)
	}
	p := watch(cmd)
	p.url = url
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 10*time.Second {
		select {
		case <-p.exited:
			// Its own message (a bad setting, say) is on stderr above.
			return nil, fmt.Errorf("%s exited before it was ready: %w", o.ModelAPI, p.waitErr)
		default:
		}
		resp, err := client.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.ready = time.Since(start)
				return p, nil
			}
		}
		time.Sleep(500 * time.Microsecond)
	}
	p.stop()
	return nil, fmt.Errorf("model-api on %s was not ready within 10s (is %s a trained models directory?)", url, o.ModelDir)
}

// startNoop starts this binary in its no-op mode; it prints its address.
func startNoop(ctx context.Context, o Options) (*proc, error) {
	cmd := exec.CommandContext(ctx, o.Self, NoopFlag)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("no-op server: %w", err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	p.url = "http://" + strings.TrimSpace(line)
	return p, nil
}

// pickModel returns random_forest when loaded, else the champion.
func pickModel(url string) (string, error) {
	var m struct {
		Loaded   []string `json:"models_loaded"`
		Champion string   `json:"champion"`
	}
	if err := getJSON(url+"/models", &m); err != nil {
		return "", err
	}
	if slices.Contains(m.Loaded, "random_forest") {
		return "random_forest", nil
	}
	return m.Champion, nil
}

// predictBody returns the example features object from the OpenAPI document.
func predictBody(url string) (string, error) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Examples []json.RawMessage `json:"examples"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := getJSON(url+"/openapi.json", &doc); err != nil {
		return "", err
	}
	ex := doc.Components.Schemas["Features"].Examples
	if len(ex) == 0 {
		return "", errors.New("the OpenAPI document has no example features")
	}
	return string(ex[0]), nil
}

func inferRequest(features string) (string, error) {
	var m map[string]float64
	if err := json.Unmarshal([]byte(features), &m); err != nil {
		return "", err
	}
	// Open Inference Protocol clients send positional rows; the features
	// object's key order is not the model's, so use the per-feature form.
	var inputs []map[string]any
	for _, k := range slices.Sorted(mapsKeys(m)) {
		inputs = append(inputs, map[string]any{"name": k, "shape": []int{1}, "datatype": "FP64", "data": []float64{m[k]}})
	}
	b, err := json.Marshal(map[string]any{"inputs": inputs})
	return string(b), err
}

func mapsKeys(m map[string]float64) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func writeScript(dir, name, method, body string) (string, error) {
	quoted, err := json.Marshal(body) // a JSON string is a valid Lua string here
	if err != nil {
		return "", err
	}
	script := fmt.Sprintf("wrk.method = %q\nwrk.body = %s\nwrk.headers[\"Content-Type\"] = \"application/json\"\n", method, quoted)
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, []byte(script), 0o644)
}

var (
	rpsLine = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	pctLine = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s)\s*$`)
	errLine = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*`)
)

// wrk runs one load and parses its summary.
func wrk(ctx context.Context, o Options, url, script string, d time.Duration) (Figure, error) {
	args := []string{"-t" + strconv.Itoa(o.Threads), "-c" + strconv.Itoa(o.Connections), "-d" + d.String(), "--latency"}
	if script != "" {
		args = append(args, "-s", script)
	}
	out, err := exec.CommandContext(ctx, o.Wrk, append(args, url)...).CombinedOutput()
	if err != nil {
		return Figure{}, fmt.Errorf("%w: %s", err, out)
	}
	return parseWrk(string(out))
}

func parseWrk(out string) (Figure, error) {
	if m := errLine.FindString(out); m != "" {
		return Figure{}, fmt.Errorf("wrk saw failures (%s):\n%s", m, out)
	}
	m := rpsLine.FindStringSubmatch(out)
	if m == nil {
		return Figure{}, fmt.Errorf("no Requests/sec in wrk output:\n%s", out)
	}
	var f Figure
	f.RPS, _ = strconv.ParseFloat(m[1], 64)
	for _, p := range pctLine.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(p[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[p[3]]
		d := time.Duration(v * float64(unit))
		if p[1] == "50" {
			f.P50 = d
		} else {
			f.P99 = d
		}
	}
	if f.P99 == 0 {
		return Figure{}, fmt.Errorf("no latency distribution in wrk output:\n%s", out)
	}
	return f, nil
}

func wrkVersion(bin string) string {
	out, _ := exec.Command(bin, "--version").CombinedOutput()
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

var bucketLine = regexp.MustCompile(`^model_api_http_request_duration_seconds_bucket\{(.*)\} (\S+)$`)

// serverP99 reads the server's latency histogram for route's successful
// POSTs and returns the upper bound of the bucket holding the 99th
// percentile.
func serverP99(url, route string) (float64, error) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	return p99FromExposition(string(body), route)
}

func p99FromExposition(text, route string) (float64, error) {
	type bucket struct{ le, count float64 }
	var buckets []bucket
	for _, line := range strings.Split(text, "\n") {
		m := bucketLine.FindStringSubmatch(line)
		if m == nil || !strings.Contains(m[1], `route="`+route+`"`) || !strings.Contains(m[1], `code="200"`) {
			continue
		}
		_, leText, ok := strings.Cut(m[1], `le="`)
		if !ok {
			continue
		}
		leText, _, _ = strings.Cut(leText, `"`)
		le, err := strconv.ParseFloat(leText, 64)
		if err != nil {
			continue
		}
		count, _ := strconv.ParseFloat(m[2], 64)
		buckets = append(buckets, bucket{le, count})
	}
	if len(buckets) == 0 {
		return 0, fmt.Errorf("no latency histogram for %s in /metrics", route)
	}
	slices.SortFunc(buckets, func(a, b bucket) int { return cmpFloat(a.le, b.le) })
	total := buckets[len(buckets)-1].count // the +Inf bucket
	for _, b := range buckets {
		if b.count >= 0.99*total {
			return b.le, nil
		}
	}
	return buckets[len(buckets)-1].le, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// rss reads the resident and peak resident set of a process.
func rss(pid int) (cur, peak int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			cur = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	return cur, peak, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianFigure(fs []Figure) Figure {
	var rps []float64
	var p50, p99 []time.Duration
	for _, f := range fs {
		rps = append(rps, f.RPS)
		p50 = append(p50, f.P50)
		p99 = append(p99, f.P99)
	}
	slices.Sort(rps)
	return Figure{RPS: rps[len(rps)/2], P50: median(p50), P99: median(p99)}
}
