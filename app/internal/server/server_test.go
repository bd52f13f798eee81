package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
)

// testNow is the fixed clock of handler tests, so timestamps are exact.
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 600000000, time.UTC)

const testTimestamp = "2026-01-02T03:04:05.600000+00:00"

// testOptions are small limits that tests can exceed cheaply.
func testOptions(dir string) Options {
	return Options{ModelDir: dir, AdminToken: "s3cret", MaxBatch: 5, BodyLimit: 4096, DriftMinObservations: 5}
}

// newTestServer returns a server over dir with its own registry.
func newTestServer(t *testing.T, opts Options) (*Server, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	s, err := NewServer(t.Context(), Deps{
		Options:    opts,
		Logger:     slog.New(slog.DiscardHandler),
		Registerer: reg,
		Gatherer:   reg,
		Now:        func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	t.Cleanup(func() { s.stopShadow(t) })
	return s, reg
}

// stopShadow stops the shadow workers of a server that never served (Stop
// does it for one that did).
func (s *Server) stopShadow(t *testing.T) {
	if s.shadow != nil {
		_, _ = s.shadow.Stop(context.WithoutCancel(t.Context()))
	}
}

// call is one request through app.Test.
type call struct {
	method, path, body string
	header             map[string]string
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, app *fiber.App, c call) result {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req := httptest.NewRequest(c.method, c.path, body)
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := app.Test(req, 5000)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: data}
}

// jsonEqual reports whether two JSON documents hold the same values.
func jsonEqual(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("response is not JSON (%v): %s", err, got)
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

// field returns the value at a dotted path in a JSON document ("a.0.b").
func field(t *testing.T, doc []byte, path string) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, doc)
	}
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	if n, ok := v.(json.Number); ok {
		return n.String()
	}
	return v
}

// feats renders an Iris row as a features object.
func feats(row []float64) string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, name := range modeltest.Features {
		if i > 0 {
			sb.WriteByte(',')
		}
		b, _ := json.Marshal(row[i])
		sb.WriteString(`"` + name + `":` + string(b))
	}
	sb.WriteByte('}')
	return sb.String()
}
