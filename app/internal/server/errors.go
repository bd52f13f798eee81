package server

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mlopsgo/mlops/app/internal/registry"
	"github.com/mlopsgo/mlops/app/internal/request"
)

// Errors handlers return; errorHandler maps each to a status and a body.
var (
	// ErrNotReady is returned while no model set is loaded or the server is
	// draining.
	ErrNotReady = errors.New("server: not ready")
	// ErrUnsupportedMediaType is returned for a body that is not JSON.
	ErrUnsupportedMediaType = errors.New("server: unsupported media type")
	// ErrUnauthorized is returned for an admin request without the token.
	ErrUnauthorized = errors.New("server: unauthorized")
	// ErrAdminDisabled is returned by the admin endpoint when no token is
	// configured.
	ErrAdminDisabled = errors.New("server: admin endpoint disabled")
	// ErrReloadFailed wraps the cause of a failed reload.
	ErrReloadFailed = errors.New("server: reload failed")
	// ErrVersionNotFound is returned for a model version that is not served.
	ErrVersionNotFound = errors.New("server: model version not found")
	// errPanic marks a recovered panic.
	errPanic = errors.New("server: internal error")
)

// OptionError reports an invalid [Options] field: which one, its value and
// what is accepted. [Options.Validate] returns it.
type OptionError struct {
	// Field is the Options field's name, e.g. "MaxBatch".
	Field string
	// Value is the rejected value (for CORSOrigins, the rejected origin).
	Value any
	// Want describes the accepted values.
	Want string
}

func (e *OptionError) Error() string {
	if v, ok := e.Value.(string); ok {
		return fmt.Sprintf("server: Options.%s is %q, want %s", e.Field, v, e.Want)
	}
	return fmt.Sprintf("server: Options.%s is %v, want %s", e.Field, e.Value, e.Want)
}

// versionError names the requested and the served version.
type versionError struct {
	model, want, have string
}

func (e *versionError) Error() string {
	return fmt.Sprintf("model %q has no version %q; it serves version %q", e.model, clip(e.want), e.have)
}

func (e *versionError) Unwrap() error { return ErrVersionNotFound }

// errorHandler turns every error a handler returns into a JSON response:
// {"error": "..."} under /v2 (the Open Inference Protocol's shape) and
// {"detail": ...} elsewhere (FastAPI's, which the original clients parse).
// Only a panic or a failed reload gives a 5xx besides not-ready's 503.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	oip := isOIP(c.Path())
	status, detail := s.classify(err, oip)
	if status >= 500 && status != fiber.StatusServiceUnavailable {
		s.log.Error("request failed", "err", err, "path", c.Path(), "request_id", c.GetRespHeader(headerRequestID))
	}
	if status == fiber.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="model-api"`)
	}
	if oip {
		msg, ok := detail.(string)
		if !ok {
			msg = err.Error()
		}
		return c.Status(status).JSON(fiber.Map{"error": msg})
	}
	return c.Status(status).JSON(fiber.Map{"detail": detail})
}

// classify returns the status and the error's "detail" for err.
func (s *Server) classify(err error, oip bool) (int, any) {
	var (
		verr *request.ValidationError
		nf   *registry.NotFoundError
		ferr *fiber.Error
	)
	switch {
	case errors.As(err, &verr):
		if oip {
			return fiber.StatusBadRequest, verr.Error()
		}
		return fiber.StatusUnprocessableEntity, verr.Items
	case errors.As(err, &nf):
		if oip {
			return fiber.StatusNotFound, fmt.Sprintf("model %q not found; available models: %s", clip(nf.Name), strings.Join(nf.Available, ", "))
		}
		// The original's message, word for word (a Python list repr).
		return fiber.StatusBadRequest, fmt.Sprintf("Model '%s' not found. Available models: %s", clip(nf.Name), pyList(nf.Available))
	case errors.Is(err, ErrVersionNotFound):
		return fiber.StatusNotFound, err.Error()
	case errors.Is(err, request.ErrTooLarge):
		return fiber.StatusRequestEntityTooLarge, strings.TrimPrefix(err.Error(), "request: ")
	case errors.Is(err, ErrNotReady), errors.Is(err, registry.ErrNoModels):
		return fiber.StatusServiceUnavailable, "not ready: no model set is loaded or the server is shutting down"
	case errors.Is(err, ErrUnsupportedMediaType):
		return fiber.StatusUnsupportedMediaType, "Content-Type must be application/json"
	case errors.Is(err, ErrUnauthorized):
		return fiber.StatusUnauthorized, "a valid bearer token is required"
	case errors.Is(err, ErrAdminDisabled):
		return fiber.StatusForbidden, "the admin endpoint is disabled: set ADMIN_TOKEN to enable it"
	case errors.Is(err, ErrReloadFailed):
		return fiber.StatusInternalServerError, err.Error()
	case errors.As(err, &ferr):
		return ferr.Code, fiberMessage(ferr, s.opts.BodyLimit)
	case errors.Is(err, errPanic):
		return fiber.StatusInternalServerError, "Internal Server Error"
	}
	s.log.Error("unclassified error", slog.Any("err", err))
	return fiber.StatusInternalServerError, "Internal Server Error"
}

// fiberMessage words Fiber's own errors as FastAPI did ("Not Found",
// "Method Not Allowed") and says what the limit is when a body is too large.
func fiberMessage(e *fiber.Error, bodyLimit int) string {
	switch e.Code {
	case fiber.StatusNotFound:
		return "Not Found"
	case fiber.StatusMethodNotAllowed:
		return "Method Not Allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "request body is larger than the limit of " + strconv.Itoa(bodyLimit) + " bytes"
	}
	return e.Message
}

func isOIP(path string) bool { return path == "/v2" || strings.HasPrefix(path, "/v2/") }

// clip shortens user-supplied names quoted back in messages.
func clip(s string) string {
	const limit = 100
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}

// pyList renders names as Python's repr of a list of strings.
func pyList(names []string) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("'" + strings.ReplaceAll(strings.ReplaceAll(n, `\`, `\\`), "'", `\'`) + "'")
	}
	sb.WriteByte(']')
	return sb.String()
}
