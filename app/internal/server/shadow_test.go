package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/app/internal/registry"
	"github.com/mlopsgo/mlops/app/internal/shadow"
	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/training/model"
)

// boundary is a row the served models of modeltest disagree on: the trees
// (decision_tree, random_forest) say virginica, petal_width 2.0 being past
// their 1.75 split; logistic_regression says versicolor (its scores:
// setosa 7.5-3*4.0 = -4.5, versicolor 0, virginica -16+2*4.0+3*2.0 = -2).
// They agree on the three typical rows. Worked out by hand from modeltest's
// parameters.
var boundary = []float64{6.0, 3.0, 4.0, 2.0}

// newShadowServer is newTestServer with challengers predicting through
// challenger (nil: the models themselves).
func newShadowServer(t *testing.T, opts Options, challenger func(*registry.Model) shadow.Predictor) (*Server, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	s, err := NewServer(t.Context(), Deps{
		Options: opts, Logger: slog.New(slog.DiscardHandler), Registerer: reg, Gatherer: reg,
		Now: func() time.Time { return testNow }, challenger: challenger,
	})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	t.Cleanup(func() { s.stopShadow(t) })
	return s, reg
}

// blocking is a challenger that blocks: it predicts with the real model
// and records every row it is given, but its first call waits until the
// test opens it.
type blocking struct {
	shadow.Predictor
	entered, open chan struct{}
	once          sync.Once
	mu            sync.Mutex
	rows          [][]float64
}

func (b *blocking) PredictInto(dst, x []float64) {
	b.once.Do(func() {
		close(b.entered)
		<-b.open
	})
	b.mu.Lock()
	b.rows = append(b.rows, slices.Clone(x))
	b.mu.Unlock()
	b.Predictor.PredictInto(dst, x)
}

// waitEntered waits until a worker is held in the challenger's first call.
func (b *blocking) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-b.entered:
	case <-t.Context().Done():
		t.Fatal("no shadow worker reached the challenger")
	}
}

// blockModel makes the named model's shadow predictions go through a
// blocking wrapper, which it returns with the Deps.challenger hook that
// installs it. Use it for servers that do not reload.
func blockModel(name string) (*blocking, func(*registry.Model) shadow.Predictor) {
	b := &blocking{entered: make(chan struct{}), open: make(chan struct{})}
	return b, func(m *registry.Model) shadow.Predictor {
		if m.Name != name {
			return m
		}
		b.Predictor = m
		return b
	}
}

// stopServing stops a running server and waits for Serve to return, which
// includes draining the shadow queue.
func stopServing(t *testing.T, cancel context.CancelFunc, r *running) {
	t.Helper()
	cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-t.Context().Done():
		t.Fatal("Serve did not return")
	}
}

func tensorRows(rows ...[]float64) string {
	var flat []float64
	for _, r := range rows {
		flat = append(flat, r...)
	}
	data, _ := json.Marshal(flat)
	return fmt.Sprintf(`{"inputs":[{"name":"x","shape":[%d,4],"datatype":"FP64","data":%s}]}`, len(rows), data)
}

func batchRows(modelName string, rows ...[]float64) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = feats(r)
	}
	return `{"model_name":"` + modelName + `","features_list":[` + strings.Join(parts, ",") + `]}`
}

// shadowMix is a known request mix over the default modeltest set
// (champion logistic_regression; the original endpoints' default
// random_forest) with decision_tree and random_forest shadowed. served is
// the model that answers and rows what it is given; no served model means
// no shadow scoring (all-models runs every model on the request's path, a
// 422 predicts nothing).
var shadowMix = []struct {
	path, body string
	status     int
	served     string
	rows       [][]float64
}{
	{"/predict", `{"features":` + feats(modeltest.Setosa) + `}`, 200, "random_forest", [][]float64{modeltest.Setosa}},
	{"/predict", `{"features":` + feats(boundary) + `,"model_name":"logistic_regression"}`, 200, "logistic_regression", [][]float64{boundary}},
	{"/predict/batch", batchRows("logistic_regression", modeltest.Setosa, modeltest.Versicolor, modeltest.Virginica, boundary), 200, "logistic_regression",
		[][]float64{modeltest.Setosa, modeltest.Versicolor, modeltest.Virginica, boundary}},
	{"/predict/batch", batchRows("decision_tree", modeltest.Virginica, boundary), 200, "decision_tree", [][]float64{modeltest.Virginica, boundary}},
	{"/v2/models/logistic_regression/infer", tensorRows(boundary, modeltest.Versicolor), 200, "logistic_regression", [][]float64{boundary, modeltest.Versicolor}},
	{"/predict/all-models", feats(modeltest.Setosa), 200, "", nil},
	{"/predict", `{"features":` + feats([]float64{11, 3, 1, 0.2}) + `,"model_name":"logistic_regression"}`, 422, "", nil},
	{"/v2/models/random_forest/infer", tensorRows(modeltest.Setosa), 200, "random_forest", [][]float64{modeltest.Setosa}},
}

