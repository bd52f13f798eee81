package procrun

import (
	"strings"
	"testing"
)

func TestOutput(t *testing.T) {
	cases := []struct {
		name     string
		max      int
		writes   []string
		n        int
		wantTail string
		wantLen  int // of String(); -1 to skip
	}{
		{name: "empty", max: 64, n: 5, wantTail: "", wantLen: 0},
		{name: "fewer lines than asked", max: 64, writes: []string{"a\nb\n"}, n: 5, wantTail: "a\nb", wantLen: 4},
		{name: "last lines", max: 64, writes: []string{"a\n", "b\nc", "\nd\n"}, n: 2, wantTail: "c\nd", wantLen: 8},
		{name: "no trailing newline", max: 64, writes: []string{"a\nb"}, n: 1, wantTail: "b", wantLen: 3},
		// 30 bytes in 10-byte lines with room for 12: String keeps the
		// last 12 bytes, and Tail drops the partial line at their start.
		{name: "over the limit", max: 12, writes: []string{"line-0001\n", "line-0002\n", "line-0003\n"}, n: 5, wantTail: "line-0003", wantLen: 12},
		// Past twice the limit the buffer is trimmed, and the cut stays known.
		{name: "trimmed", max: 12, writes: []string{strings.Repeat("x", 30) + "\n", "line-0004\n"}, n: 5, wantTail: "line-0004", wantLen: 12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := newOutput(c.max)
			for _, w := range c.writes {
				if n, err := o.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if got := o.Tail(c.n); got != c.wantTail {
				t.Errorf("Tail(%d) = %q, want %q", c.n, got, c.wantTail)
			}
			if got := len(o.String()); got != c.wantLen {
				t.Errorf("len(String()) = %d, want %d", got, c.wantLen)
			}
		})
	}
}
