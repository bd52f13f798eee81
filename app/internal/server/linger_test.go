package server

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
)

// startLingering serves a test server with the given lingering bounds and
// returns its address.
func startLingering(t *testing.T, lo lingerOptions) string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	s, _ := newTestServer(t, testOptions(modeltest.Dir(t)))
	s.lingerOpts = lo
	r := start(ctx, t, s)
	t.Cleanup(func() {
		cancel()
		if err := <-r.done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return strings.TrimPrefix(r.url, "http://")
}

// sendAll writes a POST of body to path on conn, all of it, before reading
// anything: what Python's urllib and requests do.
func sendAll(conn net.Conn, path string, body []byte, chunked bool) error {
	head := "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
	if chunked {
		head += "Transfer-Encoding: chunked\r\n\r\n"
	} else {
		head += fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body))
	}
	if _, err := io.WriteString(conn, head); err != nil {
		return err
	}
	const chunk = 64 << 10
	for len(body) > 0 {
		n := min(chunk, len(body))
		var err error
		if chunked {
			_, err = fmt.Fprintf(conn, "%x\r\n%s\r\n", n, body[:n])
		} else {
			_, err = conn.Write(body[:n])
		}
		if err != nil {
			return err
		}
		body = body[n:]
	}
	if chunked {
		_, err := io.WriteString(conn, "0\r\n\r\n")
		return err
	}
	return nil
}

func readAnswer(conn net.Conn) (int, string, error) {
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestOversizedBodyWrittenBeforeReading sends bodies far over the limit,
// the whole body before reading: the client must get the 413 and its JSON,
// not a reset.
func TestOversizedBodyWrittenBeforeReading(t *testing.T) {
	addr := startLingering(t, defaultLinger)
	row := []byte(`{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2},`)
	batch := append(append([]byte(`{"features_list":[`), bytes.Repeat(row, 200_000)...), `{}]}`...)
	tests := []struct {
		name    string
		path    string
		body    []byte
		chunked bool
		want    string
	}{
		{"predict 20 MB", "/predict", append([]byte(`{"features":{"sepal_length":`), bytes.Repeat([]byte(" "), 20<<20)...), false,
			`{"detail":"request body is larger than the limit of 4096 bytes"}`},
		{"batch of 200,000 rows", "/predict/batch", batch, false,
			`{"detail":"request body is larger than the limit of 4096 bytes"}`},
		{"chunked", "/predict/batch", batch, true,
			`{"detail":"request body is larger than the limit of 4096 bytes"}`},
		{"infer", "/v2/models/random_forest/infer", bytes.Repeat([]byte(" "), 8<<20), false,
			`{"error":"request body is larger than the limit of 4096 bytes"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
			if err := sendAll(conn, tt.path, tt.body, tt.chunked); err != nil {
				t.Fatalf("writing the %d-byte body: %v (want the server to read and discard it)", len(tt.body), err)
			}
			status, body, err := readAnswer(conn)
			if err != nil {
				t.Fatalf("reading the answer: %v", err)
			}
			if status != http.StatusRequestEntityTooLarge || body != tt.want {
				t.Errorf("got %d %s, want 413 %s", status, body, tt.want)
			}
		})
	}
}

// TestLingeringIsBounded checks both bounds: a connection lingers for at
// most lingerOptions.bytes, and at most lingerOptions.conns connections
// linger at once; past either, the connection is closed and the client
// still writing sees it fail.
func TestLingeringIsBounded(t *testing.T) {
	tests := []struct {
		name string
		opts lingerOptions
		// hold, when set, makes one connection linger first and keep its
		// slot while the measured one is sent.
		hold bool
	}{
		{"bytes", lingerOptions{bytes: 1 << 20, time: time.Minute, conns: 4}, false},
		{"connections", lingerOptions{bytes: 1 << 30, time: time.Minute, conns: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := startLingering(t, tt.opts)
			if tt.hold {
				held, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer held.Close()
				// Announce a large body and read the 413 before sending
				// it: the connection now lingers, holding the only slot.
				if _, err := io.WriteString(held, "POST /predict HTTP/1.1\r\nHost: test\r\nContent-Length: 100000000\r\n\r\n"); err != nil {
					t.Fatal(err)
				}
				if status, _, err := readAnswer(held); err != nil || status != http.StatusRequestEntityTooLarge {
					t.Fatalf("held connection: %d %v, want 413", status, err)
				}
				if _, err := held.Write(make([]byte, 1<<20)); err != nil {
					t.Fatalf("held connection does not linger: %v", err)
				}
			}
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
			// Far more than the socket buffers hold, so the writes must
			// reach a closed connection.
			err = sendAll(conn, "/predict", bytes.Repeat([]byte(" "), 32<<20), false)
			if err == nil {
				t.Fatal("writing 32 MiB succeeded; want the connection closed past the bound")
			}
		})
	}
}