// pair is a challenger scored against a served model.
type pair struct{ challenger, served string }

// TestShadowAgreementOverHTTP sends a known mix over HTTP to a server
// scoring decision_tree and random_forest in shadow, and to one scoring
// none: every answer must be the same bytes, and once the server has
// stopped (which drains the shadow queue) the agreement series must be
// exactly what the bundles predict. By hand (see boundary): the trees agree
// with logistic_regression on all rows but boundary, and with each other on
// every row, so each tree scores 7 rows against logistic_regression with 4
// agreements, and 2 against the other tree with 2.
func TestShadowAgreementOverHTTP(t *testing.T) {
	dir := t.TempDir()
	bundles := map[string]*model.Bundle{}
	for _, b := range modeltest.WriteSet(t, dir, "logistic_regression") {
		bundles[b.Name] = b
	}
	opts := testOptions(dir)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	plain, _ := newTestServer(t, opts)
	opts.ShadowModels = []string{"decision_tree", "random_forest"}
	shadowed, reg := newTestServer(t, opts)
	r, rPlain := start(ctx, t, shadowed), start(ctx, t, plain)

	for _, req := range shadowMix {
		var bodies [2]string
		for i, url := range []string{r.url, rPlain.url} {
			hreq, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+req.path, strings.NewReader(req.body))
			if err != nil {
				t.Fatal(err)
			}
			hreq.Header.Set("Content-Type", "application/json")
			hreq.Header.Set(headerRequestID, "fixed-id")
			status, body := send(t, http.DefaultClient, hreq)
			if status != req.status {
				t.Fatalf("%s: status %d, want %d: %s", req.path, status, req.status, body)
			}
			bodies[i] = body
		}
		if req.path == "/predict/all-models" {
			continue // its processing time differs from call to call
		}
		if bodies[0] != bodies[1] {
			t.Errorf("%s: answer with shadow scoring\n%s\ndiffers from the one without\n%s", req.path, bodies[0], bodies[1])
		}
	}
	stopServing(t, cancel, r)

	// What the bundles predict, pair by pair.
	scored, agreed, diffSum := map[pair]int{}, map[pair]int{}, map[pair]float64{}
	ps, pc := make([]float64, 3), make([]float64, 3)
	for _, req := range shadowMix {
		for _, c := range opts.ShadowModels {
			if req.served == "" || c == req.served {
				continue
			}
			k := pair{c, req.served}
			for _, row := range req.rows {
				bundles[req.served].PredictInto(ps, row)
				bundles[c].PredictInto(pc, row)
				scored[k]++
				if model.ArgMax(ps) == model.ArgMax(pc) {
					agreed[k]++
				}
				diffSum[k] += pc[model.ArgMax(pc)] - ps[model.ArgMax(ps)]
			}
		}
	}
	byHand := map[pair][2]int{
		{"decision_tree", "logistic_regression"}: {7, 4}, {"random_forest", "logistic_regression"}: {7, 4},
		{"random_forest", "decision_tree"}: {2, 2}, {"decision_tree", "random_forest"}: {2, 2},
	}
	for k, v := range byHand {
		if scored[k] != v[0] || agreed[k] != v[1] {
			t.Fatalf("%v: the bundles give %d rows, %d agreeing; by hand %d, %d", k, scored[k], agreed[k], v[0], v[1])
		}
	}

	var want strings.Builder
	want.WriteString("# HELP " + telemetry.ShadowAgreementsTotal + " Rows scored in shadow for which the challenger predicted the served model's class, by challenger and served model.\n")
	want.WriteString("# TYPE " + telemetry.ShadowAgreementsTotal + " counter\n")
	for _, k := range sortedPairs(byHand) {
		fmt.Fprintf(&want, "%s{model=%q,served_model=%q} %d\n", telemetry.ShadowAgreementsTotal, k.challenger, k.served, agreed[k])
	}
	want.WriteString("# HELP " + telemetry.ShadowPredictionsTotal + " Rows a challenger scored in shadow, by challenger (model) and the model that served them.\n")
	want.WriteString("# TYPE " + telemetry.ShadowPredictionsTotal + " counter\n")
	for _, k := range sortedPairs(byHand) {
		fmt.Fprintf(&want, "%s{model=%q,served_model=%q} %d\n", telemetry.ShadowPredictionsTotal, k.challenger, k.served, scored[k])
	}
	compareMetrics(t, reg, want.String(), telemetry.ShadowAgreementsTotal, telemetry.ShadowPredictionsTotal)
	if got := sumCounter(t, reg, telemetry.ShadowDroppedTotal, nil); got != 0 {
		t.Errorf("%v rows dropped, want 0", got)
	}

	// The confidence sums' difference is the differences' sum, pair by
	// pair.
	const tol = 1e-12 // the same terms, summed in another order
	for k := range byHand {
		c := sumCounter(t, reg, telemetry.ShadowConfidenceTotal, map[string]string{telemetry.LabelModel: k.challenger, telemetry.LabelServedModel: k.served, telemetry.LabelSide: telemetry.SideChallenger})
		sv := sumCounter(t, reg, telemetry.ShadowConfidenceTotal, map[string]string{telemetry.LabelModel: k.challenger, telemetry.LabelServedModel: k.served, telemetry.LabelSide: telemetry.SideServed})
		if math.Abs(c-sv-diffSum[k]) > tol || sv <= 0 {
			t.Errorf("%v: confidence sums challenger %v - served %v, want a difference of %v", k, c, sv, diffSum[k])
		}
	}

	// The confidence differences, pair by pair.
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != telemetry.ShadowConfidenceDifference {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			k := pair{labels[telemetry.LabelModel], labels[telemetry.LabelServedModel]}
			h := m.GetHistogram()
			if int(h.GetSampleCount()) != scored[k] || math.Abs(h.GetSampleSum()-diffSum[k]) > tol {
				t.Errorf("%v: confidence difference count %d sum %v, want %d, %v", k, h.GetSampleCount(), h.GetSampleSum(), scored[k], diffSum[k])
			}
		}
	}
}

