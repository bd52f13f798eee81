package shadow

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/training/model"
)

// Iris-shaped rows. The linear model (served) and the tree (challenger)
// of modeltest agree on the three typical rows and disagree on the fourth:
// petal_width 2.0 is past the tree's 1.75 split (virginica), while the
// linear scores are setosa 7.5-3*4.0 = -4.5, versicolor 0, virginica
// -16+2*4.0+3*2.0 = -2 (versicolor). Worked out by hand from modeltest's
// parameters.
var (
	boundary = []float64{6.0, 3.0, 4.0, 2.0}
	rows     = [][]float64{modeltest.Setosa, modeltest.Versicolor, modeltest.Virginica, boundary}
)

const nf, nc = 4, 3

// newScorer returns a scorer with its own registry, stopped when the test
// ends.
func newScorer(t *testing.T, opts Options) (*Scorer, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	s := New(reg, opts)
	t.Cleanup(func() { _, _ = s.Stop(context.WithoutCancel(t.Context())) })
	return s, reg
}

// served returns rs flattened and the probabilities b gives them.
func served(b *model.Bundle, rs ...[]float64) (x, probs []float64) {
	for _, r := range rs {
		x = append(x, r...)
		p := make([]float64, nc)
		b.PredictInto(p, r)
		probs = append(probs, p...)
	}
	return x, probs
}

// gate is a challenger that blocks: it predicts with a real bundle, but its
// first call waits until the test opens the gate.
type gate struct {
	Predictor
	entered chan struct{} // closed when the first call starts waiting
	open    chan struct{}
	once    sync.Once
}

func newGate(p Predictor) *gate {
	return &gate{Predictor: p, entered: make(chan struct{}), open: make(chan struct{})}
}

func (g *gate) PredictInto(dst, x []float64) {
	g.once.Do(func() {
		close(g.entered)
		<-g.open
	})
	g.Predictor.PredictInto(dst, x)
}

// waitEntered waits until the gate's first call blocks, or the test's
// deadline.
func (g *gate) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-g.entered:
	case <-t.Context().Done():
		t.Fatal("no worker reached the challenger")
	}
}

func stop(t *testing.T, s *Scorer) {
	t.Helper()
	if n, err := s.Stop(t.Context()); err != nil || n != 0 {
		t.Fatalf("Stop: %d jobs dropped, %v; want all scored", n, err)
	}
}

