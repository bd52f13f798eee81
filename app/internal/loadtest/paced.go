package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"
)

// PacedFigure is one load at a fixed request rate.
type PacedFigure struct {
	// Rate is the rate asked for, in requests per second.
	Rate float64
	// Sent counts the requests answered 200; Failed the others (a non-200
	// status or a broken connection).
	Sent, Failed int
	// Latencies are measured from each request's scheduled start, not from
	// when it was written, so a server that falls behind is charged for the
	// requests waiting behind the slow one (no coordinated omission).
	P50, P99 time.Duration
}

// paced sends POST requests with body to target at rate requests per second
// over conns keep-alive connections for d (target: http://host:port/path), open loop: request i of a
// connection is due at start + i*conns/rate (the connections staggered),
// and one sent late still counts its latency from when it was due. It
// stops by itself after d.
func paced(ctx context.Context, target, body string, rate float64, conns int, d time.Duration) (PacedFigure, error) {
	if rate <= 0 || conns <= 0 || d <= 0 {
		return PacedFigure{}, fmt.Errorf("paced load: rate %g, connections %d and duration %s must be positive", rate, conns, d)
	}
	addr, path, err := splitURL(target)
	if err != nil {
		return PacedFigure{}, err
	}
	req := []byte("POST " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	interval := time.Duration(float64(conns) / rate * float64(time.Second))
	start := time.Now().Add(10 * time.Millisecond) // every connection dialled first
	end := start.Add(d)

	type result struct {
		lat    []time.Duration
		failed int
		err    error
	}
	results := make([]result, conns)
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &results[c]
			conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
			if err != nil {
				r.err = err
				return
			}
			defer conn.Close()
			br := bufio.NewReader(conn)
			r.lat = make([]time.Duration, 0, int(d/interval)+1)
			first := start.Add(time.Duration(c) * interval / time.Duration(conns))
			for i := 0; ; i++ {
				due := first.Add(time.Duration(i) * interval)
				if !due.Before(end) || ctx.Err() != nil {
					return
				}
				if wait := time.Until(due); wait > 0 {
					time.Sleep(wait)
				}
				ok, err := roundTrip(conn, br, req)
				if err != nil {
					// The connection is gone: count this request and stop
					// this connection's schedule.
					r.failed++
					r.err = err
					return
				}
				if !ok {
					r.failed++
					continue
				}
				r.lat = append(r.lat, time.Since(due))
			}
		}()
	}
	wg.Wait()
	f := PacedFigure{Rate: rate}
	var all []time.Duration
	var errs []error
	for _, r := range results {
		all = append(all, r.lat...)
		f.Failed += r.failed
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	f.Sent = len(all)
	if len(all) == 0 {
		return f, fmt.Errorf("paced load on %s: no request answered 200: %w", target, errors.Join(errs...))
	}
	slices.Sort(all)
	f.P50 = all[len(all)/2]
	f.P99 = all[min(len(all)-1, len(all)*99/100)]
	if f.Failed > 0 {
		return f, fmt.Errorf("paced load on %s: %d of %d requests failed: %w", target, f.Failed, f.Failed+f.Sent, errors.Join(errs...))
	}
	return f, nil
}

// roundTrip writes one request and reads its whole response, reporting
// whether it was a 200. It reads the status line and headers by hand,
// allocating nothing, so that the load generator's own garbage collection
// does not show in the latencies it measures.
func roundTrip(conn net.Conn, br *bufio.Reader, req []byte) (bool, error) {
	if _, err := conn.Write(req); err != nil {
		return false, err
	}
	line, err := br.ReadSlice('\n')
	if err != nil {
		return false, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return false, fmt.Errorf("not an HTTP/1 status line: %q", line)
	}
	ok := string(line[9:12]) == "200"
	length, closing := -1, false
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return false, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, found := bytes.Cut(h, []byte(":"))
		if !found {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 {
				return false, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return false, errors.New("a chunked response: the load generator reads Content-Length bodies only")
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			closing = true
		}
	}
	if length < 0 {
		return false, errors.New("a response without Content-Length")
	}
	if _, err := br.Discard(length); err != nil {
		return false, err
	}
	if closing {
		return ok, errors.New("the server closed the connection")
	}
	return ok, nil
}

// splitURL splits http://host:port/path into host:port and /path.
func splitURL(raw string) (addr, path string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return "", "", fmt.Errorf("paced load: %q is not an http://host:port/path URL", raw)
	}
	return u.Host, u.RequestURI(), nil
}
