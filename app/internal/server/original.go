package server

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mlopsgo/mlops/app/internal/openapi"
	"github.com/mlopsgo/mlops/app/internal/registry"
	"github.com/mlopsgo/mlops/app/internal/request"
	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/training/model"
)

// The original service's endpoints: the Python (FastAPI) service this app
// replaces served GET /, /health and /models and POST /predict,
// /predict/batch and /predict/all-models, and its clients parse exactly its
// paths, field names and shapes, which these handlers keep: prediction
// bodies carry species, species_code, model_used, confidence, probabilities
// by class name and an ISO-8601 timestamp; requests that name no model use
// random_forest when it is served; errors are FastAPI's {"detail": ...}.

func (s *Server) getRoot(c *fiber.Ctx) error {
	l := s.live.Load()
	var names []string
	dataset := ""
	if l.snap != nil {
		names, dataset = l.snap.Names(), l.snap.Dataset
	}
	return c.JSON(fiber.Map{
		"message":          openapi.Title(dataset),
		"version":          openapi.APIVersion,
		"available_models": nonNil(names),
		"endpoints": fiber.Map{
			"predict":            "/predict",
			"batch_predict":      "/predict/batch",
			"predict_all_models": "/predict/all-models",
			"health":             "/health",
			"models":             "/models",
			"metrics":            "/metrics",
		},
	})
}

func (s *Server) getHealth(c *fiber.Ctx) error {
	now := s.now()
	return c.JSON(fiber.Map{
		"status":         "healthy",
		"timestamp":      timestamp(now),
		"models_loaded":  s.loadedCount(),
		"uptime_seconds": now.Sub(s.summary.start).Seconds(),
	})
}

func (s *Server) getModels(c *fiber.Ctx) error {
	l, err := s.serving()
	if err != nil {
		return err
	}
	mapping := make(map[string]string, len(l.def.m.Classes))
	for i, c := range l.def.m.Classes {
		mapping[strconv.Itoa(i)] = c
	}
	names := l.snap.Names()
	roles := make([]modelRole, len(l.models))
	for i, sv := range l.models {
		roles[i] = modelRole{Name: sv.m.Name, Role: string(sv.m.Role), Shadowed: l.shadowed[sv.m.Name]}
	}
	return c.JSON(fiber.Map{
		"available_models": names,
		"models_loaded":    names,
		"default_model":    l.def.m.Name,
		"champion":         l.champion.m.Name,
		"species_mapping":  mapping,
		"models":           roles,
	})
}

// modelRole is one entry of /models' "models": a model's index role and
// whether it is scored in shadow.
type modelRole struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Shadowed bool   `json:"shadowed"`
}

func (s *Server) getMetricsSummary(c *fiber.Ctx) error {
	return c.JSON(s.summary.snapshot(s.now(), s.loadedCount()))
}

func (s *Server) postPredict(c *fiber.Ctx) error {
	body, err := jsonBody(c)
	if err != nil {
		return s.rejected(nil, err)
	}
	l, err := s.serving()
	if err != nil {
		return err
	}
	d := request.Get()
	defer request.Put(d)
	name, err := d.Predict(body)
	if err != nil {
		return s.rejected(nil, err)
	}
	sv, err := l.model(name, d.Named(), l.def)
	if err != nil {
		return s.rejected(nil, err)
	}
	x, err := d.Rows(sv.m.Features)
	if err != nil {
		return s.rejected(sv, err)
	}
	sv.countImputed(d)
	var stack [16]float64
	probs := probsBuf(stack[:], len(sv.m.Classes))
	s.infer(sv, x, d.ImputedAt(), probs)

	buf := getBuf()
	defer putBuf(buf)
	var tsb [48]byte
	ts := appendTimestamp(tsb[:0], s.now())
	*buf = appendPrediction(*buf, sv, probs, true, ts)
	s.scoreShadow(sv, x, probs)
	return sendJSON(c, *buf)
}

func (s *Server) postPredictBatch(c *fiber.Ctx) error {
	body, err := jsonBody(c)
	if err != nil {
		return s.rejected(nil, err)
	}
	l, err := s.serving()
	if err != nil {
		return err
	}
	d := request.Get()
	defer request.Put(d)
	name, err := d.Batch(body, s.opts.MaxBatch)
	if err != nil {
		return s.rejected(nil, err)
	}
	sv, err := l.model(name, d.Named(), l.def)
	if err != nil {
		return s.rejected(nil, err)
	}
	x, err := d.Rows(sv.m.Features)
	if err != nil {
		return s.rejected(sv, err)
	}
	sv.countImputed(d)
	rows, nc := d.NumRows(), len(sv.m.Classes)
	probs := make([]float64, rows*nc)
	s.infer(sv, x, d.ImputedAt(), probs)

	buf := getBuf()
	defer putBuf(buf)
	var tsb [48]byte
	ts := appendTimestamp(tsb[:0], s.now())
	b := append(*buf, `{"predictions":[`...)
	for r := range rows {
		if r > 0 {
			b = append(b, ',')
		}
		b = appendPrediction(b, sv, probs[r*nc:(r+1)*nc], true, ts)
	}
	b = append(b, `],"total_predictions":`...)
	b = strconv.AppendInt(b, int64(rows), 10)
	b = append(b, `,"model_used":`...)
	b = append(b, sv.quotedName...)
	b = append(b, '}')
	*buf = b
	s.scoreShadow(sv, x, probs)
	return sendJSON(c, b)
}