// TestAgreement scores a known mix and checks every series against what
// the two bundles predict: 3 of the 4 rows agree (see boundary), and the
// confidence differences sum to the challenger's top probabilities minus
// the served model's.
func TestAgreement(t *testing.T) {
	linear := modeltest.Bundle(t, "logistic_regression", "logistic_regression")
	tree := modeltest.Bundle(t, "decision_tree", "decision_tree")
	s, reg := newScorer(t, Options{})
	targets := []*Target{s.Target("decision_tree", tree, "logistic_regression")}
	x, probs := served(linear, rows...)
	const requests = 5
	for range requests {
		if !s.Submit(targets, x, probs, nf, nc) {
			t.Fatal("Submit dropped a job with an idle worker and an empty queue")
		}
	}
	stop(t, s)

	want := fmt.Sprintf(`
# HELP model_api_shadow_agreements_total Rows scored in shadow for which the challenger predicted the served model's class, by challenger and served model.
# TYPE model_api_shadow_agreements_total counter
model_api_shadow_agreements_total{model="decision_tree",served_model="logistic_regression"} %d
# HELP model_api_shadow_predictions_total Rows a challenger scored in shadow, by challenger (model) and the model that served them.
# TYPE model_api_shadow_predictions_total counter
model_api_shadow_predictions_total{model="decision_tree",served_model="logistic_regression"} %d
# HELP model_api_shadow_dropped_total Rows a challenger did not score in shadow, by challenger, served model and reason (queue_full, shutdown).
# TYPE model_api_shadow_dropped_total counter
model_api_shadow_dropped_total{model="decision_tree",reason="queue_full",served_model="logistic_regression"} 0
model_api_shadow_dropped_total{model="decision_tree",reason="shutdown",served_model="logistic_regression"} 0
`, 3*requests, 4*requests)
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		telemetry.ShadowAgreementsTotal, telemetry.ShadowPredictionsTotal, telemetry.ShadowDroppedTotal); err != nil {
		t.Error(err)
	}

	// The confidences, from the bundles themselves.
	var wantSum, wantC, wantS float64
	p := make([]float64, nc)
	for r, row := range rows {
		tree.PredictInto(p, row)
		sp := probs[r*nc : (r+1)*nc]
		wantSum += p[model.ArgMax(p)] - sp[model.ArgMax(sp)]
		wantC += p[model.ArgMax(p)]
		wantS += sp[model.ArgMax(sp)]
	}
	wantSum, wantC, wantS = wantSum*requests, wantC*requests, wantS*requests
	count, sum := histogram(t, reg, telemetry.ShadowConfidenceDifference)
	const tol = 1e-12 // the same sums, added in another order
	if count != 4*requests || math.Abs(sum-wantSum) > tol {
		t.Errorf("confidence difference: count %d, sum %v; want %d, %v", count, sum, 4*requests, wantSum)
	}
	gotC := testutil.ToFloat64(s.confidence.WithLabelValues("decision_tree", "logistic_regression", telemetry.SideChallenger))
	gotS := testutil.ToFloat64(s.confidence.WithLabelValues("decision_tree", "logistic_regression", telemetry.SideServed))
	if math.Abs(gotC-wantC) > tol || math.Abs(gotS-wantS) > tol {
		t.Errorf("confidence sums: challenger %v, served %v; want %v, %v", gotC, gotS, wantC, wantS)
	}
	if count, _ := histogram(t, reg, telemetry.ShadowDurationSeconds); count != requests {
		t.Errorf("duration: %d observations, want one per job (%d)", count, requests)
	}
}

// histogram returns the sample count and sum of a histogram family's one
// series.
func histogram(t *testing.T, g prometheus.Gatherer, name string) (uint64, float64) {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			if len(f.GetMetric()) != 1 {
				t.Fatalf("%s has %d series, want 1", name, len(f.GetMetric()))
			}
			h := f.GetMetric()[0].GetHistogram()
			return h.GetSampleCount(), h.GetSampleSum()
		}
	}
	t.Fatalf("%s not gathered", name)
	return 0, 0
}

// TestBlockedChallengerDrops: a challenger that blocks holds its worker,
// the queue fills, and every further Submit returns at once, dropping its
// job and counting its rows; the held and queued jobs are scored once the
// challenger returns.
func TestBlockedChallengerDrops(t *testing.T) {
	linear := modeltest.Bundle(t, "logistic_regression", "logistic_regression")
	g := newGate(modeltest.Bundle(t, "decision_tree", "decision_tree"))
	const queue, extra = 4, 7
	s, reg := newScorer(t, Options{QueueSize: queue})
	targets := []*Target{s.Target("decision_tree", g, "logistic_regression")}
	x, probs := served(linear, rows...)

	if !s.Submit(targets, x, probs, nf, nc) {
		t.Fatal("first job dropped")
	}
	g.waitEntered(t) // the worker holds the first job
	queued := 0
	for range queue + extra {
		if s.Submit(targets, x, probs, nf, nc) {
			queued++
		}
	}
	if queued != queue {
		t.Errorf("%d jobs queued behind the blocked one, want the queue's %d", queued, queue)
	}
	dropped := testutil.ToFloat64(s.dropped.WithLabelValues("decision_tree", "logistic_regression", telemetry.ReasonQueueFull))
	if want := float64(extra * len(rows)); dropped != want {
		t.Errorf("dropped rows %v, want %v", dropped, want)
	}
	if got := testutil.ToFloat64(s.predictions.WithLabelValues("decision_tree", "logistic_regression")); got != 0 {
		t.Errorf("%v rows scored while the challenger blocks, want 0", got)
	}
	if n := gauge(t, reg, telemetry.ShadowQueueLength); n != queue {
		t.Errorf("queue length %v, want %d", n, queue)
	}
	close(g.open)
	stop(t, s)
	if got, want := testutil.ToFloat64(s.predictions.WithLabelValues("decision_tree", "logistic_regression")), float64((1+queue)*len(rows)); got != want {
		t.Errorf("rows scored after the challenger returned: %v, want %v", got, want)
	}
}

