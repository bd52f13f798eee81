package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

const headerRequestID = "X-Request-ID"

// routeUnmatched labels requests that matched no route, so a scan of random
// paths cannot create series.
const routeUnmatched = "unmatched"

// localRoute is the Locals key under which a route's handler leaves its
// route label for instrument.
type localKey int

const localRoute localKey = 0

// labelled wraps a route's handler so that instrument knows which route
// matched: Fiber's own Route() cannot tell a route from the middleware when
// nothing matched.
func labelled(route string, h fiber.Handler) fiber.Handler {
	label := &route
	return func(c *fiber.Ctx) error {
		c.Locals(localRoute, label)
		return h(c)
	}
}

// requestIDs makes request ids: a random prefix per process and a counter,
// unique without a syscall per request.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail on Linux
	return &requestIDs{prefix: hex.EncodeToString(b[:]) + "-"}
}

func (r *requestIDs) next() string {
	return r.prefix + strconv.FormatUint(r.n.Add(1), 36)
}

var ids = newRequestIDs()

// instrument wraps every request in one place: it sets the request id,
// recovers panics into a 500 (counted), maps handler errors through the
// error handler so the status is final, then records the RED metrics by
// route template and logs the request.
func (s *Server) instrument(c *fiber.Ctx) error {
	start := time.Now()
	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()

	rid := c.Get(headerRequestID)
	if !validRequestID(rid) {
		rid = ids.next()
	}
	c.Set(headerRequestID, rid) // copies rid into the response

	if err := s.next(c); err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			s.log.Error("error handler failed", "err", herr)
			c.Status(fiber.StatusInternalServerError)
		}
	}

	route, method := routeUnmatched, normMethod(c.Method())
	if label, ok := c.Locals(localRoute).(*string); ok {
		route = *label
	}
	code := c.Response().StatusCode()
	elapsed := time.Since(start)
	s.metrics.observe(route, method, code, elapsed.Seconds(), len(c.Request().Body()))

	level := slog.LevelDebug
	if code >= 500 {
		level = slog.LevelError
	}
	if s.log.Enabled(context.Background(), level) {
		s.log.Log(context.Background(), level, "request",
			"request_id", c.GetRespHeader(headerRequestID), "method", method, "route", route,
			"path", c.Path(), "status", code, "duration_seconds", elapsed.Seconds())
	}
	return nil
}

// next runs the rest of the chain, turning a panic into errPanic.
func (s *Server) next(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.metrics.panics.Inc()
			s.log.Error("panic serving request", "err", fmt.Sprint(r), "path", c.Path(), "stack", string(debug.Stack()))
			err = errPanic
		}
	}()
	return c.Next()
}

// validRequestID accepts a client's id when it is short and plain.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// normMethod maps the request method to a constant, so a label value never
// refers to request memory and arbitrary methods cannot create series.
func normMethod(m string) string {
	switch m {
	case fiber.MethodGet:
		return fiber.MethodGet
	case fiber.MethodPost:
		return fiber.MethodPost
	case fiber.MethodHead:
		return fiber.MethodHead
	case fiber.MethodOptions:
		return fiber.MethodOptions
	case fiber.MethodPut:
		return fiber.MethodPut
	case fiber.MethodDelete:
		return fiber.MethodDelete
	case fiber.MethodPatch:
		return fiber.MethodPatch
	}
	return "OTHER"
}
