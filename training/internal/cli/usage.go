package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// UsageError is a command line mlops cannot run: an unknown command or
// flag, a wrong number of arguments, a missing required flag, or flags
// that cannot go together. Run prints it with a hint to --help and exits
// 2; every other error exits 1.
type UsageError struct {
	// Command is the path of the command that rejected the line, such as
	// "mlops data remote add".
	Command string
	Err     error
}

func (e *UsageError) Error() string { return e.Err.Error() }

func (e *UsageError) Unwrap() error { return e.Err }

func usageError(cmd *cobra.Command, err error) error {
	var u *UsageError
	if errors.As(err, &u) {
		return err
	}
	return &UsageError{Command: cmd.CommandPath(), Err: err}
}

// markUsageErrors makes every usage error of cmd and the commands below
// it a *UsageError, in this one place, since cobra reports them as plain
// errors: it wraps each command's argument validator, checks required
// flags and flag groups before the command's own PreRun, and makes a
// command group reject an unknown subcommand (cobra would print the
// group's help and succeed). Flag parse errors are marked by the root's
// FlagErrorFunc.
func markUsageErrors(cmd *cobra.Command) {
	switch {
	case cmd.HasSubCommands() && !cmd.Runnable():
		cmd.Args = unknownCommand
		cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		// Its usage line stays "mlops data", not "mlops data [flags]".
		cmd.DisableFlagsInUseLine = true
	case cmd.Args != nil:
		validate := cmd.Args
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := validate(c, args); err != nil {
				return usageError(c, err)
			}
			return nil
		}
	}
	preRunE, preRun := cmd.PreRunE, cmd.PreRun
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if err := c.ValidateRequiredFlags(); err != nil {
			return usageError(c, err)
		}
		if err := c.ValidateFlagGroups(); err != nil {
			return usageError(c, err)
		}
		switch {
		case preRunE != nil:
			return preRunE(c, args)
		case preRun != nil:
			preRun(c, args)
		}
		return nil
	}
	for _, sub := range cmd.Commands() {
		markUsageErrors(sub)
	}
}

// unknownCommand is the argument validator of a command group: any
// argument left after the subcommands were matched names none of them.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		for i := range s {
			s[i] = strconv.Quote(s[i])
		}
		msg += " (did you mean " + strings.Join(s, " or ") + "?)"
	}
	return usageError(cmd, errors.New(msg))
}
