package tune

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
)

// TestScheduleOrder runs on one worker, where the order is the schedule's
// own: ready jobs in order, those a job makes ready after the ones queued
// before them, and filler jobs only when nothing else is ready.
func TestScheduleOrder(t *testing.T) {
	var order []string
	do := func(name string, then ...job) job {
		return job{
			run:  func(context.Context) error { order = append(order, name); return nil },
			done: func() []job { return then },
		}
	}
	s := schedule{
		workers: 1,
		ready:   []job{do("a", do("a1", do("a2"))), do("b")},
		filler:  []job{do("f1"), do("f2")},
	}
	if err := s.run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "a1", "a2", "f1", "f2"}; !slices.Equal(order, want) {
		t.Fatalf("ran %v, want %v", order, want)
	}
}

// TestScheduleRunsEveryJob runs a tree of jobs on several workers: every
// job runs once and done sees its own job's result.
func TestScheduleRunsEveryJob(t *testing.T) {
	var mu sync.Mutex
	ran := map[int]int{}
	var spawn func(id, depth int) job
	spawn = func(id, depth int) job {
		return job{
			run: func(context.Context) error {
				mu.Lock()
				ran[id]++
				mu.Unlock()
				return nil
			},
			done: func() []job {
				if depth == 3 {
					return nil
				}
				return []job{spawn(2*id, depth+1), spawn(2*id+1, depth+1)}
			},
		}
	}
	s := schedule{workers: 4, ready: []job{spawn(1, 0)}, filler: []job{spawn(100, 3), spawn(101, 3)}}
	if err := s.run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(ran) != 15+2 {
		t.Fatalf("%d distinct jobs ran, want 17", len(ran))
	}
	for id, n := range ran {
		if n != 1 {
			t.Errorf("job %d ran %d times", id, n)
		}
	}
}

// TestScheduleStopsAtFirstError checks that no job starts after one has
// failed, that the jobs a failed job would have made ready never run, and
// that the error is returned.
func TestScheduleStopsAtFirstError(t *testing.T) {
	boom := errors.New("boom")
	var ran []string
	s := schedule{workers: 1, ready: []job{
		{run: func(context.Context) error { ran = append(ran, "ok"); return nil }},
		{
			run:  func(context.Context) error { ran = append(ran, "fails"); return boom },
			done: func() []job { t.Error("done called for a failed job"); return nil },
		},
		{run: func(context.Context) error { ran = append(ran, "after"); return nil }},
	}}
	if err := s.run(t.Context()); !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
	if want := []string{"ok", "fails"}; !slices.Equal(ran, want) {
		t.Fatalf("ran %v, want %v", ran, want)
	}
}

// TestScheduleStopsWhenCancelled checks that a cancelled context starts no
// further job and is reported.
func TestScheduleStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var ran int
	s := schedule{workers: 1, ready: []job{
		{run: func(context.Context) error { ran++; cancel(); return nil }},
		{run: func(context.Context) error { ran++; return nil }},
	}}
	if err := s.run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if ran != 1 {
		t.Fatalf("%d jobs ran, want 1", ran)
	}
}