func gauge(t *testing.T, g prometheus.Gatherer, name string) float64 {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("%s not gathered", name)
	return 0
}

// TestInputsCopied: the caller's buffers are reused as soon as Submit
// returns (as a request's are once its handler returns); the challenger
// must score the values they held at Submit.
func TestInputsCopied(t *testing.T) {
	linear := modeltest.Bundle(t, "logistic_regression", "logistic_regression")
	g := newGate(modeltest.Bundle(t, "decision_tree", "decision_tree"))
	s, reg := newScorer(t, Options{})
	var seen [][]float64
	s.onScored = func(_ *Target, x []float64) { seen = append(seen, slices.Clone(x)) }
	targets := []*Target{s.Target("decision_tree", g, "logistic_regression")}

	x, probs := served(linear, boundary) // the tree disagrees with the linear model here
	want := slices.Clone(x)
	if !s.Submit(targets, x, probs, nf, nc) {
		t.Fatal("job dropped")
	}
	g.waitEntered(t)
	// Reuse the buffers for a row both models agree on.
	copy(x, modeltest.Setosa)
	linear.PredictInto(probs, modeltest.Setosa)
	close(g.open)
	stop(t, s)

	if len(seen) != 1 || !slices.Equal(seen[0], want) {
		t.Fatalf("challenger scored %v, want the submitted row %v", seen, want)
	}
	if got := testutil.ToFloat64(s.agreements.WithLabelValues("decision_tree", "logistic_regression")); got != 0 {
		t.Errorf("agreements %v, want 0: the submitted row is one the models disagree on", got)
	}
	_, sum := histogram(t, reg, telemetry.ShadowConfidenceDifference)
	p, sp := make([]float64, nc), make([]float64, nc)
	g.Predictor.PredictInto(p, boundary)
	linear.PredictInto(sp, boundary)
	if wantDiff := p[model.ArgMax(p)] - sp[model.ArgMax(sp)]; sum != wantDiff {
		t.Errorf("confidence difference %v, want %v from the submitted probabilities", sum, wantDiff)
	}
}

// TestConcurrentSubmitReusedBuffers is for -race: goroutines submit rows
// and overwrite their buffers right after, as request buffers are reused;
// every row a challenger scores must be one row as submitted (each
// goroutine's rows hold one value, which changes on every reuse).
func TestConcurrentSubmitReusedBuffers(t *testing.T) {
	tree := modeltest.Bundle(t, "decision_tree", "decision_tree")
	s, _ := newScorer(t, Options{Workers: 2, QueueSize: 64})
	var (
		mu  sync.Mutex
		bad []string
	)
	s.onScored = func(_ *Target, x []float64) {
		for r := 0; r < len(x); r += nf {
			if v := x[r]; x[r+1] != v || x[r+2] != v || x[r+3] != v {
				mu.Lock()
				bad = append(bad, fmt.Sprint(x[r:r+nf]))
				mu.Unlock()
			}
		}
	}
	targets := []*Target{s.Target("decision_tree", tree, "served")}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			x := make([]float64, 3*nf)
			probs := make([]float64, 3*nc)
			for i := range 500 {
				v := float64(w*1000+i) / 1000
				for k := range x {
					x[k] = v
				}
				s.Submit(targets, x, probs, nf, nc)
			}
		})
	}
	wg.Wait()
	stop(t, s)
	if len(bad) > 0 {
		t.Fatalf("%d rows scored mixed values from two submissions, e.g. %s", len(bad), bad[0])
	}
	scored := testutil.ToFloat64(s.predictions.WithLabelValues("decision_tree", "served"))
	dropped := testutil.ToFloat64(s.dropped.WithLabelValues("decision_tree", "served", telemetry.ReasonQueueFull))
	if scored+dropped != 4*500*3 {
		t.Errorf("scored %v + dropped %v rows, want every row of 2000 jobs (6000) accounted for", scored, dropped)
	}
}