func (s *Server) postPredictAllModels(c *fiber.Ctx) error {
	start := time.Now()
	body, err := jsonBody(c)
	if err != nil {
		return s.rejected(nil, err)
	}
	l, err := s.serving()
	if err != nil {
		return err
	}
	d := request.Get()
	defer request.Put(d)
	if err := d.Features(body); err != nil {
		return s.rejected(nil, err)
	}
	buf := getBuf()
	defer putBuf(buf)
	b := append(*buf, `{"predictions":{`...)
	var stack [16]float64
	for i, sv := range l.models {
		// Models of one set share their features; Rows checks each anyway.
		x, err := d.Rows(sv.m.Features)
		if err != nil {
			return s.rejected(sv, err)
		}
		sv.countImputed(d)
		probs := probsBuf(stack[:], len(sv.m.Classes))
		s.infer(sv, x, d.ImputedAt(), probs)
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, sv.quotedName...)
		b = append(b, ':')
		b = appendPrediction(b, sv, probs, false, nil)
	}
	b = append(b, `},"timestamp":`...)
	b = appendTimestamp(b, s.now())
	b = append(b, `,"processing_time_seconds":`...)
	b = appendFloat(b, time.Since(start).Seconds())
	b = append(b, '}')
	*buf = b
	return sendJSON(c, b)
}

// serving returns the live set, or ErrNotReady when none is loaded.
func (s *Server) serving() (*live, error) {
	l := s.live.Load()
	if l == nil || l.snap == nil {
		return nil, ErrNotReady
	}
	return l, nil
}

// infer predicts every row of x (row-major, one value per feature) into
// probs (one slot per class per row) and records the model's metrics, the
// compatibility counters and the drift window, where the values at the
// indices imputed (nulls the decoder filled) count as missing.
func (s *Server) infer(sv *served, x []float64, imputed []int, probs []float64) {
	m := sv.m
	nf, nc := len(m.Features), len(m.Classes)
	rows := len(x) / nf
	start := time.Now()
	for r := range rows {
		m.PredictInto(probs[r*nc:(r+1)*nc], x[r*nf:(r+1)*nf])
	}
	elapsed := time.Since(start)
	sv.inference.Observe(elapsed.Seconds())
	for r := range rows {
		p := probs[r*nc : (r+1)*nc]
		k := model.ArgMax(p)
		sv.byClass[k].Inc()
		sv.confidence.Observe(p[k])
		sv.compatClass[k].Add(1)
		for j := range m.Features {
			if v := x[r*nf+j]; v < m.Features[j].Stats.Min || v > m.Features[j].Stats.Max {
				sv.trainingOOR[j].Inc()
			}
		}
	}
	sv.compatModel.Add(int64(rows))
	s.summary.total.Add(int64(rows))
	s.summary.requests.Add(1)
	s.summary.durNanos.Add(int64(elapsed))
	m.Drift.Observe(x, imputed)
}

// rejected counts a rejected prediction request and returns err. sv is the
// model the request was for, nil when not known yet.
func (s *Server) rejected(sv *served, err error) error {
	if errors.Is(err, ErrNotReady) {
		return err // the server's state, not the request's fault
	}
	s.summary.errors.Add(1)
	var (
		verr *request.ValidationError
		nf   *registry.NotFoundError
	)
	switch {
	case errors.As(err, &nf):
		s.metrics.errors.WithLabelValues("", telemetry.ReasonUnknownModel).Inc()
	case sv == nil:
		// Malformed before a model was chosen: count it under no model.
		reason := telemetry.ReasonInvalidInput
		if errors.Is(err, request.ErrTooLarge) {
			reason = telemetry.ReasonTooLarge
		}
		s.metrics.errors.WithLabelValues("", reason).Inc()
	case errors.As(err, &verr) && (verr.Has(request.TypeNotGE) || verr.Has(request.TypeNotLE)):
		sv.outOfRange.Inc()
		for _, it := range verr.Items {
			if it.Type != request.TypeNotGE && it.Type != request.TypeNotLE {
				continue
			}
			if j := featureIndex(sv.m, it.Loc); j >= 0 {
				sv.declaredOOR[j].Inc()
			}
		}
	case errors.Is(err, request.ErrTooLarge):
		sv.tooLarge.Inc()
	default:
		sv.invalid.Inc()
	}
	return err
}

// featureIndex finds the feature a validation location ends with.
func featureIndex(m *registry.Model, loc []any) int {
	if len(loc) == 0 {
		return -1
	}
	name, _ := loc[len(loc)-1].(string)
	for j, f := range m.Features {
		if f.Name == name {
			return j
		}
	}
	return -1
}

// jsonBody returns the request body when its Content-Type is JSON or
// absent (as FastAPI accepted).
func jsonBody(c *fiber.Ctx) ([]byte, error) {
	ct := c.Get(fiber.HeaderContentType)
	if ct != "" && !isJSON(ct) {
		return nil, ErrUnsupportedMediaType
	}
	return c.Body(), nil
}

// isJSON reports whether a Content-Type is application/json or a +json type,
// ignoring parameters and case.
func isJSON(ct string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	return strings.EqualFold(ct, fiber.MIMEApplicationJSON) ||
		len(ct) > 5 && strings.EqualFold(ct[len(ct)-5:], "+json") && strings.HasPrefix(strings.ToLower(ct), "application/")
}

func sendJSON(c *fiber.Ctx, b []byte) error {
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
	c.Response().SetBody(b) // copies b, so the caller may reuse it
	return nil
}

func probsBuf(stack []float64, n int) []float64 {
	if n <= len(stack) {
		return stack[:n]
	}
	return make([]float64, n)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
