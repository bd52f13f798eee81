package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/training/model"
)

// running is a server serving on 127.0.0.1:0 in the background.
type running struct {
	s    *Server
	url  string
	done chan error // Serve's result
}

// start serves s on a free loopback port until ctx is done.
func start(ctx context.Context, t *testing.T, s *Server) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &running{s: s, url: "http://" + ln.Addr().String(), done: make(chan error, 1)}
	go func() { r.done <- s.Serve(ctx, ln) }()
	waitReady(t, r.url)
	return r
}

// waitReady polls /healthz until it answers, for at most five seconds.
func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s did not come up", url)
}

func postJSON(client *http.Client, url, body string) (int, string, error) {
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), err
}

func TestBodyLimitOnTheWire(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s, _ := newTestServer(t, testOptions(modeltest.Dir(t)))
	r := start(ctx, t, s)
	// Bodies just over the 4096-byte limit: fasthttp answers 413 from the
	// headers and closes without draining the body, so a client still
	// writing a much larger one sees a reset instead of the answer.
	tests := []struct {
		name, path, body string
		want             string
	}{
		{name: "predict", path: "/predict", body: `{"features":` + setosa + `,"model_name":"` + strings.Repeat("x", 5000) + `"}`,
			want: `{"detail":"request body is larger than the limit of 4096 bytes"}`},
		{name: "deep nesting", path: "/predict", body: strings.Repeat("[", 5000),
			want: `{"detail":"request body is larger than the limit of 4096 bytes"}`},
		{name: "infer", path: "/v2/models/random_forest/infer", body: strings.Repeat(" ", 5000),
			want: `{"error":"request body is larger than the limit of 4096 bytes"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := postJSON(http.DefaultClient, r.url+tt.path, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if status != http.StatusRequestEntityTooLarge || body != tt.want {
				t.Errorf("status %d body %s, want 413 %s", status, body, tt.want)
			}
		})
	}
}

// TestReloadKeepsServing reloads again and again, alternating a good set, a
// corrupt bundle and a set with another champion, while clients predict:
// no request may fail, and a failed reload leaves the previous set serving.
func TestReloadKeepsServing(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	dir := modeltest.Dir(t)
	s, reg := newTestServer(t, testOptions(dir))
	r := start(ctx, t, s)

	// Workers predict until the reloader has finished its cycles (bounded
	// both ways: at least minPerWorker and at most maxPerWorker requests).
	const workers, minPerWorker, maxPerWorker, reloads = 4, 20, 20000, 12
	var failures, total atomic.Int64
	var firstFailure atomic.Value
	var wg sync.WaitGroup
	reloadsDone := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := range maxPerWorker {
				if i >= minPerWorker {
					select {
					case <-reloadsDone:
						return
					default:
					}
				}
				body := `{"features":` + setosa + `}`
				if (w+i)%2 == 1 {
					body = `{"features":` + virginica + `,"model_name":"decision_tree"}`
				}
				status, resp, err := postJSON(client, r.url+"/predict", body)
				total.Add(1)
				if err != nil || status != http.StatusOK {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("status %d err %v body %s", status, err, resp))
				}
			}
		}()
	}
	for i := range reloads {
		switch i % 3 {
		case 0:
			modeltest.WriteSet(t, dir, "logistic_regression")
		case 1:
			modeltest.Corrupt(t, dir, "decision_tree")
		case 2:
			modeltest.WriteSet(t, dir, "decision_tree")
		}
		_, _ = s.Reload(ctx)
		time.Sleep(5 * time.Millisecond) // let requests interleave
	}
	close(reloadsDone)
	wg.Wait()

	if n := failures.Load(); n > 0 {
		t.Fatalf("%d of %d requests failed during %d reloads; first: %v", n, total.Load(), reloads, firstFailure.Load())
	}
	got := gatherText(t, reg, "model_api_reloads_total")
	if !strings.Contains(got, `result="failure"} `) || strings.Contains(got, `result="failure"} 0`) {
		t.Errorf("no failed reload was counted:\n%s", got)
	}
}

// TestCorruptReload damages a bundle: the admin endpoint says what failed and
// the previous set keeps answering.
func TestCorruptReload(t *testing.T) {
	dir := modeltest.Dir(t)
	s, reg := newTestServer(t, testOptions(dir))
	app := s.App()
	modeltest.Corrupt(t, dir, "random_forest")
	res := do(t, app, call{method: "POST", path: "/admin/reload", header: map[string]string{"Authorization": "Bearer s3cret"}})
	if res.status != 500 || !strings.Contains(string(res.body), "checksum mismatch") || !strings.Contains(string(res.body), "random_forest.json") {
		t.Fatalf("reload of a corrupt bundle: status %d body %s; want 500 naming the file and the checksum", res.status, res.body)
	}
	res = do(t, app, post("/predict", `{"features":`+setosa+`}`))
	if res.status != 200 || !jsonEqual(t, res.body, setosaByForest) {
		t.Fatalf("after the failed reload /predict gave %d %s", res.status, res.body)
	}
	if res := do(t, app, get("/readyz")); res.status != 200 {
		t.Errorf("after the failed reload /readyz gave %d", res.status)
	}
	compareMetrics(t, reg, `
# HELP model_api_reloads_total Model set loads (at start, on SIGHUP and through /admin/reload), by result.
# TYPE model_api_reloads_total counter
model_api_reloads_total{result="failure"} 1
model_api_reloads_total{result="success"} 1
`, "model_api_reloads_total")

	// Repair: retrain random_forest only, with a new index.
	modeltest.WriteSet(t, dir, "random_forest", "random_forest")
	res = do(t, app, call{method: "POST", path: "/admin/reload", header: map[string]string{"Authorization": "Bearer s3cret"}})
	if res.status != 200 || !jsonEqual(t, res.body, `{"status":"reloaded","models":["random_forest"],"champion":"random_forest","default_model":"random_forest"}`) {
		t.Fatalf("reload after the repair: %d %s", res.status, res.body)
	}
	if res := do(t, app, post("/predict", `{"features":`+setosa+`,"model_name":"decision_tree"}`)); res.status != 400 {
		t.Errorf("decision_tree after it left the set: status %d, want 400", res.status)
	}
	if _, err := os.Stat(filepath.Join(dir, model.IndexFile)); err != nil {
		t.Fatal(err)
	}
}

// TestShutdownDuringBurst sends SIGTERM to the test process while requests
// are in flight (some of them slow): the slow ones complete, /readyz turns
// 503, requests keep being answered during the drain delay, and Serve
// returns without error.
//
// The burst asserts nothing about how many requests fit in the drain delay
// (a busy machine under -race fits few): workers send until their first
// transport error, which is how the listener closing shows on a client, and
// every answer received must be a 200.
func TestShutdownDuringBurst(t *testing.T) {
	ctx, stop := signal.NotifyContext(t.Context(), syscall.SIGTERM)
	defer stop()
	opts := testOptions(modeltest.Dir(t))
	opts.DrainDelay = 2 * time.Second
	opts.ShutdownTimeout = 5 * time.Second
	s, _ := newTestServer(t, opts)
	slowStarted := make(chan struct{}, 16)
	// A test-only route that is still working when the listener closes.
	s.App().Get("/test/slow", func(c *fiber.Ctx) error {
		slowStarted <- struct{}{}
		time.Sleep(2500 * time.Millisecond)
		return c.SendString("done")
	})
	r := start(ctx, t, s)

	const slow = 4
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range slow {
		wg.Go(func() {
			resp, err := http.Get(r.url + "/test/slow")
			if err != nil {
				errs <- fmt.Errorf("slow request: %w", err)
				return
			}
			defer resp.Body.Close()
			if body, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || string(body) != "done" {
				errs <- fmt.Errorf("slow request: %d %s", resp.StatusCode, body)
			}
		})
	}
	for range slow {
		<-slowStarted
	}
	// Every slow request is in a handler now; stop the server under them.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The signal reaches Serve asynchronously: wait for the drain to start.
	client := &http.Client{Timeout: 5 * time.Second}
	waitStatus(t, client, r.url+"/readyz", http.StatusServiceUnavailable)

	// The burst runs during the drain, on kept-alive connections, while the
	// slow requests are still running.
	const workers, maxPerWorker = 4, 10000
	var served atomic.Int64
	for w := range workers {
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for i := range maxPerWorker {
				status, body, err := postJSON(client, r.url+"/predict", `{"features":`+setosa+`}`)
				if err != nil {
					return // the listener closed: the drain is over
				}
				if status != 200 {
					errs <- fmt.Errorf("worker %d request %d during the drain: %d %s", w, i, status, body)
					return
				}
				served.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if served.Load() == 0 {
		t.Error("no /predict request was answered during the drain delay")
	}
	t.Logf("%d requests answered during the drain", served.Load())
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after SIGTERM")
	}
	if _, err := http.Get(r.url + "/healthz"); err == nil {
		t.Error("the server still accepts connections after shutdown")
	}
}

// waitStatus polls url until it answers want, for at most ten seconds.
func waitStatus(t *testing.T, client *http.Client, url string, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d within 10 s (last: %v)", url, want, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStopTwice(t *testing.T) {
	s, _ := newTestServer(t, testOptions(modeltest.Dir(t)))
	ctx, cancel := context.WithCancel(t.Context())
	r := start(ctx, t, s)
	cancel()
	if err := <-r.done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if err := s.Stop(t.Context()); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("second Stop: %v", err)
	}
}
