// Package progress draws a one-line progress counter for long work (training
// many folds) on a terminal, and stays silent elsewhere so logs and CI output
// are not flooded with carriage returns.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Bar counts finished units of work. It is safe for concurrent use.
type Bar struct {
	mu     sync.Mutex
	w      io.Writer
	label  string
	total  int
	done   int
	start  time.Time
	last   time.Time
	active bool
	status string
}

// New returns a bar for total units that draws on w only when w is a
// terminal.
func New(w io.Writer, label string, total int) *Bar {
	return &Bar{w: w, label: label, total: total, start: time.Now(), active: isTerminal(w)}
}

// Add records n finished units and redraws at most every 50 ms.
func (b *Bar) Add(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	if !b.active {
		return
	}
	now := time.Now()
	if b.done < b.total && now.Sub(b.last) < 50*time.Millisecond {
		return
	}
	b.last = now
	const width = 30
	filled := width * b.done / max(b.total, 1)
	fmt.Fprintf(b.w, "\r%s [%s%s] %d/%d %.1fs%s", b.label, strings.Repeat("=", filled), strings.Repeat(" ", width-filled),
		b.done, b.total, now.Sub(b.start).Seconds(), b.status)
}

// SetStatus sets what the bar shows after its counter from the next
// redraw on (tuning's best score so far); "" shows nothing.
func (b *Bar) SetStatus(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s != "" {
		s = ", " + s
	}
	b.status = s
}

// Done clears the line so the next output starts clean.
func (b *Bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.active {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
