package server

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mlopsgo/mlops/app/internal/openapi"
	"github.com/mlopsgo/mlops/app/internal/request"
	"github.com/mlopsgo/mlops/training/model"
)

// The Open Inference Protocol (KServe V2) REST endpoints. Errors are
// {"error": "..."}: 400 for a bad request, 404 for an unknown model or
// version, 413 for a batch over the limit, 503 when not ready.

// inputTensorName is the name model metadata gives the one [N, F] input.
const inputTensorName = openapi.InputTensorName

// Tensor metadata, as in $metadata_tensor.
type tensorMeta struct {
	Name     string `json:"name"`
	Datatype string `json:"datatype"`
	Shape    []int  `json:"shape"`
}

type modelMeta struct {
	Name     string       `json:"name"`
	Versions []string     `json:"versions"`
	Platform string       `json:"platform"`
	Inputs   []tensorMeta `json:"inputs"`
	Outputs  []tensorMeta `json:"outputs"`
}

func (s *Server) getV2Server(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"name": "model-api", "version": s.opts.Version, "extensions": []string{}})
}

func (s *Server) getV2Live(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"live": true})
}

func (s *Server) getV2Ready(c *fiber.Ctx) error {
	if !s.ready() {
		return ErrNotReady
	}
	return c.JSON(fiber.Map{"ready": true})
}

// v2Model resolves the :name (and :version, when the route has one).
func (s *Server) v2Model(c *fiber.Ctx) (*served, error) {
	l, err := s.serving()
	if err != nil {
		return nil, err
	}
	// Copy: Fiber's params point into request memory.
	sv, err := l.model(string([]byte(c.Params("name"))), true, nil)
	if err != nil {
		return nil, err
	}
	if v := c.Params("version"); v != "" && v != sv.m.Version {
		return nil, &versionError{model: sv.m.Name, want: string([]byte(v)), have: sv.m.Version}
	}
	return sv, nil
}

func (s *Server) getV2Model(c *fiber.Ctx) error {
	sv, err := s.v2Model(c)
	if err != nil {
		return err
	}
	m := sv.m
	return c.JSON(modelMeta{
		Name:     m.Name,
		Versions: []string{m.Version},
		Platform: "mlops_" + m.Algorithm,
		Inputs:   []tensorMeta{{Name: inputTensorName, Datatype: "FP64", Shape: []int{-1, len(m.Features)}}},
		Outputs: []tensorMeta{
			{Name: request.OutputLabel, Datatype: "INT64", Shape: []int{-1}},
			{Name: request.OutputProbabilities, Datatype: "FP64", Shape: []int{-1, len(m.Classes)}},
		},
	})
}

func (s *Server) getV2ModelReady(c *fiber.Ctx) error {
	sv, err := s.v2Model(c)
	if err != nil {
		return err
	}
	if s.draining.Load() {
		return ErrNotReady
	}
	return c.JSON(fiber.Map{"name": sv.m.Name, "ready": true})
}

func (s *Server) postV2Infer(c *fiber.Ctx) error {
	body, err := jsonBody(c)
	if err != nil {
		return s.rejected(nil, err)
	}
	sv, err := s.v2Model(c)
	if err != nil {
		return s.rejected(nil, err)
	}
	d := request.Get()
	defer request.Put(d)
	req, err := d.Infer(body, sv.m.Features, s.opts.MaxBatch)
	if err != nil {
		return s.rejected(sv, err)
	}
	sv.countImputed(d)
	nc := len(sv.m.Classes)
	probs := make([]float64, req.Rows*nc)
	s.infer(sv, req.Values, d.ImputedAt(), probs)

	id := req.ID
	if !req.HasID {
		id = c.GetRespHeader(headerRequestID)
	}
	buf := getBuf()
	defer putBuf(buf)
	*buf = appendInferResponse(*buf, sv, id, req, probs)
	s.scoreShadow(sv, req.Values, probs)
	return sendJSON(c, *buf)
}

// appendInferResponse writes $inference_response with the requested outputs.
func appendInferResponse(b []byte, sv *served, id string, req request.Infer, probs []float64) []byte {
	nc := len(sv.m.Classes)
	quotedID, _ := json.Marshal(id) // a string always encodes
	b = append(b, `{"model_name":`...)
	b = append(b, sv.quotedName...)
	b = append(b, `,"model_version":"`...)
	b = append(b, sv.m.Version...)
	b = append(b, `","id":`...)
	b = append(b, quotedID...)
	b = append(b, `,"outputs":[`...)
	first := true
	for _, out := range []string{request.OutputLabel, request.OutputProbabilities} {
		if !wanted(req.Outputs, out) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `{"name":"`...)
		b = append(b, out...)
		b = append(b, `","shape":[`...)
		b = strconv.AppendInt(b, int64(req.Rows), 10)
		if out == request.OutputLabel {
			b = append(b, `],"datatype":"INT64","data":[`...)
			for r := range req.Rows {
				if r > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, int64(model.ArgMax(probs[r*nc:(r+1)*nc])), 10)
			}
		} else {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(nc), 10)
			b = append(b, `],"datatype":"FP64","data":[`...)
			for i, p := range probs {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendFloat(b, p)
			}
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}"...)
}

func wanted(outputs []string, name string) bool {
	if outputs == nil {
		return true
	}
	for _, o := range outputs {
		if o == name {
			return true
		}
	}
	return false
}
