package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/mlopsgo/mlops/app/internal/modeltest"
)

// TestStartupPhasesLogged checks the debug lines model-api-bench -startup
// reads: each phase in order with how long it took, and the split of the
// first load.
func TestStartupPhasesLogged(t *testing.T) {
	var buf bytes.Buffer
	reg := newRegistry()
	_, err := NewServer(t.Context(), Deps{
		Options:    Options{ModelDir: modeltest.Dir(t)},
		Logger:     slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registerer: reg, Gatherer: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	var loaded map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		switch m["msg"] {
		case "start-up phase":
			if _, ok := m["took"].(float64); !ok {
				t.Errorf("phase line without a duration: %s", line)
			}
			phases = append(phases, m["phase"].(string))
		case "models loaded":
			loaded = m
		}
	}
	if got, want := strings.Join(phases, ","), "metrics,routes,empty set,models"; got != want {
		t.Errorf("phases %s, want %s", got, want)
	}
	for _, key := range []string{"decode", "install"} {
		if _, ok := loaded[key].(float64); !ok {
			t.Errorf("models loaded line lacks %q: %v", key, loaded)
		}
	}
}

// TestStartupFailedLoadTimed checks that a first load that fails (an empty
// models directory) still logs how long it took, which model-api-bench
// -startup reports for the empty-directory start.
func TestStartupFailedLoadTimed(t *testing.T) {
	var buf bytes.Buffer
	reg := newRegistry()
	if _, err := NewServer(t.Context(), Deps{
		Options:    Options{ModelDir: t.TempDir()},
		Logger:     slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registerer: reg, Gatherer: reg,
	}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["msg"] == "model reload failed; previous models keep serving" {
			if _, ok := m["decode"].(float64); !ok {
				t.Errorf("failed load line lacks its decode time: %s", line)
			}
			return
		}
	}
	t.Errorf("no failed-load line in %s", buf.String())
}
