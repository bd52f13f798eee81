package loadtest

import (
	"testing"
	"time"
)

func TestPhases(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name  string
		lines []logLine
		ready time.Duration
		want  map[string]time.Duration
	}{
		{
			name: "bundles",
			lines: []logLine{
				{at: 12 * ms, Msg: "start-up phase", Phase: "metrics", Took: 2 * ms},
				{at: 13 * ms, Msg: "start-up phase", Phase: "routes", Took: 1 * ms},
				{at: 13 * ms, Msg: "start-up phase", Phase: "empty set", Took: 0},
				{at: 20 * ms, Msg: msgLoaded, Decode: 6 * ms, Install: 1 * ms},
				{at: 21 * ms, Msg: "start-up phase", Phase: "models", Took: 5 * ms},
			},
			ready: 24 * ms,
			want: map[string]time.Duration{
				PhaseProcess: 10 * ms, PhaseMetrics: 2 * ms, PhaseRoutes: 1 * ms, PhaseEmpty: 0,
				PhaseDecode: 6 * ms, PhaseWait: 4 * ms, PhaseInstall: 1 * ms, PhaseListen: 3 * ms, PhaseTotal: 24 * ms,
			},
		},
		{
			name: "empty directory: the failed load, not installed",
			lines: []logLine{
				{at: 12 * ms, Msg: "start-up phase", Phase: "metrics", Took: 2 * ms},
				{at: 12 * ms, Msg: msgLoadFailed, Decode: ms / 2},
				{at: 13 * ms, Msg: "start-up phase", Phase: "routes", Took: 1 * ms},
				{at: 13 * ms, Msg: "start-up phase", Phase: "empty set", Took: 0},
				{at: 13 * ms, Msg: "start-up phase", Phase: "models", Took: 0},
			},
			ready: 16 * ms,
			want: map[string]time.Duration{
				PhaseProcess: 10 * ms, PhaseMetrics: 2 * ms, PhaseRoutes: 1 * ms, PhaseEmpty: 0,
				PhaseDecode: ms / 2, PhaseWait: 0, PhaseInstall: 0, PhaseListen: 3 * ms, PhaseTotal: 16 * ms,
			},
		},
		{
			name:  "a model-api that logs no phases: the total only",
			lines: []logLine{{at: 20 * ms, Msg: "models loaded"}},
			ready: 30 * ms,
			want:  map[string]time.Duration{PhaseTotal: 30 * ms},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := phases(tt.lines, tt.ready)
			if len(got) != len(tt.want) {
				t.Errorf("phases = %v, want %v", got, tt.want)
			}
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("%s = %v, want %v", name, got[name], want)
				}
			}
		})
	}
}

func TestMedians(t *testing.T) {
	runs := []map[string]time.Duration{{PhaseTotal: 3}, {PhaseTotal: 1}, {PhaseTotal: 2}}
	m := medians(runs)
	if got := m[PhaseTotal]; got != 2 {
		t.Errorf("median of 3, 1, 2 = %v, want 2", got)
	}
	if d, ok := m[PhaseDecode]; ok {
		t.Errorf("a phase no run has has a median: %v", d)
	}
}
