package modelapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/testsupport/poll"
)

// With MODELAPI_FAKE=1 this test binary stands in for model-api: it
// listens on HOST:PORT, answers /readyz only when MODEL_DIR names a folder,
// /healthz always, counts SIGHUPs, and echoes each request (method,
// headers, body, the SIGHUP count and the environment variables it was
// started with) as JSON.
func TestMain(m *testing.M) {
	if os.Getenv("MODELAPI_FAKE") == "1" {
		os.Exit(fakeModelAPI())
	}
	os.Exit(m.Run())
}

// echo is what the fake answers.
type echo struct {
	Method, ContentType, Auth, Body string
	Reloads                         int64 // SIGHUPs received
	Env                             map[string]string
}

func fakeModelAPI() int {
	ln, err := net.Listen("tcp", net.JoinHostPort(os.Getenv("HOST"), os.Getenv("PORT")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var reloads atomic.Int64
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for range hup {
			reloads.Add(1)
		}
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if fi, err := os.Stat(os.Getenv("MODEL_DIR")); err != nil || !fi.IsDir() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e := echo{
			Method: r.Method, ContentType: r.Header.Get("Content-Type"), Auth: r.Header.Get("Authorization"), Body: string(body),
			Reloads: reloads.Load(), Env: map[string]string{},
		}
		for _, k := range []string{"HOST", "PORT", "MODEL_DIR", "LOG_LEVEL", "EXTRA"} {
			e.Env[k] = os.Getenv(k)
		}
		_ = json.NewEncoder(w).Encode(e)
	})
	fmt.Fprintln(os.Stderr, http.Serve(ln, mux))
	return 1
}

func fakeOptions(t *testing.T) Options {
	t.Helper()
	return Options{Bin: os.Args[0], ModelDir: t.TempDir(), Env: []string{"MODELAPI_FAKE=1"}}
}

func getEcho(t *testing.T, s *Server, method string) echo {
	t.Helper()
	var code int
	var body []byte
	if method == http.MethodPost {
		code, body = s.Post(t.Context(), "/echo", `{"a":1}`, "Authorization: Bearer token")
	} else {
		code, body = s.Get(t.Context(), "/echo")
	}
	var e echo
	if code != http.StatusOK || json.Unmarshal(body, &e) != nil {
		t.Fatalf("%s /echo: %d %s", method, code, body)
	}
	return e
}

func TestStart(t *testing.T) {
	o := fakeOptions(t)
	o.Env = append(o.Env, "EXTRA=1", "LOG_LEVEL=debug")
	s := Start(t, o)
	e := getEcho(t, s, http.MethodGet)
	host, port, _ := net.SplitHostPort(s.Addr())
	want := map[string]string{"HOST": "127.0.0.1", "PORT": port, "MODEL_DIR": o.ModelDir, "LOG_LEVEL": "debug", "EXTRA": "1"}
	for k, v := range want {
		if e.Env[k] != v {
			t.Errorf("model-api's %s = %q, want %q", k, e.Env[k], v)
		}
	}
	if host != "127.0.0.1" || s.URL() != "http://"+s.Addr() {
		t.Errorf("Addr %q, URL %q: want 127.0.0.1 and http://Addr", s.Addr(), s.URL())
	}
}

func TestRequests(t *testing.T) {
	s := Start(t, fakeOptions(t))
	cases := []struct {
		method string
		want   echo
	}{
		{method: http.MethodGet, want: echo{Method: http.MethodGet}},
		{method: http.MethodPost, want: echo{Method: http.MethodPost, ContentType: "application/json", Auth: "Bearer token", Body: `{"a":1}`}},
	}
	for _, c := range cases {
		t.Run(c.method, func(t *testing.T) {
			e := getEcho(t, s, c.method)
			if e.Method != c.want.Method || e.ContentType != c.want.ContentType || e.Auth != c.want.Auth || e.Body != c.want.Body {
				t.Errorf("request as received %+v, want %+v", e, c.want)
			}
		})
	}
	s.Stop()
	if code, _ := s.Get(t.Context(), "/healthz"); code != 0 {
		t.Errorf("GET after Stop answered %d, want no answer (0)", code)
	}
}

func TestReadyPath(t *testing.T) {
	// A models folder that does not exist: /readyz stays 503, so the
	// server is only up by /healthz.
	o := fakeOptions(t)
	o.ModelDir = o.ModelDir + "/missing"
	o.ReadyPath = "/healthz"
	s := Start(t, o)
	if code, _ := s.Get(t.Context(), "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d, want 503", code)
	}
}

func TestRestartAndSignal(t *testing.T) {
	s := Start(t, fakeOptions(t))
	addr := s.Addr()
	s.Restart(t)
	if s.Addr() != addr {
		t.Errorf("Addr after Restart = %s, want %s", s.Addr(), addr)
	}
	if code, _ := s.Get(t.Context(), "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz after Restart = %d, want 200", code)
	}
	if err := s.Signal(syscall.SIGHUP); err != nil {
		t.Fatalf("Signal: %v", err)
	}
	if !poll.Until(t.Context(), time.Minute, 10*time.Millisecond, func() bool { return getEcho(t, s, http.MethodGet).Reloads == 1 }) {
		t.Errorf("the restarted process got %d SIGHUPs, want 1", getEcho(t, s, http.MethodGet).Reloads)
	}
}
