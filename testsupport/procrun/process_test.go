package procrun

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// get returns the body of a GET of url, and whether it answered 200.
func get(t *testing.T, url string) (string, bool) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return string(b), resp.StatusCode == http.StatusOK
}

func TestStartStop(t *testing.T) {
	cases := []struct {
		name string
		part string
		stop time.Duration
	}{
		// A server that stops on SIGTERM; a long StopTimeout is never
		// reached.
		{name: "stops on SIGTERM", part: helperServe, stop: time.Hour},
		// One that ignores SIGTERM is killed once StopTimeout passes.
		{name: "killed when SIGTERM is ignored", part: helperIgnoreTerm, stop: 100 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr := FreeAddr(t)
			spec := helperSpec(c.part, addr)
			spec.Env = append(spec.Env, "GREETING=hello", "GREETING=overridden")
			spec.StopTimeout = c.stop
			p := Start(t, spec)
			body, ok := get(t, "http://"+addr+"/env?name=GREETING")
			if !ok || body != "overridden" {
				t.Errorf("GREETING in the process = %q (answered 200: %v), want the later entry %q", body, ok, "overridden")
			}
			if !strings.Contains(p.Output(), "helper: listening on "+addr) {
				t.Errorf("output %q lacks the helper's line", p.Output())
			}
			p.Stop()
			if _, ok := get(t, "http://"+addr+"/ready"); ok {
				t.Errorf("%s still answers after Stop", addr)
			}
			p.Stop() // a second Stop does nothing
		})
	}
}

func TestRestartKeepsAddress(t *testing.T) {
	addr := FreeAddr(t)
	p := Start(t, helperSpec(helperServe, addr))
	p.Restart(t)
	if _, ok := get(t, "http://"+addr+"/ready"); !ok {
		t.Fatalf("%s does not answer after Restart", addr)
	}
	if n := strings.Count(p.Output(), "helper: listening on "+addr); n != 2 {
		t.Errorf("output has %d listening lines, want 2 (one per start):\n%s", n, p.Output())
	}
}

func TestStartFails(t *testing.T) {
	cases := []struct {
		name    string
		spec    func(t *testing.T) Spec
		wantErr string
	}{
		{
			name:    "exits before ready",
			spec:    func(t *testing.T) Spec { return helperSpec(helperExit, FreeAddr(t)) },
			wantErr: "exited before it was ready: exit status 3",
		},
		{
			name: "never ready",
			spec: func(t *testing.T) Spec {
				s := helperSpec(helperServe, FreeAddr(t))
				s.Ready = func(ctx context.Context) bool { return false }
				s.ReadyTimeout = 10 * time.Millisecond
				return s
			},
			wantErr: "is not ready after 10ms",
		},
		{
			name:    "no such program",
			spec:    func(t *testing.T) Spec { return Spec{Path: filepath.Join(t.TempDir(), "missing")} },
			wantErr: "start missing:",
		},
		{
			name:    "no path",
			spec:    func(t *testing.T) Spec { return Spec{} },
			wantErr: "Spec.Path is required",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProcess(c.spec(t))
			defer p.Stop()
			err := p.start(t.Context())
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("start error = %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}

func TestExitedProcessKeepsOutput(t *testing.T) {
	p := newProcess(helperSpec(helperExit, FreeAddr(t)))
	defer p.Stop()
	if err := p.start(t.Context()); err == nil {
		t.Fatal("start succeeded, want the helper's exit")
	}
	if got, want := p.out.Tail(DefaultLogLines), "helper: bad configuration"; got != want {
		t.Errorf("output tail = %q, want %q", got, want)
	}
}

func TestSignalStopped(t *testing.T) {
	p := Start(t, helperSpec(helperServe, FreeAddr(t)))
	p.Stop()
	if err := p.Signal(syscall.SIGHUP); err == nil {
		t.Error("Signal to a stopped process succeeded, want an error")
	}
}
