package tune

import (
	"context"
	"sync"
)

// job is one fit of a tuning run. run executes on a worker goroutine and
// writes only what no other job touches; then done, if not nil, runs on
// the scheduling goroutine, one job's at a time, and returns the jobs that
// run's result made ready (a study's next inner fold, say).
type job struct {
	run  func(ctx context.Context) error
	done func() []job
}

// schedule runs jobs on a fixed number of worker goroutines as they become
// ready: the ready queue first, in order, and filler jobs, which nothing
// waits for, only when no other job is ready, so that they fill the gaps a
// study leaves while it waits for its slowest fit. The order jobs run in
// changes no result: each writes its own slot, and the decisions made
// from them (pruning, the next batch) are made in done, once all the jobs
// they depend on have finished.
type schedule struct {
	workers int
	ready   []job
	filler  []job
}

// run runs every job, and those they make ready, and returns the first
// error, after the jobs already running have finished; once a job has
// failed or ctx is done, no other starts.
func (s *schedule) run(ctx context.Context) error {
	type result struct {
		j   job
		err error
	}
	workers := max(s.workers, 1)
	jobs := make(chan job)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				results <- result{j, j.run(ctx)}
			}
		})
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()
	var firstErr error
	for idle := workers; ; {
		for ; idle > 0 && firstErr == nil; idle-- {
			j, ok := s.next()
			if !ok {
				break
			}
			if err := ctx.Err(); err != nil {
				firstErr = err
				break
			}
			// A worker is free: it has handed over its last result, or
			// never had a job.
			jobs <- j
		}
		if idle == workers {
			return firstErr
		}
		r := <-results
		idle++
		switch {
		case r.err != nil && firstErr == nil:
			firstErr = r.err
		case r.err == nil && firstErr == nil && r.j.done != nil:
			s.ready = append(s.ready, r.j.done()...)
		}
	}
}

// next takes the next job to start: the first ready one, else the first
// filler.
func (s *schedule) next() (job, bool) {
	for _, q := range []*[]job{&s.ready, &s.filler} {
		if len(*q) > 0 {
			j := (*q)[0]
			*q = (*q)[1:]
			return j, true
		}
	}
	return job{}, false
}
