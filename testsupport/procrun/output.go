package procrun

import (
	"strings"
	"sync"
)

// output keeps the last max bytes a process wrote (stdout and stderr
// together): enough to show why it failed without holding a long run's
// whole log. It is safe for the exec package's copying goroutines to write
// while the test reads it.
type output struct {
	mu      sync.Mutex
	max     int
	buf     []byte
	dropped bool // the start was cut off, so the first line may be partial
}

func newOutput(maxBytes int) *output {
	return &output{max: maxBytes}
}

// Write keeps p, dropping the oldest bytes beyond the limit.
func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf = append(o.buf, p...)
	// Trimming only past twice the limit copies each byte a bounded number
	// of times however small the writes.
	if len(o.buf) > 2*o.max {
		o.buf = append(o.buf[:0], o.buf[len(o.buf)-o.max:]...)
		o.dropped = true
	}
	return len(p), nil
}

// String returns what is kept, at most the last max bytes.
func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.buf
	if len(b) > o.max {
		b = b[len(b)-o.max:]
	}
	return string(b)
}

// Tail returns the last n lines kept, without a partial first line when the
// start was cut off.
func (o *output) Tail(n int) string {
	o.mu.Lock()
	cut := o.dropped || len(o.buf) > o.max
	o.mu.Unlock()
	s := strings.TrimRight(o.String(), "\n")
	if cut {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		} else {
			s = ""
		}
	}
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
