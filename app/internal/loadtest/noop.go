package loadtest

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/gofiber/fiber/v2"
)

// ServeNoop serves the baseline: a bare Fiber app whose one route,
// POST /noop, reads nothing and answers {} with the same server settings
// model-api uses. It prints its address to out, then serves until ctx is
// done.
func ServeNoop(ctx context.Context, out io.Writer) error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, BodyLimit: 1 << 20})
	app.Post("/noop", func(c *fiber.Ctx) error {
		c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
		return c.SendString("{}")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Fprintln(out, ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return app.ShutdownWithContext(context.WithoutCancel(ctx))
	}
}
