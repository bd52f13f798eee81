//go:build unix

package tracking

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// processAlive reports whether the process p names still runs on this
// machine: signal 0 checks existence without signalling (EPERM: it exists
// but belongs to another user). Where /proc exists (Linux), a zombie (dead,
// not yet reaped) counts as gone, and a process whose start time differs
// from the recorded one is another process that reused the id.
func processAlive(p Process) bool {
	if p.PID <= 0 {
		return false
	}
	if err := syscall.Kill(p.PID, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	state, started, ok := procStat(p.PID)
	if !ok {
		return true
	}
	if state == "Z" || state == "X" {
		return false
	}
	return p.Started == "" || p.Started == started
}

// procStat reads a process's state and start time (clock ticks since boot)
// from /proc/<pid>/stat; ok is false where there is no /proc.
func procStat(pid int) (state, started string, ok bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", "", false
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// split after its closing parenthesis.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return "", "", false
	}
	fields := strings.Fields(s[i+1:])
	// fields[0] is field 3 (state); field 22 (starttime) is fields[19].
	if len(fields) < 20 {
		return "", "", false
	}
	return fields[0], fields[19], true
}

// processStarted returns this process's start time as processAlive
// compares it, or "" where it cannot be read.
func processStarted(pid int) string {
	_, started, _ := procStat(pid)
	return started
}
