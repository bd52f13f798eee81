package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestTally(t *testing.T) {
	tests := []struct {
		name   string
		stream string
		failed bool
		report []string // lines the report must contain, in order
	}{
		{
			name: "all pass",
			stream: `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p"}`,
			report: []string{"m: 1 tests, 2 test runs, 0 failed at least once"},
		},
		{
			name: "a test fails once in three, with its log",
			stream: `{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:9: got 2, want 1\n"}
{"Action":"fail","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestB"}
{"Action":"fail","Package":"p"}`,
			failed: true,
			report: []string{
				"m: 2 tests, 4 test runs, 1 failed at least once",
				"FAILED p TestA: 1 of 3 runs",
				"a_test.go:9: got 2, want 1",
			},
		},
		{
			name: "a package fails outside any test",
			stream: `{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Output":"panic: boom\n"}
{"Action":"fail","Package":"p"}`,
			failed: true,
			report: []string{"FAILED p (outside any test: panic, timeout or build failure): 1 of 1 runs", "panic: boom"},
		},
		{
			name: "a build failure",
			stream: `{"ImportPath":"p [p.test]","Action":"build-output","Output":"./a_test.go:3:1: syntax error\n"}
{"ImportPath":"p [p.test]","Action":"build-fail"}
not json: ignored`,
			failed: true,
			report: []string{"FAILED p [p.test] (outside any test", "syntax error"},
		},
		{
			name: "skips are not failures",
			stream: `{"Action":"skip","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p"}`,
			report: []string{"m: 1 tests, 1 test runs, 0 failed at least once"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tally, err := Read(strings.NewReader(tt.stream))
			if err != nil {
				t.Fatal(err)
			}
			if got := tally.Failed(); got != tt.failed {
				t.Errorf("Failed() = %v, want %v", got, tt.failed)
			}
			var buf bytes.Buffer
			if err := tally.Report(&buf, "m"); err != nil {
				t.Fatal(err)
			}
			rest := buf.String()
			for _, want := range tt.report {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("report lacks %q (in order); report:\n%s", want, buf.String())
				}
				rest = rest[i+len(want):]
			}
		})
	}
}

// TestRealGoTest runs go test -json on a package whose test fails on every
// third run of the same process, the shape of a real flaky test.
func TestRealGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary with the go command")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module flaky\n\ngo 1.26\n",
		"flaky_test.go": `package flaky

import "testing"

var n int

func TestSometimes(t *testing.T) {
	n++
	if n%3 == 0 {
		t.Errorf("run %d failed", n)
	}
}

func TestAlways(t *testing.T) {}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), "go", "test", "-json", "-count=6", "-shuffle=on", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	out, err := cmd.Output()
	if err == nil {
		t.Fatalf("go test passed; want it to fail twice in six runs:\n%s", out)
	}
	tally, err := Read(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	failures := tally.Failures()
	if len(failures) != 1 || failures[0].Test != "TestSometimes" || failures[0].Fails != 2 || failures[0].Runs != 6 {
		t.Fatalf("failures = %+v, want TestSometimes failing 2 of 6 runs", failures)
	}
	if !strings.Contains(strings.Join(failures[0].FirstFailureLines, "\n"), "run 3 failed") {
		t.Errorf("first failure's log = %q, want the message of run 3", failures[0].FirstFailureLines)
	}
}
