package shadow

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/mlopsgo/mlops/app/telemetry"
	"github.com/mlopsgo/mlops/training/model"
)

// Defaults of [Options].
const (
	DefaultWorkers   = 1
	DefaultQueueSize = 1024
	DefaultSample    = 1.0
)

// Options configures a Scorer. The zero value of each field means its
// default.
type Options struct {
	// Workers is how many goroutines score jobs. Optional. Default: 1,
	// which scores a few hundred thousand rows a second with two Iris
	// challengers.
	Workers int
	// QueueSize is how many jobs (requests) wait for a worker before new
	// ones are dropped. A job holds its request's rows, so the memory it
	// bounds is QueueSize x rows per request x (features + classes) x 8
	// bytes. Optional. Default: 1024.
	QueueSize int
	// Sample is the fraction of submitted requests scored, in (0, 1].
	// Optional. Default: 1 (every request).
	Sample float64
	// Float64 draws the sampling decision, a number in [0, 1), and must be
	// safe for concurrent use. Optional. Default: math/rand/v2's Float64.
	Float64 func() float64
	// Logger receives the scorer's logs. Optional. Default: discard.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.Sample <= 0 || o.Sample > 1 {
		o.Sample = DefaultSample
	}
	if o.Float64 == nil {
		o.Float64 = rand.Float64
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Predictor is what scoring needs of a challenger: a *model.Bundle (and a
// registry model, which embeds one) is one. PredictInto must be safe for
// concurrent use.
type Predictor interface {
	PredictInto(dst, x []float64)
}

var _ Predictor = (*model.Bundle)(nil)

// Target is one challenger scored against one served model, with the
// metric series of the pair. Make them with [Scorer.Target] when a model
// set is installed, and hand a served model's targets to [Scorer.Submit].
type Target struct {
	challenger string
	model      Predictor
	scored     prometheus.Counter
	agreed     prometheus.Counter
	confC      prometheus.Counter // the challenger's top probabilities, summed
	confS      prometheus.Counter // the served model's
	diff       prometheus.Observer
	duration   prometheus.Observer
	dropFull   prometheus.Counter
	dropStop   prometheus.Counter
}

// Challenger returns the challenger's name.
func (t *Target) Challenger() string { return t.challenger }

// job is one sampled request: its rows and the served model's
// probabilities, copied, and the challengers to score them with.
type job struct {
	targets  []*Target
	x, probs []float64
	nf, nc   int
}

func (j *job) rows() int { return len(j.x) / j.nf }

// maxPooledFloats bounds the buffers a pooled job keeps: one large batch
// must not pin its memory for good.
const maxPooledFloats = 1 << 16

// Scorer scores challengers in shadow: a bounded queue feeding a fixed pool
// of workers. It is safe for concurrent use.
type Scorer struct {
	opts    Options
	log     *slog.Logger
	queue   chan *job
	jobs    sync.Pool
	workers sync.WaitGroup

	mu     sync.RWMutex // Submit's send against Stop's close
	closed bool
	// abandon makes the workers drop what they take instead of scoring
	// it: set when Stop's context ends.
	abandon atomic.Bool

	predictions *prometheus.CounterVec
	agreements  *prometheus.CounterVec
	confidence  *prometheus.CounterVec
	diff        *prometheus.HistogramVec
	duration    *prometheus.HistogramVec
	dropped     *prometheus.CounterVec

	// onScored, when set (by tests), is called by a worker after it scored
	// a job's rows with a target, with the rows it scored.
	onScored func(t *Target, x []float64)
}

// Buckets of the confidence difference, -1..1: most challengers of a good
// champion sit within a few points of it.
var diffBuckets = []float64{-0.5, -0.25, -0.1, -0.05, -0.01, 0, 0.01, 0.05, 0.1, 0.25, 0.5}

// durationBuckets are inferenceDurationBuckets of the server, in seconds:
// a job is one request's rows.
var durationBuckets = []float64{1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 0.01, 0.1}

// New registers the shadow metrics on reg and starts the workers. Stop
// them with Stop.
func New(reg prometheus.Registerer, opts Options) *Scorer {
	opts = opts.withDefaults()
	f := promauto.With(reg)
	pair := []string{telemetry.LabelModel, telemetry.LabelServedModel}
	s := &Scorer{
		opts:  opts,
		log:   opts.Logger.With("component", "shadow"),
		queue: make(chan *job, opts.QueueSize),
		predictions: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.ShadowPredictionsTotal,
			Help: "Rows a challenger scored in shadow, by challenger (model) and the model that served them.",
		}, pair),
		agreements: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.ShadowAgreementsTotal,
			Help: "Rows scored in shadow for which the challenger predicted the served model's class, by challenger and served model.",
		}, pair),
		confidence: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.ShadowConfidenceTotal,
			Help: "Top class probabilities summed over the rows scored in shadow, by challenger, served model and side (challenger, served); over shadow predictions, each side's mean confidence.",
		}, []string{telemetry.LabelModel, telemetry.LabelServedModel, telemetry.LabelSide}),
		diff: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    telemetry.ShadowConfidenceDifference,
			Help:    "Challenger's top class probability minus the served model's, per row scored in shadow, by challenger and served model (its _sum falls with negative differences: take the mean from " + telemetry.ShadowConfidenceTotal + ").",
			Buckets: diffBuckets,
		}, pair),
		duration: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    telemetry.ShadowDurationSeconds,
			Help:    "A challenger's computation time per shadow job (one request's rows) in seconds, by challenger.",
			Buckets: durationBuckets,
		}, []string{telemetry.LabelModel}),
		dropped: f.NewCounterVec(prometheus.CounterOpts{
			Name: telemetry.ShadowDroppedTotal,
			Help: "Rows a challenger did not score in shadow, by challenger, served model and reason (queue_full, shutdown).",
		}, []string{telemetry.LabelModel, telemetry.LabelServedModel, telemetry.LabelReason}),
	}
	f.NewGaugeFunc(prometheus.GaugeOpts{
		Name: telemetry.ShadowQueueLength,
		Help: "Shadow jobs waiting for a worker.",
	}, func() float64 { return float64(len(s.queue)) })
	f.NewGaugeFunc(prometheus.GaugeOpts{
		Name: telemetry.ShadowQueueCapacity,
		Help: "Shadow jobs the queue holds before it drops new ones.",
	}, func() float64 { return float64(cap(s.queue)) })
	s.workers.Add(opts.Workers)
	for range opts.Workers {
		go s.work()
	}
	return s
}

