package procrun

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/testsupport/poll"
)

// Defaults of [Spec]'s optional fields.
const (
	DefaultReadyTimeout = 30 * time.Second
	DefaultStopTimeout  = 10 * time.Second
	DefaultLogLines     = 50
)

// outputLimit is how much of a process's output is kept (see output).
const outputLimit = 1 << 20

// Spec says what to run and how to tell that it is up.
type Spec struct {
	// Path is the program. Required.
	Path string
	// Args are its arguments. Optional.
	Args []string
	// Env is added to the test process's environment; a later entry for
	// the same name wins. Optional.
	Env []string
	// Dir is its working directory. Optional. Default: the test's.
	Dir string
	// Ready reports whether the process is up, e.g. [HTTPReady]; it is
	// called until it returns true. Optional. Default: up once started.
	Ready func(ctx context.Context) bool
	// ReadyTimeout bounds the wait for Ready. Optional. Default:
	// DefaultReadyTimeout.
	ReadyTimeout time.Duration
	// StopTimeout is how long Stop waits after SIGTERM before it kills the
	// process. Optional. Default: DefaultStopTimeout.
	StopTimeout time.Duration
	// LogLines is how many of the last lines of output are logged when
	// the test fails. Optional. Default: DefaultLogLines.
	LogLines int
}

// Process is a running program started by [Start]. Its methods are meant
// for the test's goroutine; they are not safe for concurrent use.
type Process struct {
	spec Spec
	name string
	out  *output // kept across restarts: a restart's reason shows in it

	cmd     *exec.Cmd
	done    chan struct{} // closed when cmd has exited
	waitErr error         // cmd.Wait's result, set before done is closed
}

// Start runs spec's program and returns once spec.Ready reports it up,
// failing the test if it exits first or is not up by spec.ReadyTimeout.
// The process stops when the test ends; if the test failed, the last
// spec.LogLines lines of its output go to the test log.
func Start(t testing.TB, spec Spec) *Process {
	t.Helper()
	p := newProcess(spec)
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("%s output (last %d lines):\n%s", p.name, p.spec.LogLines, p.out.Tail(p.spec.LogLines))
		}
	})
	if err := p.start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return p
}

func newProcess(spec Spec) *Process {
	if spec.ReadyTimeout <= 0 {
		spec.ReadyTimeout = DefaultReadyTimeout
	}
	if spec.StopTimeout <= 0 {
		spec.StopTimeout = DefaultStopTimeout
	}
	if spec.LogLines <= 0 {
		spec.LogLines = DefaultLogLines
	}
	return &Process{spec: spec, name: filepath.Base(spec.Path), out: newOutput(outputLimit)}
}

// start runs the program and waits until it is ready.
func (p *Process) start(ctx context.Context) error {
	if p.spec.Path == "" {
		return errors.New("procrun: Spec.Path is required")
	}
	cmd := exec.Command(p.spec.Path, p.spec.Args...)
	cmd.Env = append(os.Environ(), p.spec.Env...)
	cmd.Dir = p.spec.Dir
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("procrun: start %s: %w", p.name, err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func(done chan struct{}) {
		p.waitErr = cmd.Wait()
		close(done)
	}(p.done)
	if p.spec.Ready == nil {
		return nil
	}
	exited := false
	ready := poll.Until(ctx, p.spec.ReadyTimeout, 50*time.Millisecond, func() bool {
		select {
		case <-p.done:
			exited = true
			return true
		default:
		}
		return p.spec.Ready(ctx)
	})
	switch {
	case exited && p.waitErr == nil:
		return fmt.Errorf("procrun: %s exited before it was ready", p.name)
	case exited:
		return fmt.Errorf("procrun: %s exited before it was ready: %w", p.name, p.waitErr)
	case !ready:
		return fmt.Errorf("procrun: %s is not ready after %v", p.name, p.spec.ReadyTimeout)
	}
	return nil
}

// Stop sends SIGTERM and waits for the process to exit, killing it after
// the spec's StopTimeout. Stopping a stopped process does nothing.
func (p *Process) Stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	stopWait := time.NewTimer(p.spec.StopTimeout)
	defer stopWait.Stop()
	select {
	case <-p.done:
	case <-stopWait.C:
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd = nil
}

// Restart stops the process and starts it again with the same spec (and so
// on the same address), failing the test as Start does.
func (p *Process) Restart(t testing.TB) {
	t.Helper()
	p.Stop()
	if err := p.start(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// Signal sends sig to the running process.
func (p *Process) Signal(sig os.Signal) error {
	if p.cmd == nil {
		return fmt.Errorf("procrun: signal %s: not running", p.name)
	}
	return p.cmd.Process.Signal(sig)
}

// Output returns the process's output so far (the last MiB of it), across
// restarts.
func (p *Process) Output() string {
	return p.out.String()
}

// readyClient is what HTTPReady asks with: a short timeout, so a server
// that accepts but does not answer yet is asked again.
var readyClient = &http.Client{Timeout: 2 * time.Second}

// HTTPReady returns a Spec.Ready that reports whether a GET of url answers
// 200.
func HTTPReady(url string) func(ctx context.Context) bool {
	return func(ctx context.Context) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false
		}
		resp, err := readyClient.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
}
