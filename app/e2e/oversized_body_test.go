package e2e

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/app/internal/server"
)

// debianPython is the interpreter whose urllib the check uses: Debian's, as
// a client machine has it.
const debianPython = "/usr/bin/python3"

// oversizedPost is run by Python: it POSTs a body far over the server's
// limit with urllib, which writes the whole body before reading the answer,
// and prints what it got as JSON.
const oversizedPost = `
import json, sys, urllib.error, urllib.request
url, kind = sys.argv[1], sys.argv[2]
row = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
if kind == "predict":
    body = json.dumps({"features": row, "model_name": "x" * (20 << 20)}).encode()
else:
    body = json.dumps({"features_list": [row] * 200000}).encode()
req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
try:
    with urllib.request.urlopen(req, timeout=60) as resp:
        out = {"status": resp.status, "body": resp.read().decode(), "sent": len(body)}
except urllib.error.HTTPError as e:
    out = {"status": e.code, "body": e.read().decode(), "sent": len(body)}
except Exception as e:
    out = {"error": repr(e), "sent": len(body)}
print(json.dumps(out))
`

// TestOversizedBodyPythonClient sends a 20 MB /predict body and a
// 200,000-row batch with Python's urllib to a server with the default body
// limit: urllib must get the 413 and its JSON message, not a connection
// reset.
func TestOversizedBodyPythonClient(t *testing.T) {
	if testing.Short() || os.Getenv("MLOPS_E2E") != "1" {
		t.Skip("end-to-end check: run with MLOPS_E2E=1 (make e2e-app)")
	}
	if _, err := os.Stat(debianPython); err != nil {
		t.Fatalf("%s is missing (%v); install Debian's python3", debianPython, err)
	}
	url := serveInProcess(t)
	const want = `{"detail":"request body is larger than the limit of 1048576 bytes"}`
	for _, tt := range []struct{ kind, path string }{
		{"predict", "/predict"},
		{"batch", "/predict/batch"},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			out, err := exec.CommandContext(t.Context(), debianPython, "-c", oversizedPost, url+tt.path, tt.kind).Output()
			if err != nil {
				t.Fatalf("python: %v", err)
			}
			var got struct {
				Status int    `json:"status"`
				Body   string `json:"body"`
				Error  string `json:"error"`
				Sent   int    `json:"sent"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("python printed %s: %v", out, err)
			}
			if got.Error != "" || got.Status != 413 || got.Body != want {
				t.Errorf("urllib sending %d bytes got status %d body %s error %s; want 413 %s", got.Sent, got.Status, got.Body, got.Error, want)
			}
		})
	}
}

// serveInProcess serves test bundles with the default options on a free
// loopback port until the test ends, and returns the base URL.
func serveInProcess(t *testing.T) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	s, err := server.NewServer(t.Context(), server.Deps{Options: server.Options{ModelDir: modeltest.Dir(t)}, Registerer: reg, Gatherer: reg})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
