package report

import (
	"bytes"
	"errors"
	"html"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/tracking"
	"github.com/mlopsgo/mlops/training/internal/tracking/trackingtest"
)

func TestOutPath(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ out, want string }{
		{"reports/report.html", "reports/report.html"},
		{"x.HTML", "x.HTML"},
		{"reports/", "reports/report.html"},
		{"reports", "reports/report.html"},
		{existing, filepath.Join(existing, "report.html")},
	}
	for _, tt := range tests {
		if got := outPath(tt.out); got != tt.want {
			t.Errorf("outPath(%q) = %q, want %q", tt.out, got, tt.want)
		}
	}
}

func TestParsePairs(t *testing.T) {
	features := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
	got, err := ParsePairs([]string{"petal_length:sepal_width"}, features)
	if err != nil || !slices.Equal(got, [][2]int{{2, 1}}) {
		t.Fatalf("ParsePairs = %v, %v", got, err)
	}
	for _, bad := range []string{"petal_length", "petal_length:nope", ":"} {
		if _, err := ParsePairs([]string{bad}, features); err == nil {
			t.Errorf("ParsePairs(%q): want an error", bad)
		}
	}
}

// tuneStore returns a store holding the fixture runs (two finished
// training runs, a failed one) and three tune runs: one on the same data
// (md5) after the second training run, a later one on other data, and a
// still later failed one on the same data.
func tuneStore(t *testing.T) (*tracking.Store, []*tracking.Run) {
	t.Helper()
	runs := trackingtest.Runs()
	same := trackingtest.TuneRunFixture("20261121-120000-aaaaaa", trackingtest.T0.Add(26*time.Hour+30*time.Minute))
	other := trackingtest.TuneRunFixture("20261121-121500-bbbbbb", trackingtest.T0.Add(26*time.Hour+45*time.Minute))
	other.Data.MD5 = "0123456789abcdef0123456789abcdef"
	failed := trackingtest.TuneRunFixture("20261121-122500-cccccc", trackingtest.T0.Add(26*time.Hour+55*time.Minute))
	failed.Status, failed.Error = tracking.StatusFailed, "interrupted"
	runs = append(runs, same, other, failed)
	return trackingtest.Store(t, runs...), runs
}

func TestReportTuningSection(t *testing.T) {
	tests := []struct {
		name string
		// setup removes runs from the store, or adds some; optional.
		setup func(t *testing.T, s *tracking.Store)
		args  []string
		tune  string
		// want is the tune run the page shows, "" for no tuning section;
		// note is a text the section must show.
		want, note string
	}{
		{name: "default: latest finished tune run on the same data", want: "20261121-120000-aaaaaa",
			note: "The latest finished tune run on the same data (md5 9f44d5c52de2354fb45e9dcfc0e90b16) as run 20261121-113000-d4e5f6."},
		{name: "off", tune: "off"},
		{name: "named, on other data", tune: "20261121-121500", want: "20261121-121500-bbbbbb",
			note: "Picked with --tune 20261121-121500. Warning: it tuned other data (md5 0123456789abcdef0123456789abcdef) than run 20261121-113000-d4e5f6 trained on (md5 9f44d5c52de2354fb45e9dcfc0e90b16)."},
		{name: "named, failed", tune: "20261121-122500-cccccc", want: "20261121-122500-cccccc",
			note: "Picked with --tune 20261121-122500-cccccc. The run is failed: its searches may be incomplete."},
		{name: "a tune run of other data only", want: "",
			setup: func(t *testing.T, s *tracking.Store) {
				if err := s.Delete(t.Context(), "20261121-120000-aaaaaa"); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "the first training run: the tune run is on its data too", args: []string{"20261120-093000"}, want: "20261121-120000-aaaaaa"},
		{name: "a later tune run is not the run shown", want: "20261121-120000-aaaaaa",
			setup: func(t *testing.T, s *tracking.Store) {
				late := trackingtest.TuneRunFixture("20261122-090000-dddddd", trackingtest.T0.Add(48*time.Hour))
				late.Data.MD5 = "fedcba9876543210fedcba9876543210"
				if err := os.MkdirAll(filepath.Join(s.Dir(), late.ID), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := s.Save(late); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, _ := tuneStore(t)
			if tt.setup != nil {
				tt.setup(t, store)
			}
			out := filepath.Join(t.TempDir(), "report.html")
			var stdout bytes.Buffer
			flags := flagpole{runsDir: store.Dir(), out: out, tune: tt.tune}
			if err := run(t.Context(), slog.New(slog.DiscardHandler), streams.Streams{Out: &stdout}, flags, tt.args); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			page := string(b)
			if !strings.Contains(page, "<title>Training report 2026112") {
				t.Fatalf("not a training report: %.200s", page)
			}
			if tt.want == "" {
				if strings.Contains(page, `id="tuning"`) || strings.Contains(page, "chart-tune-") {
					t.Error("the page has a tuning section")
				}
				return
			}
			if !strings.Contains(page, "<p>Tune run <code>"+tt.want+"</code>") {
				t.Errorf("the tuning section does not show tune run %s", tt.want)
			}
			if tt.note != "" && !strings.Contains(page, `<p class="note">`+html.EscapeString(tt.note)+"</p>") {
				t.Errorf("the tuning section does not say %q", tt.note)
			}
			for _, id := range []string{"chart-tune-svm-history", "chart-tune-svm-importance", "chart-tune-svm-scores", "chart-tune-decision_tree-history"} {
				if !strings.Contains(page, `<figure id="`+id+`"`) {
					t.Errorf("the page has no %s", id)
				}
			}
		})
	}
}

func TestReportTuneErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		tune string
		want string
		is   error
	}{
		{name: "no such tune run", tune: "20991231", want: `--tune 20991231: tracking: no such run: "20991231"`, is: tracking.ErrNotFound},
		{name: "ambiguous", tune: "20261121-12", want: "--tune 20261121-12: tracking: ambiguous run id", is: tracking.ErrAmbiguous},
		{name: "a training run", tune: "20261121-113000-d4e5f6", want: "--tune 20261121-113000-d4e5f6: run 20261121-113000-d4e5f6 is a training run, not a tune run"},
		{name: "a tune run as the run to show", args: []string{"20261121-120000-aaaaaa"}, want: "run 20261121-120000-aaaaaa is a tune run: the report shows training runs (name a tune run with --tune)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, _ := tuneStore(t)
			flags := flagpole{runsDir: store.Dir(), out: filepath.Join(t.TempDir(), "report.html"), tune: tt.tune}
			err := run(t.Context(), slog.New(slog.DiscardHandler), streams.Streams{Out: io.Discard}, flags, tt.args)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error %v, want one starting %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if _, err := os.Stat(flags.out); err == nil {
				t.Error("a report was written")
			}
		})
	}
}
