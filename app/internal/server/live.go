package server

import (
	"encoding/json"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlopsgo/mlops/app/internal/apidoc"
	"github.com/mlopsgo/mlops/app/internal/registry"
	"github.com/mlopsgo/mlops/app/internal/request"
	"github.com/mlopsgo/mlops/app/internal/shadow"
	"github.com/mlopsgo/mlops/app/telemetry"
)

// live is what requests read: the serving snapshot plus everything derived
// from it once per load (metric series per model, pre-encoded names, and,
// on first request, the OpenAPI document and the docs page). It is swapped
// as a whole.
type live struct {
	snap     *registry.Snapshot // nil before the first successful load
	models   []*served          // in index order
	byName   map[string]*served
	def      *served // the original endpoints' default
	champion *served // the newer endpoints' default
	// shadowed holds the Options.ShadowModels that are challengers of
	// this set, the ones scored in shadow.
	shadowed map[string]bool
	// docs builds the encoded OpenAPI document and the docs page once, at
	// the first request for either: most starts and reloads are never
	// asked for them, and building them is most of the cost of a start.
	docs func() *liveDocs
}

// liveDocs is the OpenAPI document of a model set and its docs page.
type liveDocs struct {
	openapi []byte
	page    *apidoc.Page
}

// served is one model with its metric series and pre-encoded JSON strings.
type served struct {
	m             *registry.Model
	quotedName    []byte
	quotedClasses [][]byte
	byClass       []prometheus.Counter
	confidence    prometheus.Observer
	inference     prometheus.Observer
	trainingOOR   []prometheus.Counter // per feature
	declaredOOR   []prometheus.Counter // per feature
	// imputed has a series per feature with an impute value, nil for the
	// others, so models without them export no such series.
	imputed     []prometheus.Counter
	invalid     prometheus.Counter
	outOfRange  prometheus.Counter
	tooLarge    prometheus.Counter
	compatModel *atomic.Int64
	compatClass []*atomic.Int64
	// shadows are the challengers scored in shadow against this model
	// when it serves a request; empty when none.
	shadows []*shadow.Target
}

func (s *Server) newLive(snap *registry.Snapshot) *live {
	l := &live{snap: snap, byName: map[string]*served{}, shadowed: map[string]bool{}}
	if snap != nil {
		for _, m := range snap.Models {
			sv := s.newServed(m)
			l.models = append(l.models, sv)
			l.byName[m.Name] = sv
		}
		l.def, l.champion = l.byName[snap.Default.Name], l.byName[snap.Champion.Name]
		s.shadowTargets(l)
	}
	l.docs = sync.OnceValue(func() *liveDocs {
		doc := s.openAPI(snap)
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			// The document is built from plain data; failing to encode
			// it is a bug, not a condition to serve around.
			panic("server: encode OpenAPI document: " + err.Error())
		}
		return &liveDocs{openapi: b, page: apidoc.NewPage(doc)}
	})
	return l
}

func (s *Server) newServed(m *registry.Model) *served {
	mt := s.metrics
	sv := &served{
		m:          m,
		quotedName: quote(m.Name),
		confidence: mt.confidence.WithLabelValues(m.Name),
		inference:  mt.inference.WithLabelValues(m.Name),
		invalid:    mt.errors.WithLabelValues(m.Name, telemetry.ReasonInvalidInput),
		outOfRange: mt.errors.WithLabelValues(m.Name, telemetry.ReasonOutOfRange),
		tooLarge:   mt.errors.WithLabelValues(m.Name, telemetry.ReasonTooLarge),
	}
	for _, c := range m.Classes {
		sv.quotedClasses = append(sv.quotedClasses, quote(c))
		sv.byClass = append(sv.byClass, mt.predictions.WithLabelValues(m.Name, c))
	}
	for _, f := range m.Features {
		sv.trainingOOR = append(sv.trainingOOR, mt.outOfRange.WithLabelValues(m.Name, f.Name, telemetry.RangeTraining))
		sv.declaredOOR = append(sv.declaredOOR, mt.outOfRange.WithLabelValues(m.Name, f.Name, telemetry.RangeDeclared))
		var imputed prometheus.Counter
		if f.Impute != nil {
			imputed = mt.imputed.WithLabelValues(m.Name, f.Name)
		}
		sv.imputed = append(sv.imputed, imputed)
	}
	sv.compatModel, sv.compatClass = s.summary.counters(m.Name, m.Classes)
	return sv
}

// countImputed records the nulls the decoder's last Rows or Infer filled
// with impute values.
func (sv *served) countImputed(d *request.Decoder) {
	perFeature, total := d.Imputed()
	if total == 0 {
		return
	}
	for j, n := range perFeature {
		if n > 0 && sv.imputed[j] != nil {
			sv.imputed[j].Add(float64(n))
		}
	}
}

// model returns the named model, or def when named is false.
func (l *live) model(name string, named bool, def *served) (*served, error) {
	if !named {
		return def, nil
	}
	if sv, ok := l.byName[name]; ok {
		return sv, nil
	}
	return nil, &registry.NotFoundError{Name: name, Available: l.snap.Names()}
}

func quote(s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return b
}
