package progress

import (
	"bytes"
	"strings"
	"testing"
)

// TestBarDraws checks what an active bar (one drawing on a terminal)
// writes: the label, the counter and the status, on one line redrawn in
// place, and a cleared line at the end.
func TestBarDraws(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "tuning svm", 4)
	b.active = true // buf stands in for a terminal
	b.Add(1)
	b.SetStatus("best 0.9744")
	b.Add(3) // the last unit always redraws
	b.Done()
	out := buf.String()
	for _, want := range []string{"\rtuning svm [=======                       ] 1/4 ", "\rtuning svm [==============================] 4/4 ", ", best 0.9744", "\r\033[K"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, "\n") {
		t.Errorf("output %q has a newline: the bar must redraw in place", out)
	}
}

// TestBarSilentOffTerminal checks that a bar on anything but a terminal
// writes nothing, status or not.
func TestBarSilentOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "tuning svm", 2)
	b.SetStatus("best 1")
	b.Add(2)
	b.Done()
	if buf.Len() != 0 {
		t.Fatalf("wrote %q off a terminal", buf.String())
	}
}