// Target returns the target that scores challenger (predicting with p)
// against served, creating its series so that they read 0 before any row.
func (s *Scorer) Target(challenger string, p Predictor, served string) *Target {
	return &Target{
		challenger: challenger,
		model:      p,
		scored:     s.predictions.WithLabelValues(challenger, served),
		agreed:     s.agreements.WithLabelValues(challenger, served),
		confC:      s.confidence.WithLabelValues(challenger, served, telemetry.SideChallenger),
		confS:      s.confidence.WithLabelValues(challenger, served, telemetry.SideServed),
		diff:       s.diff.WithLabelValues(challenger, served),
		duration:   s.duration.WithLabelValues(challenger),
		dropFull:   s.dropped.WithLabelValues(challenger, served, telemetry.ReasonQueueFull),
		dropStop:   s.dropped.WithLabelValues(challenger, served, telemetry.ReasonShutdown),
	}
}

// Submit offers a served request to shadow scoring: with probability
// Options.Sample it copies x (rows of nf features, row-major) and probs (the
// served model's probabilities, nc per row) into a job and queues it for
// targets, all of which must predict nc classes from nf features. It never
// blocks: a job that finds the queue full, or the scorer stopped, is
// dropped and counted. It reports whether the job was queued. x and probs
// are not retained.
func (s *Scorer) Submit(targets []*Target, x, probs []float64, nf, nc int) bool {
	if len(targets) == 0 || nf <= 0 || nc <= 0 || len(x) == 0 {
		return false
	}
	if s.opts.Sample < 1 && s.opts.Float64() >= s.opts.Sample {
		return false
	}
	j, _ := s.jobs.Get().(*job)
	if j == nil {
		j = new(job)
	}
	j.targets, j.nf, j.nc = targets, nf, nc
	j.x = append(j.x[:0], x...)
	j.probs = append(j.probs[:0], probs...)

	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		s.drop(j, telemetry.ReasonShutdown)
		return false
	}
	select {
	case s.queue <- j:
		return true
	default:
		s.drop(j, telemetry.ReasonQueueFull)
		return false
	}
}

