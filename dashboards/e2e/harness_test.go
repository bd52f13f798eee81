package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// requireE2E skips unless MLOPS_E2E=1 (and always under -short): these
// checks run real programs (make e2e-dashboards sets everything up).
func requireE2E(t *testing.T) {
	t.Helper()
	if testing.Short() || os.Getenv("MLOPS_E2E") != "1" {
		t.Skip("end-to-end check: run with MLOPS_E2E=1 (make e2e-dashboards)")
	}
}

// mustEnv returns an environment variable that make e2e-dashboards sets.
func mustEnv(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s must be set (make e2e-dashboards sets it)", name)
	}
	return v
}

func requireFile(t *testing.T, path, hint string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s is missing (%v); %s", path, err, hint)
	}
}

// stopWithTest ends a started process when the test ends: an interrupt,
// then a kill if it does not exit in time.
func stopWithTest(t *testing.T, cmd *exec.Cmd) {
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
}

// modelAPI is a running model-api process.
type modelAPI struct {
	url  string
	addr string // host:port, the scrape target
	cmd  *exec.Cmd
}

// startModelAPI runs bin over dir on a loopback port it picks, and returns
// once /readyz answers 200.
func startModelAPI(t *testing.T, bin, dir string) *modelAPI {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", "PORT=0", "MODEL_DIR="+dir, "LOG_LEVEL=info")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopWithTest(t, cmd)
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
	}()
	m := &modelAPI{cmd: cmd}
	select {
	case m.addr = <-addr:
		m.url = "http://" + m.addr
	case <-time.After(15 * time.Second):
		t.Fatal("model-api did not log its address")
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		if resp, err := http.Get(m.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("model-api at %s is not ready; is %s a trained models directory?", m.url, dir)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// post sends a JSON body and returns the status code (0 when the request
// failed).
func post(client *http.Client, url, body string) int {
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
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

// target is one scrape target and the Kubernetes labels it stands for.
type target struct {
	addr      string
	namespace string
	pod       string
}

// startPrometheus runs a real Prometheus scraping the targets every
// second. Each target gets the namespace and pod labels that
// prometheus-operator's ServiceMonitor would give it in the cluster, as
// static labels, so the dashboards' $namespace and $pod matchers match.
func startPrometheus(t *testing.T, bin string, targets []target) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: model-api\n    static_configs:\n")
	for _, tg := range targets {
		fmt.Fprintf(&b, "      - targets: [%q]\n        labels: {namespace: %q, pod: %q}\n", tg.addr, tg.namespace, tg.pod)
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(config, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	cmd := exec.Command(bin,
		"--config.file="+config,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	logPath := filepath.Join(dir, "prometheus.log")
	out, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopWithTest(t, cmd)
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(logPath)
			t.Logf("prometheus config:\n%s\nprometheus log:\n%s", b.String(), log)
		}
	})
	prom := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; {
		if resp, err := http.Get(prom + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return prom
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("prometheus did not become ready")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// series is one result series of a Prometheus query.
type series struct {
	Metric map[string]string
	Values []float64
}

// finite reports whether any of the series' values is a number (not NaN
// or infinite): a graph would draw something.
func (s series) finite() bool {
	for _, v := range s.Values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			return true
		}
	}
	return false
}

// promQuery runs a query through Prometheus's HTTP API: a range query over
// the last window at step, or an instant query when instant is set.
func promQuery(prom, expr string, instant bool, window, step time.Duration) ([]series, error) {
	now := time.Now()
	v := url.Values{"query": {expr}}
	endpoint := "/api/v1/query"
	if instant {
		v.Set("time", ts(now))
	} else {
		endpoint = "/api/v1/query_range"
		v.Set("start", ts(now.Add(-window)))
		v.Set("end", ts(now))
		v.Set("step", strconv.FormatFloat(step.Seconds(), 'f', -1, 64))
	}
	resp, err := http.PostForm(prom+endpoint, v)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  []any             `json:"value"`
				Values [][]any           `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if out.Status != "success" {
		return nil, fmt.Errorf("%s", out.Error)
	}
	var res []series
	for _, r := range out.Data.Result {
		s := series{Metric: r.Metric}
		points := r.Values
		if r.Value != nil {
			points = [][]any{r.Value}
		}
		for _, p := range points {
			if len(p) == 2 {
				if str, ok := p[1].(string); ok {
					f, err := strconv.ParseFloat(str, 64)
					if err == nil {
						s.Values = append(s.Values, f)
					}
				}
			}
		}
		res = append(res, s)
	}
	return res, nil
}

// labelValues is what Grafana runs for label_values(selector, label).
func labelValues(prom, selector, label string, window time.Duration) ([]string, error) {
	now := time.Now()
	v := url.Values{"match[]": {selector}, "start": {ts(now.Add(-window))}, "end": {ts(now)}}
	resp, err := http.Get(prom + "/api/v1/label/" + label + "/values?" + v.Encode())
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Status string   `json:"status"`
		Error  string   `json:"error"`
		Data   []string `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if out.Status != "success" {
		return nil, fmt.Errorf("%s", out.Error)
	}
	return out.Data, nil
}

func ts(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

// --- the served models and the inputs sent to them ----------------------

// feature is what the traffic needs of a bundle's feature.
type feature struct {
	Name  string `json:"name"`
	Valid struct {
		Min float64 `json:"min"`
		Max float64 `json:"max"`
	} `json:"valid"`
	Stats struct {
		Min  float64 `json:"min"`
		Max  float64 `json:"max"`
		Mean float64 `json:"mean"`
	} `json:"stats"`
}

// modelSet is the served models, read from the models directory.
type modelSet struct {
	names    []string
	champion string
	features []feature
}

func readModels(t *testing.T, dir string) modelSet {
	t.Helper()
	var index struct {
		Champion string `json:"champion"`
		Models   []struct {
			Name string `json:"name"`
			File string `json:"file"`
		} `json:"models"`
	}
	readJSON(t, filepath.Join(dir, "index.json"), &index)
	set := modelSet{champion: index.Champion}
	for _, m := range index.Models {
		set.names = append(set.names, m.Name)
		var bundle struct {
			Features []feature `json:"features"`
		}
		readJSON(t, filepath.Join(dir, m.File), &bundle)
		set.features = bundle.Features
	}
	if len(set.names) == 0 || len(set.features) == 0 {
		t.Fatalf("%s holds no models with features", dir)
	}
	return set
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// row renders one features object from a value per feature.
func (s modelSet) row(value func(f feature) float64) string {
	parts := make([]string, len(s.features))
	for i, f := range s.features {
		parts[i] = strconv.Quote(f.Name) + ":" + strconv.FormatFloat(value(f), 'f', 4, 64)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// typical is a row at the training means.
func (s modelSet) typical() string {
	return s.row(func(f feature) float64 { return f.Stats.Mean })
}

// drifted is a row every value of which is valid (accepted) but outside
// the training range: above the training maximum where the declared range
// leaves room, else below the minimum. A window of such rows sits in the
// histogram's outer bins, a major shift by any measure.
func (s modelSet) drifted(rng *rand.Rand) string {
	return s.row(func(f feature) float64 {
		u := 0.2 + 0.6*rng.Float64()
		if f.Valid.Max > f.Stats.Max {
			return f.Stats.Max + u*(f.Valid.Max-f.Stats.Max)
		}
		if f.Valid.Min < f.Stats.Min {
			return f.Stats.Min - u*(f.Stats.Min-f.Valid.Min)
		}
		return f.Stats.Max
	})
}

// invalid is a row whose first value is outside the declared valid range:
// rejected with 422 and counted as range="declared".
func (s modelSet) invalid() string {
	return s.row(func(f feature) float64 {
		if f.Name == s.features[0].Name {
			return f.Valid.Max + 1
		}
		return f.Stats.Mean
	})
}

// batch renders a /predict/batch body of n drifted rows for a model.
func (s modelSet) batch(model string, n int, rng *rand.Rand) string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = s.drifted(rng)
	}
	return `{"model_name":` + strconv.Quote(model) + `,"features_list":[` + strings.Join(rows, ",") + `]}`
}

// driveTraffic sends a steady mix of requests to every instance until ctx
// ends, bounded by maxRequests: predictions for every model (mostly
// drifted rows, so the drift windows stay drifted), all-models and Open
// Inference Protocol calls, and requests that are rejected (empty
// features, a value outside the declared range, an unknown model). Rates
// need traffic while Prometheus scrapes, not only before.
func driveTraffic(ctx context.Context, apis []*modelAPI, set modelSet, maxRequests int) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		client := &http.Client{Timeout: 5 * time.Second}
		rng := rand.New(rand.NewPCG(2, 3))
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for i := 0; i < maxRequests; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			api := apis[i%len(apis)]
			model := set.names[(i/len(apis))%len(set.names)]
			switch i % 10 {
			case 0:
				post(client, api.url+"/predict", `{"features":`+set.typical()+`}`)
			case 1:
				post(client, api.url+"/predict/all-models", set.drifted(rng))
			case 2:
				post(client, api.url+"/predict/batch", set.batch(model, 5, rng))
			case 3:
				post(client, api.url+"/v2/models/"+model+"/infer", oipBody(set, rng))
			case 4:
				post(client, api.url+"/predict", `{"features":{}}`)
			case 5:
				post(client, api.url+"/predict", `{"features":`+set.invalid()+`,"model_name":`+strconv.Quote(model)+`}`)
			case 6:
				post(client, api.url+"/predict", `{"features":`+set.typical()+`,"model_name":"no_such_model"}`)
			default:
				post(client, api.url+"/predict", `{"features":`+set.drifted(rng)+`,"model_name":`+strconv.Quote(model)+`}`)
			}
		}
	}()
	return &wg
}

// oipBody is an Open Inference Protocol request of one drifted row, the
// features in the bundle's order.
func oipBody(set modelSet, rng *rand.Rand) string {
	var row map[string]float64
	_ = json.Unmarshal([]byte(set.drifted(rng)), &row)
	vals := make([]string, len(set.features))
	for i, f := range set.features {
		vals[i] = strconv.FormatFloat(row[f.Name], 'f', 4, 64)
	}
	return fmt.Sprintf(`{"inputs":[{"name":"x","shape":[1,%d],"datatype":"FP64","data":[%s]}]}`, len(vals), strings.Join(vals, ","))
}

// newRand is the seeded source of the drifted rows.
func newRand() *rand.Rand {
	return rand.New(rand.NewPCG(1, 2))
}