func sortedPairs[V any](m map[pair]V) []pair {
	out := make([]pair, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b pair) int { return strings.Compare(a.challenger+" "+a.served, b.challenger+" "+b.served) })
	return out
}

// send does req with client and returns the status and body.
func send(t *testing.T, client *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// sumCounter sums the counter series of a family whose labels include
// match.
func sumCounter(t *testing.T, g prometheus.Gatherer, name string, match map[string]string) float64 {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			for k, v := range match {
				if !slices.ContainsFunc(m.GetLabel(), func(l *dto.LabelPair) bool { return l.GetName() == k && l.GetValue() == v }) {
					continue series
				}
			}
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// TestShadowBlockedChallenger: a challenger that never returns does not
// delay a single answer. Its worker holds the first job, the queue takes
// the next ShadowQueue, and every later request is answered as usual while
// its job is dropped and counted; the held and queued jobs are scored once
// the challenger returns.
func TestShadowBlockedChallenger(t *testing.T) {
	blocked, hook := blockModel("decision_tree")
	opts := testOptions(modeltest.Dir(t))
	opts.ShadowModels, opts.ShadowQueue = []string{"decision_tree"}, 2
	s, reg := newShadowServer(t, opts, hook)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := start(ctx, t, s)

	predict := func() {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, r.url+"/predict", strings.NewReader(`{"features":`+setosa+`}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if status, body := send(t, http.DefaultClient, req); status != 200 || !jsonEqual(t, []byte(body), setosaByForest) {
			t.Fatalf("/predict while the challenger blocks: %d %s, want 200 %s", status, body, setosaByForest)
		}
	}
	predict()
	blocked.waitEntered(t)
	const more = 7
	for range more {
		predict()
	}
	full := map[string]string{telemetry.LabelModel: "decision_tree", telemetry.LabelServedModel: "random_forest", telemetry.LabelReason: telemetry.ReasonQueueFull}
	if got, want := sumCounter(t, reg, telemetry.ShadowDroppedTotal, full), float64(more-opts.ShadowQueue); got != want {
		t.Errorf("rows dropped on a full queue: %v, want %v", got, want)
	}
	close(blocked.open)
	stopServing(t, cancel, r)
	if got, want := sumCounter(t, reg, telemetry.ShadowPredictionsTotal, nil), float64(1+opts.ShadowQueue); got != want {
		t.Errorf("rows scored once the challenger returned: %v, want %v (the held job and the queued ones)", got, want)
	}
}

// TestShadowInputsCopied: requests on one keep-alive connection reuse the
// server's buffers (the request's, the decoder's); a job queued behind a
// blocked challenger must still be scored on the row its request sent,
// not on what a later request left in those buffers. Run with -race (make
// test does), a read of a reused buffer is also reported as a race.
func TestShadowInputsCopied(t *testing.T) {
	blocked, hook := blockModel("decision_tree")
	opts := testOptions(modeltest.Dir(t))
	opts.ShadowModels = []string{"decision_tree"}
	s, reg := newShadowServer(t, opts, hook)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := start(ctx, t, s)

	// One connection, so the requests share its buffers.
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	sent := [][]float64{modeltest.Setosa, boundary, modeltest.Versicolor, modeltest.Virginica, boundary}
	for i, row := range sent {
		body := `{"features":` + feats(row) + `,"model_name":"logistic_regression"}`
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, r.url+"/predict", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if status, body := send(t, client, req); status != 200 {
			t.Fatalf("request %d: %d %s", i, status, body)
		}
		if i == 0 {
			blocked.waitEntered(t) // the rest queue behind the first
		}
	}
	close(blocked.open)
	stopServing(t, cancel, r)

	if !slices.EqualFunc(blocked.rows, sent, slices.Equal[[]float64]) {
		t.Errorf("the challenger scored\n%v\nwant the rows as sent, in order\n%v", blocked.rows, sent)
	}
	// decision_tree disagrees with logistic_regression on the two boundary
	// rows only.
	both := map[string]string{telemetry.LabelModel: "decision_tree", telemetry.LabelServedModel: "logistic_regression"}
	if got := sumCounter(t, reg, telemetry.ShadowAgreementsTotal, both); got != 3 {
		t.Errorf("agreements %v, want 3", got)
	}
}

// TestShadowShutdownDeadline: a stop with jobs queued behind a challenger
// that does not return ends within the shutdown deadline, dropping and
// counting those jobs (reason shutdown), and Serve still returns nil.
func TestShadowShutdownDeadline(t *testing.T) {
	blocked, hook := blockModel("decision_tree")
	opts := testOptions(modeltest.Dir(t))
	opts.ShadowModels, opts.ShadowQueue = []string{"decision_tree"}, 3
	// The drain waits this long for the held job, then drops the queue.
	// Long enough that closing the HTTP connections never misses it on a
	// loaded machine (fasthttp's shutdown polls the open connections).
	opts.ShutdownTimeout = time.Second
	s, reg := newShadowServer(t, opts, hook)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := start(ctx, t, s)
	for i := range 1 + opts.ShadowQueue {
		code, body, err := postJSON(http.DefaultClient, r.url+"/predict/batch", batchRows("random_forest", modeltest.Setosa, boundary))
		if err != nil || code != 200 {
			t.Fatalf("batch %d: %d %s %v", i, code, body, err)
		}
		if i == 0 {
			blocked.waitEntered(t)
		}
	}
	stopServing(t, cancel, r)
	stopped := map[string]string{telemetry.LabelReason: telemetry.ReasonShutdown}
	if got, want := sumCounter(t, reg, telemetry.ShadowDroppedTotal, stopped), float64(2*opts.ShadowQueue); got != want {
		t.Errorf("rows dropped at shutdown %v, want %v (every queued job's)", got, want)
	}
	close(blocked.open) // the held job ends
}

// TestShadowModelsAtStart: every shadowed name must be a challenger of the
// models the server starts with, or NewServer fails saying which names
// are; an index written before roles (format v1) gives the same roles.
func TestShadowModelsAtStart(t *testing.T) {
	tests := []struct {
		name    string
		shadow  []string
		v1      bool
		noModel bool
		want    string // NewServer's error, with DIR for the models directory
	}{
		{name: "challengers", shadow: []string{"random_forest", "decision_tree"}},
		{name: "challenger of a v1 index", shadow: []string{"decision_tree"}, v1: true},
		{name: "unknown model", shadow: []string{"svm"},
			want: `server: Options.ShadowModels is "svm", want challengers of DIR/index.json (svm is not among its models); it has: decision_tree, random_forest`},
		{name: "the champion", shadow: []string{"logistic_regression"},
			want: `server: Options.ShadowModels is "logistic_regression", want challengers of DIR/index.json (logistic_regression is the champion, which they are compared with); it has: decision_tree, random_forest`},
		{name: "the champion of a v1 index", shadow: []string{"decision_tree", "logistic_regression"}, v1: true,
			want: `server: Options.ShadowModels is "logistic_regression", want challengers of DIR/index.json (logistic_regression is the champion, which they are compared with); it has: decision_tree, random_forest`},
		{name: "first bad name", shadow: []string{"decision_tree", "xgboost", "svm"},
			want: `server: Options.ShadowModels is "xgboost", want challengers of DIR/index.json (xgboost is not among its models); it has: decision_tree, random_forest`},
		// No models to check against yet: the server starts unready; a
		// name that is not a challenger of the set that loads later is
		// logged and not scored, as after a reload (TestShadowReload).
		{name: "no models yet", shadow: []string{"svm"}, noModel: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if !tt.noModel {
				modeltest.WriteSet(t, dir, "logistic_regression")
			}
			if tt.v1 {
				modeltest.DowngradeIndex(t, dir)
			}
			opts := testOptions(dir)
			opts.ShadowModels = tt.shadow
			reg := prometheus.NewRegistry()
			s, err := NewServer(t.Context(), Deps{Options: opts, Registerer: reg, Gatherer: reg})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("NewServer: %v", err)
				}
				s.stopShadow(t)
				return
			}
			var oe *OptionError
			if want := strings.ReplaceAll(tt.want, "DIR", dir); err == nil || err.Error() != want || !errors.As(err, &oe) || oe.Field != "ShadowModels" {
				t.Fatalf("NewServer error\n%v\nwant an *OptionError for ShadowModels:\n%s", err, want)
			}
		})
	}
}

// TestShadowReload: /models gives every model's role and whether it is
// shadowed; a reload whose set makes a shadowed model the champion stops
// scoring it (logged), while the others go on.
func TestShadowReload(t *testing.T) {
	dir := modeltest.Dir(t)
	opts := testOptions(dir)
	opts.ShadowModels = []string{"decision_tree", "random_forest"}
	s, reg := newTestServer(t, opts)
	models := func() string {
		t.Helper()
		res := do(t, s.App(), get("/models"))
		var body struct {
			Models json.RawMessage `json:"models"`
		}
		if err := json.Unmarshal(res.body, &body); err != nil {
			t.Fatal(err)
		}
		return string(body.Models)
	}
	if got, want := models(), `[{"name":"logistic_regression","role":"champion","shadowed":false},{"name":"decision_tree","role":"challenger","shadowed":true},{"name":"random_forest","role":"challenger","shadowed":true}]`; got != want {
		t.Errorf("/models models:\n%s\nwant\n%s", got, want)
	}

	modeltest.WriteSet(t, dir, "decision_tree")
	if _, err := s.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got, want := models(), `[{"name":"logistic_regression","role":"challenger","shadowed":false},{"name":"decision_tree","role":"champion","shadowed":false},{"name":"random_forest","role":"challenger","shadowed":true}]`; got != want {
		t.Errorf("/models models after the reload:\n%s\nwant\n%s", got, want)
	}
	// The new champion serves /v2 by default and is compared with
	// random_forest; nothing scores decision_tree any more.
	if res := do(t, s.App(), post("/v2/models/decision_tree/infer", tensorRows(modeltest.Setosa, boundary))); res.status != 200 {
		t.Fatalf("infer: %d %s", res.status, res.body)
	}
	s.stopShadow(t)
	if got := sumCounter(t, reg, telemetry.ShadowPredictionsTotal, map[string]string{telemetry.LabelModel: "random_forest", telemetry.LabelServedModel: "decision_tree"}); got != 2 {
		t.Errorf("random_forest against decision_tree: %v rows, want 2", got)
	}
	if got := sumCounter(t, reg, telemetry.ShadowPredictionsTotal, map[string]string{telemetry.LabelModel: "decision_tree"}); got != 0 {
		t.Errorf("decision_tree, now the champion, scored %v rows in shadow, want 0", got)
	}
}
