package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"
)

// StartupOptions configures MeasureStartup.
type StartupOptions struct {
	// ModelAPI is the model-api binary. Required.
	ModelAPI string
	// ModelDir is a trained models directory. Required.
	ModelDir string
	// Runs is how many times each case starts; figures are medians.
	// Optional. Default: 11.
	Runs int
	// Poll is how often the probe is polled. Optional. Default: 1ms.
	Poll time.Duration
}

// Startup phases, in order, as rows of the report.
const (
	PhaseProcess = "exec to server construction (process start, runtime and package init, client_golang's Go and process collectors among it, flags, logger)"
	PhaseMetrics = "metric registration"
	PhaseRoutes  = "Fiber app, middleware and routes"
	PhaseEmpty   = "empty model set installed"
	PhaseDecode  = "bundles read, decoded and checksummed (alongside the metrics and routes rows)"
	PhaseWait    = "wait for that load once the routes are built"
	PhaseInstall = "bundles installed (metric series, encoded names)"
	PhaseListen  = "listener up and first 200 (polled every 1 ms)"
	PhaseTotal   = "total: exec to the first 200"
	// PhaseCPU is not a phase but the CPU time (user and system) the
	// process used from exec to its exit right after the first 200: on a
	// busy machine it varies much less than the wall-clock figures.
	PhaseCPU = "CPU time used, exec to exit right after the first 200"
)

// StartupPhases lists the phases in report order.
var StartupPhases = []string{PhaseProcess, PhaseMetrics, PhaseRoutes, PhaseEmpty, PhaseDecode, PhaseWait, PhaseInstall, PhaseListen, PhaseTotal, PhaseCPU}

// StartupReport is the median of each phase, with an empty models
// directory (ready meaning the first 200 on /healthz) and with the bundles
// (the first 200 on /readyz).
type StartupReport struct {
	Runs    int
	Empty   map[string]time.Duration
	Bundles map[string]time.Duration
}

// MeasureStartup starts model-api Runs times over an empty directory and
// Runs times over ModelDir, alternating, each time timing exec to its first
// 200 and reading the phases it logs at debug level as they arrive.
func MeasureStartup(ctx context.Context, o StartupOptions) (*StartupReport, error) {
	if o.Runs == 0 {
		o.Runs = 11
	}
	if o.Poll == 0 {
		o.Poll = time.Millisecond
	}
	empty, err := os.MkdirTemp("", "model-api-empty-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(empty)
	runs := map[bool][]map[string]time.Duration{}
	for range o.Runs {
		for _, bundles := range []bool{true, false} {
			dir, probe := empty, "/healthz"
			if bundles {
				dir, probe = o.ModelDir, "/readyz"
			}
			r, err := startOnce(ctx, o, dir, probe)
			if err != nil {
				return nil, err
			}
			runs[bundles] = append(runs[bundles], r)
		}
	}
	return &StartupReport{Runs: o.Runs, Empty: medians(runs[false]), Bundles: medians(runs[true])}, nil
}

// The log messages of model-api's first load, which carry its timings.
const (
	msgLoaded     = "models loaded"
	msgLoadFailed = "model reload failed; previous models keep serving"
)

// logLine is what startOnce reads of model-api's JSON log lines.
type logLine struct {
	at      time.Duration // arrival, since exec
	Msg     string        `json:"msg"`
	Phase   string        `json:"phase"`
	Took    time.Duration `json:"took"`
	Decode  time.Duration `json:"decode"`
	Install time.Duration `json:"install"`
}

// startOnce starts model-api over dir, polls probe until it answers 200, and
// returns the phases of that start.
func startOnce(ctx context.Context, o StartupOptions, dir, probe string) (map[string]time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, o.ModelAPI)
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT="+port, "MODEL_DIR="+dir, "LOG_LEVEL=debug")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	var (
		mu    sync.Mutex
		lines []logLine
	)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", o.ModelAPI, err)
	}
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			at := time.Since(start)
			var l logLine
			if json.Unmarshal(sc.Bytes(), &l) != nil || (l.Msg != "start-up phase" && l.Msg != msgLoaded && l.Msg != msgLoadFailed) {
				continue
			}
			l.at = at
			mu.Lock()
			lines = append(lines, l)
			mu.Unlock()
		}
	}()
	p := &proc{cmd: cmd}
	url := "http://127.0.0.1:" + port + probe
	client := &http.Client{Timeout: time.Second}
	var ready time.Duration
	for ready == 0 {
		if time.Since(start) > 10*time.Second {
			p.stop()
			return nil, fmt.Errorf("model-api over %s: no 200 on %s within 10s", dir, probe)
		}
		if resp, err := client.Get(url); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ready = time.Since(start)
				break
			}
		}
		time.Sleep(o.Poll)
	}
	p.stop()
	<-read
	ph := phases(lines, ready)
	ph[PhaseCPU] = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return ph, nil
}

// phases turns the log lines of one start into phase durations. The first
// load runs while the metrics and routes are built, so its decode overlaps
// those rows; the models phase is the wait for it plus its install.
func phases(lines []logLine, ready time.Duration) map[string]time.Duration {
	ph := map[string]time.Duration{PhaseTotal: ready}
	byName := map[string]logLine{}
	var load *logLine
	for _, l := range lines {
		switch l.Msg {
		case "start-up phase":
			byName[l.Phase] = l
		case msgLoaded, msgLoadFailed:
			load = &l
		}
	}
	first, ok1 := byName["metrics"]
	last, ok2 := byName["models"]
	if !ok1 || !ok2 {
		// An older model-api that does not log its phases: the total only.
		return ph
	}
	ph[PhaseProcess] = first.at - first.Took
	ph[PhaseMetrics] = first.Took
	ph[PhaseRoutes] = byName["routes"].Took
	ph[PhaseEmpty] = byName["empty set"].Took
	if load != nil {
		ph[PhaseDecode], ph[PhaseInstall] = load.Decode, load.Install
		ph[PhaseWait] = max(0, last.Took-load.Install)
	}
	ph[PhaseListen] = ready - last.at
	return ph
}

// medians returns the median of each phase over the runs that have it.
func medians(runs []map[string]time.Duration) map[string]time.Duration {
	m := map[string]time.Duration{}
	for _, name := range StartupPhases {
		var ds []time.Duration
		for _, r := range runs {
			if d, ok := r[name]; ok {
				ds = append(ds, d)
			}
		}
		if len(ds) > 0 {
			m[name] = median(ds)
		}
	}
	return m
}

// Write prints the report as a Markdown table, ready for the README.
func (r *StartupReport) Write(w io.Writer) {
	fmt.Fprintf(w, "model-api start-up, median of %d alternating runs per column; %s, %d CPUs\n\n", r.Runs, runtime.Version(), runtime.NumCPU())
	fmt.Fprintln(w, "| phase | empty MODEL_DIR (first 200 on /healthz) | five Iris bundles (first 200 on /readyz) |")
	fmt.Fprintln(w, "|---|---|---|")
	cell := func(m map[string]time.Duration, name string) string {
		if d, ok := m[name]; ok {
			return ms(d)
		}
		return "not logged"
	}
	for _, name := range StartupPhases {
		fmt.Fprintf(w, "| %s | %s | %s |\n", name, cell(r.Empty, name), cell(r.Bundles, name))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Each row is its own median, so the rows need not add up to the total.")
}
