package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json). Build events
// (Go 1.24+) name the package in ImportPath instead of Package.
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

// Result is how often one test passed, failed and was skipped over every
// run. A Result with an empty Test is a package's own outcome: a panic, a
// timeout or a build failure outside any one test.
type Result struct {
	Package, Test     string
	Runs, Fails       int
	FirstFailureLines []string
}

// maxLogLines bounds the log kept for a first failure.
const maxLogLines = 40

// Tally gathers the results of every run, keyed by package and test. The
// zero value is not usable; Read returns one.
type Tally struct {
	results map[string]*Result
	// logs holds each test's (and each package's) output of the current
	// run until its outcome arrives, so the first failure can be shown.
	logs map[string][]string
}

// Read consumes a `go test -json` stream. Lines that are not JSON are
// ignored: go test prints its own errors on stderr, not in the stream.
func Read(r io.Reader) (*Tally, error) {
	t := &Tally{results: map[string]*Result{}, logs: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var e event
		if line := sc.Bytes(); len(line) > 0 && line[0] == '{' && json.Unmarshal(line, &e) == nil {
			t.add(e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read go test -json output: %w", err)
	}
	return t, nil
}

func (t *Tally) add(e event) {
	pkg := e.Package
	if pkg == "" {
		pkg = e.ImportPath
	}
	key := pkg + "\x00" + e.Test
	switch e.Action {
	case "output", "build-output":
		log := t.logs[key]
		// A package's log keeps its last lines (a panic's trace ends it);
		// a test's, its first (the assertion that failed comes first).
		if e.Test == "" && len(log) == maxLogLines {
			log = log[1:]
		}
		if len(log) < maxLogLines {
			t.logs[key] = append(log, strings.TrimRight(e.Output, "\n"))
		}
	case "pass", "fail", "skip", "build-fail":
		r, ok := t.results[key]
		if !ok {
			r = &Result{Package: pkg, Test: e.Test}
			t.results[key] = r
		}
		r.Runs++
		if e.Action == "fail" || e.Action == "build-fail" {
			r.Fails++
			if r.FirstFailureLines == nil {
				r.FirstFailureLines = append([]string{}, t.logs[key]...)
			}
		}
		delete(t.logs, key)
	}
}

// Failed reports whether any test or package failed at least once.
func (t *Tally) Failed() bool {
	for _, r := range t.results {
		if r.Fails > 0 {
			return true
		}
	}
	return false
}

// Failures returns the tests that failed at least once, most failures first.
// A package's own failure is listed only when none of its tests failed (a
// failing test fails its package too).
func (t *Tally) Failures() []Result {
	failingTests := map[string]bool{}
	for _, r := range t.results {
		if r.Test != "" && r.Fails > 0 {
			failingTests[r.Package] = true
		}
	}
	var out []Result
	for _, r := range t.results {
		if r.Fails > 0 && (r.Test != "" || !failingTests[r.Package]) {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(a, b Result) int {
		if a.Fails != b.Fails {
			return b.Fails - a.Fails
		}
		return strings.Compare(a.Package+"\x00"+a.Test, b.Package+"\x00"+b.Test)
	})
	return out
}

// Report writes how many tests ran how often, then each one that failed at
// least once with its failure count and its first failure's log.
func (t *Tally) Report(w io.Writer, label string) error {
	tests, runs := 0, 0
	for _, r := range t.results {
		if r.Test != "" {
			tests++
			runs += r.Runs
		}
	}
	if label != "" {
		label += ": "
	}
	failures := t.Failures()
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s%d tests, %d test runs, %d failed at least once\n", label, tests, runs, len(failures))
	for _, r := range failures {
		name := r.Package + " " + r.Test
		if r.Test == "" {
			name = r.Package + " (outside any test: panic, timeout or build failure)"
		}
		fmt.Fprintf(bw, "  FAILED %s: %d of %d runs\n", name, r.Fails, r.Runs)
		for _, l := range r.FirstFailureLines {
			fmt.Fprintf(bw, "      %s\n", l)
		}
	}
	return bw.Flush()
}
