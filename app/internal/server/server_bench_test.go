package server

import (
	"context"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
)

// BenchmarkHandlers measures the server's work per request (routing,
// middleware, decoding, inference, metrics, encoding) without a network, by
// calling Fiber's fasthttp handler directly. The shadow_ cases score
// decision_tree in shadow on every request: what the request pays for it
// (copies and an enqueue; the worker's scoring runs beside, and what finds
// the queue full is dropped).
func BenchmarkHandlers(b *testing.B) {
	dir := b.TempDir()
	modeltest.WriteSet(b, dir, "logistic_regression")
	plain, _ := newBenchServer(b, Options{ModelDir: dir})
	shadowed, _ := newBenchServer(b, Options{ModelDir: dir, ShadowModels: []string{"decision_tree"}})
	cases := []struct {
		name, method, path, body string
	}{
		{"healthz", "GET", "/healthz", ""},
		{"predict", "POST", "/predict", `{"features":` + setosa + `,"model_name":"random_forest"}`},
		{"predict_batch_5", "POST", "/predict/batch", `{"features_list":[` + setosa + `,` + setosa + `,` + setosa + `,` + setosa + `,` + setosa + `]}`},
		{"infer", "POST", "/v2/models/random_forest/infer", `{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP64","data":[5.1,3.5,1.4,0.2]}]}`},
		{"infer_per_feature", "POST", "/v2/models/random_forest/infer", `{"inputs":[{"name":"sepal_length","shape":[1],"datatype":"FP64","data":[5.1]},{"name":"sepal_width","shape":[1],"datatype":"FP64","data":[3.5]},{"name":"petal_length","shape":[1],"datatype":"FP64","data":[1.4]},{"name":"petal_width","shape":[1],"datatype":"FP64","data":[0.2]}]}`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchHandler(b, plain, c.method, c.path, c.body) })
	}
	for _, c := range cases[1:] {
		b.Run("shadow_"+c.name, func(b *testing.B) { benchHandler(b, shadowed, c.method, c.path, c.body) })
	}
}

func benchHandler(b *testing.B, s *Server, method, path, body string) {
	h := s.App().Handler()
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	for b.Loop() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod(method)
		ctx.Request.SetRequestURI(path)
		if body != "" {
			ctx.Request.Header.SetContentType("application/json")
			ctx.Request.SetBodyString(body)
		}
		h(&ctx)
		if code := ctx.Response.StatusCode(); code != 200 {
			b.Fatalf("%s %s: %d %s", method, path, code, ctx.Response.Body())
		}
	}
}

func newBenchServer(b *testing.B, opts Options) (*Server, error) {
	b.Helper()
	reg := newRegistry()
	s, err := NewServer(b.Context(), Deps{Options: opts, Registerer: reg, Gatherer: reg})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if s.shadow != nil {
			_, _ = s.shadow.Stop(context.WithoutCancel(b.Context()))
		}
	})
	return s, nil
}
