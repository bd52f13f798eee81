// Package gitcmd runs the git program: one way to start it, read its
// output and report its failures, shared by everything in the training
// module that asks git something (the DVC work tree in dvc/scm, the run
// store's commit and branch in tracking, and `mlops runs diff`). Running
// the user's git, rather than reading .git ourselves, keeps behaviour
// identical to the git they type.
package gitcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Error is a git command that could not be started or exited non-zero.
type Error struct {
	// Args are the arguments after "git".
	Args []string
	// ExitCode is git's exit status, or -1 when git did not run (not
	// installed, ctx done before it started).
	ExitCode int
	// Stderr is what git wrote on standard error, trimmed.
	Stderr string
	// Err is the error from os/exec.
	Err error
}

func (e *Error) Error() string {
	msg := "gitcmd: git " + strings.Join(e.Args, " ") + ": " + e.Err.Error()
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// ExitCode returns the exit status of the failed git command in err's
// chain, or -1 when err holds none (git did not run, or err is not a git
// failure).
func ExitCode(err error) int {
	var ge *Error
	if errors.As(err, &ge) {
		return ge.ExitCode
	}
	return -1
}

// Run runs git with args in dir ("" for the current directory) and
// returns its standard output. A failure is an *Error naming the command
// and carrying git's standard error; it stops when ctx is done.
func Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		code := -1
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			// Killed because ctx ended: say so, so callers can test
			// errors.Is(err, context.Canceled).
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return out.Bytes(), &Error{Args: args, ExitCode: code, Stderr: strings.TrimSpace(errOut.String()), Err: err}
	}
	return out.Bytes(), nil
}

// Output is Run with the output as a string, surrounding white space
// trimmed: for commands that print one value (rev-parse).
func Output(ctx context.Context, dir string, args ...string) (string, error) {
	out, err := Run(ctx, dir, args...)
	return strings.TrimSpace(string(out)), err
}
