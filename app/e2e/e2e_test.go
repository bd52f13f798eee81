package e2e

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// requireE2E skips unless MLOPS_E2E=1 (and always under -short): these tests
// need programs from Debian and npm, which make e2e-deps installs.
func requireE2E(t *testing.T) {
	t.Helper()
	if testing.Short() || os.Getenv("MLOPS_E2E") != "1" {
		t.Skip("end-to-end check: run with MLOPS_E2E=1 (make e2e-app)")
	}
}

// env returns the environment variable or def.
func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// requireFile fails when a program the check needs is missing.
func requireFile(t *testing.T, path, hint string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s is missing (%v); %s", path, err, hint)
	}
}

// modelAPI is a running model-api process.
type modelAPI struct {
	url string
}

// startModelAPI runs MODEL_API_BIN over MODELS_DIR on 127.0.0.1 with a port
// it picks, and returns once it is ready. The process stops with the test.
func startModelAPI(t *testing.T, extraEnv ...string) *modelAPI {
	t.Helper()
	bin := env("MODEL_API_BIN", "")
	dir := env("MODELS_DIR", "")
	if bin == "" || dir == "" {
		t.Fatal("MODEL_API_BIN and MODELS_DIR must be set (make e2e-app sets them)")
	}
	requireFile(t, bin, "build it with make bin/model-api")
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), append([]string{"HOST=127.0.0.1", "PORT=0", "MODEL_DIR=" + dir, "LOG_LEVEL=info"}, extraEnv...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
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
	var m modelAPI
	select {
	case a := <-addr:
		m.url = "http://" + a
	case <-time.After(15 * time.Second):
		t.Fatal("model-api did not log its address")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, _ := get(t, m.url+"/readyz"); code == 200 {
			return &m
		}
		if time.Now().After(deadline) {
			t.Fatalf("model-api at %s is not ready; is %s a trained models directory?", m.url, dir)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func post(t *testing.T, url, body string) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// freePort returns a loopback port free at the time of the call.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// exampleFeatures returns the example row the server documents.
func exampleFeatures(t *testing.T, url string) string {
	t.Helper()
	_, body := get(t, url+"/openapi.json")
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Examples []json.RawMessage `json:"examples"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	ex := doc.Components.Schemas["Features"].Examples
	if len(ex) == 0 {
		t.Fatal("the OpenAPI document has no example features")
	}
	return string(ex[0])
}

func httpGetJSON(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
