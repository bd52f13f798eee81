package procrun

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"testing"
)

// The tests run this test binary as the program to start: with
// PROCRUN_HELPER set, TestMain plays one of these parts instead of running
// the tests.
const (
	helperServe      = "serve"       // serve HTTP on HELPER_ADDR until SIGTERM
	helperIgnoreTerm = "ignore-term" // the same, but ignore SIGTERM
	helperExit       = "exit"        // print a line and exit 3 at once
)

func TestMain(m *testing.M) {
	if part := os.Getenv("PROCRUN_HELPER"); part != "" {
		os.Exit(helper(part))
	}
	os.Exit(m.Run())
}

// helper plays a part and returns the exit code.
func helper(part string) int {
	switch part {
	case helperExit:
		fmt.Fprintln(os.Stderr, "helper: bad configuration")
		return 3
	case helperIgnoreTerm:
		signal.Ignore(syscall.SIGTERM)
	case helperServe:
	default:
		fmt.Fprintf(os.Stderr, "helper: unknown part %q\n", part)
		return 2
	}
	ln, err := net.Listen("tcp", os.Getenv("HELPER_ADDR"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "helper: listening on %s\n", ln.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, os.Getenv(r.URL.Query().Get("name")))
	})
	_ = http.Serve(ln, mux)
	return 1
}

// helperSpec is a Spec that runs this test binary in a part on addr.
func helperSpec(part, addr string) Spec {
	return Spec{
		Path:  os.Args[0],
		Env:   []string{"PROCRUN_HELPER=" + part, "HELPER_ADDR=" + addr},
		Ready: HTTPReady("http://" + addr + "/ready"),
	}
}