// TestSample: Options.Sample is the fraction of requests queued, drawn
// from Options.Float64.
func TestSample(t *testing.T) {
	tests := []struct {
		name   string
		sample float64
		draws  []float64
		queued int
	}{
		{"all by default", 0, []float64{0.99, 0, 0.5}, 3},
		{"all", 1, []float64{0.99, 0, 0.5}, 3},
		{"half", 0.5, []float64{0.1, 0.7, 0.4, 0.9, 0.5}, 2},
		{"a tenth", 0.1, []float64{0.05, 0.1, 0.2, 0.0999}, 2},
	}
	tree := modeltest.Bundle(t, "decision_tree", "decision_tree")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				mu sync.Mutex
				i  int
			)
			next := func() float64 {
				mu.Lock()
				defer mu.Unlock()
				v := tt.draws[i]
				i++
				return v
			}
			s, _ := newScorer(t, Options{Sample: tt.sample, Float64: next})
			targets := []*Target{s.Target("decision_tree", tree, "served")}
			x, probs := served(tree, modeltest.Setosa)
			queued := 0
			for range tt.draws {
				if s.Submit(targets, x, probs, nf, nc) {
					queued++
				}
			}
			stop(t, s)
			if queued != tt.queued {
				t.Errorf("%d of %d queued, want %d", queued, len(tt.draws), tt.queued)
			}
			if got := testutil.ToFloat64(s.predictions.WithLabelValues("decision_tree", "served")); got != float64(tt.queued) {
				t.Errorf("%v rows scored, want %d", got, tt.queued)
			}
		})
	}
}

// TestStopDeadline: a stop whose context ends before the queue is drained
// drops what is left and counts it with reason shutdown, and a Submit
// after Stop is dropped the same way.
func TestStopDeadline(t *testing.T) {
	tree := modeltest.Bundle(t, "decision_tree", "decision_tree")
	g := newGate(tree)
	const queue = 3
	s, _ := newScorer(t, Options{QueueSize: queue})
	targets := []*Target{s.Target("decision_tree", g, "served")}
	x, probs := served(tree, modeltest.Setosa, modeltest.Virginica)
	s.Submit(targets, x, probs, nf, nc)
	g.waitEntered(t)
	for range queue {
		s.Submit(targets, x, probs, nf, nc)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // the deadline has passed
	n, err := s.Stop(ctx)
	if n != queue || err == nil {
		t.Errorf("Stop past its deadline: %d jobs dropped, err %v; want %d and an error", n, err, queue)
	}
	if s.Submit(targets, x, probs, nf, nc) {
		t.Error("Submit after Stop queued a job")
	}
	close(g.open) // the held job finishes
	shutdown := s.dropped.WithLabelValues("decision_tree", "served", telemetry.ReasonShutdown)
	if got, want := testutil.ToFloat64(shutdown), float64((queue+1)*2); got != want {
		t.Errorf("rows dropped at shutdown %v, want %v (the queued jobs and the one after Stop)", got, want)
	}
	if n, err := s.Stop(t.Context()); n != 0 || err != nil {
		t.Errorf("second Stop: %d, %v; want 0, nil", n, err)
	}
}
