package server

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Lingering close, as nginx does it (its lingering_close, lingering_time and
// lingering_timeout settings).
//
// fasthttp answers a request whose body is over the limit with a 413 as soon
// as it knows (from Content-Length, before reading the body), then closes
// the connection. A client that writes its whole body before reading the
// answer, as Python's urllib and requests do, is then still writing: the
// kernel answers the unread data with a reset, and the reset discards the
// 413 before the client reads it, so the client sees "connection reset"
// instead of the JSON error. Instead, after the answer is written, the
// server shuts down its sending side and reads and discards what the client
// still sends, up to a size and a time, then closes.

// lingerOptions bound lingering. Tests make them small.
type lingerOptions struct {
	bytes int64         // most bytes discarded per connection
	time  time.Duration // longest a connection lingers
	conns int           // most connections lingering at once; beyond, close at once
}

var defaultLinger = lingerOptions{bytes: 64 << 20, time: 5 * time.Second, conns: 64}

// lingerListener hands out connections that linger on Close when marked.
type lingerListener struct {
	net.Listener
	opts  lingerOptions
	slots chan struct{}

	mu      sync.Mutex
	stopped bool
	active  map[*lingerConn]struct{}
	wg      sync.WaitGroup
}

func newLingerListener(ln net.Listener, opts lingerOptions) *lingerListener {
	return &lingerListener{Listener: ln, opts: opts, slots: make(chan struct{}, opts.conns), active: map[*lingerConn]struct{}{}}
}

// Accept returns the next connection, wrapped.
func (l *lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lingerConn{Conn: c, l: l}, nil
}

// stop ends every lingering connection now and waits for them to close.
func (l *lingerListener) stop() {
	l.mu.Lock()
	l.stopped = true
	for c := range l.active {
		_ = c.SetReadDeadline(time.Now())
	}
	l.mu.Unlock()
	l.wg.Wait()
}

// start registers c as lingering, unless too many are or the listener
// stopped.
func (l *lingerListener) start(c *lingerConn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return false
	}
	select {
	case l.slots <- struct{}{}:
	default:
		return false
	}
	l.active[c] = struct{}{}
	l.wg.Add(1)
	return true
}

func (l *lingerListener) done(c *lingerConn) {
	l.mu.Lock()
	delete(l.active, c)
	l.mu.Unlock()
	<-l.slots
	l.wg.Done()
}

// lingerConn is a connection that, once marked, lingers when closed.
type lingerConn struct {
	net.Conn
	l      *lingerListener
	linger atomic.Bool
	closed atomic.Bool
}

// Close closes the connection, first draining it in the background if it
// was marked.
func (c *lingerConn) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	if !c.linger.Load() || !c.l.start(c) {
		return c.Conn.Close()
	}
	go c.drain()
	return nil
}

func (c *lingerConn) drain() {
	defer c.l.done(c)
	// The answer is written: send FIN after it, so the client reads it
	// and then end of stream.
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_ = c.SetReadDeadline(time.Now().Add(c.l.opts.time))
	_, _ = io.CopyN(io.Discard, c.Conn, c.l.opts.bytes)
	_ = c.Conn.Close()
}

// lingerOnBodyTooLarge wraps fasthttp's error handler so that a connection
// whose request body was over the limit, and so is left unread, lingers
// when fasthttp closes it after the 413.
func lingerOnBodyTooLarge(next func(*fasthttp.RequestCtx, error)) func(*fasthttp.RequestCtx, error) {
	return func(ctx *fasthttp.RequestCtx, err error) {
		if errors.Is(err, fasthttp.ErrBodyTooLarge) {
			if c, ok := ctx.Conn().(*lingerConn); ok {
				c.linger.Store(true)
			}
		}
		next(ctx, err)
	}
}
