package server

import (
	"crypto/subtle"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Operational endpoints: probes, metrics, reload, the API description.

// healthzBody is constant: the liveness probe is polled often and should
// cost nothing.
var healthzBody = []byte(`{"status":"ok"}`)

func (s *Server) getHealthz(c *fiber.Ctx) error {
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
	return c.Send(healthzBody) // never modified
}

func (s *Server) getReadyz(c *fiber.Ctx) error {
	if !s.ready() {
		return ErrNotReady
	}
	l := s.live.Load()
	return c.JSON(fiber.Map{"status": "ready", "default_model": l.def.m.Name, "champion": l.champion.m.Name})
}

func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.gather, promhttp.HandlerOpts{}))
}

func (s *Server) postAdminReload(c *fiber.Ctx) error {
	if s.opts.AdminToken == "" {
		return ErrAdminDisabled
	}
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.opts.AdminToken)) != 1 {
		return ErrUnauthorized
	}
	snap, err := s.Reload(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{
		"status":        "reloaded",
		"models":        snap.Names(),
		"champion":      snap.Champion.Name,
		"default_model": snap.Default.Name,
	})
}

func (s *Server) getOpenAPI(c *fiber.Ctx) error {
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(s.live.Load().docs().openapi) // immutable once built
}

func (s *Server) getDocs(c *fiber.Ctx) error {
	p := s.live.Load().docs().page
	// Everything the page needs is inline; the policy allows exactly that
	// and calls back to this server, nothing else.
	c.Set("Content-Security-Policy", p.CSP)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "no-referrer")
	c.Response().Header.SetContentType(fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(p.HTML)
}