// drop counts a job's rows as not scored by each of its targets, for
// reason, and recycles it.
func (s *Scorer) drop(j *job, reason string) {
	rows := float64(j.rows())
	for _, t := range j.targets {
		if reason == telemetry.ReasonQueueFull {
			t.dropFull.Add(rows)
		} else {
			t.dropStop.Add(rows)
		}
	}
	s.recycle(j)
}

func (s *Scorer) recycle(j *job) {
	j.targets = nil
	if cap(j.x) > maxPooledFloats || cap(j.probs) > maxPooledFloats {
		return
	}
	s.jobs.Put(j)
}

// work scores jobs until the queue is closed and empty.
func (s *Scorer) work() {
	defer s.workers.Done()
	var dst []float64
	for j := range s.queue {
		if s.abandon.Load() {
			s.drop(j, telemetry.ReasonShutdown)
			continue
		}
		if cap(dst) < j.nc {
			dst = make([]float64, j.nc)
		}
		s.score(j, dst[:j.nc])
		s.recycle(j)
	}
}

// score runs every target of j over its rows into dst and records the
// comparison with the served probabilities.
func (s *Scorer) score(j *job, dst []float64) {
	rows, nf, nc := j.rows(), j.nf, j.nc
	for _, t := range j.targets {
		start := time.Now()
		agreed, confC, confS := 0, 0.0, 0.0
		for r := range rows {
			t.model.PredictInto(dst, j.x[r*nf:(r+1)*nf])
			served := j.probs[r*nc : (r+1)*nc]
			kc, ks := model.ArgMax(dst), model.ArgMax(served)
			if kc == ks {
				agreed++
			}
			confC += dst[kc]
			confS += served[ks]
			t.diff.Observe(dst[kc] - served[ks])
		}
		t.duration.Observe(time.Since(start).Seconds())
		t.scored.Add(float64(rows))
		t.agreed.Add(float64(agreed))
		t.confC.Add(confC)
		t.confS.Add(confS)
		if s.onScored != nil {
			s.onScored(t, j.x)
		}
	}
}

// Stop stops taking jobs and lets the workers score what is queued until
// ctx is done; then what is left is dropped and counted (reason shutdown)
// and Stop returns the number of queued jobs it dropped with ctx's error
// (the metric also counts those a worker took and dropped). A worker
// in the middle of a job finishes it. Only the first call does anything;
// later ones return 0 and nil.
func (s *Scorer) Stop(ctx context.Context) (int, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return 0, nil
	}
	s.closed = true
	close(s.queue)
	s.mu.Unlock()

	done := make(chan struct{})
	go func() {
		s.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
		return 0, nil
	case <-ctx.Done():
	}
	s.abandon.Store(true)
	dropped := 0
	for j := range s.queue { // closed: ends once empty, the workers draining it too
		s.drop(j, telemetry.ReasonShutdown)
		dropped++
	}
	s.log.Warn("shadow jobs dropped at shutdown", "jobs", dropped, "err", ctx.Err())
	return dropped, fmt.Errorf("shadow: stop: %w", ctx.Err())
}
