// Package runsshow is the `mlops runs show` command.
package runsshow

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsflag"
	"github.com/mlopsgo/mlops/training/internal/cli/runs/runslist"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

type flagpole struct {
	runsDir string
	json    bool
}

// NewCommand returns `mlops runs show`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "show [RUN]",
		Short: "Show one run: its metadata, models (or tuning results), parameters and sync state (default: latest)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := "latest"
			if len(args) == 1 {
				ref = args[0]
			}
			r, err := runsflag.Store(logger, flags.runsDir).Resolve(ref)
			if err != nil {
				return err
			}
			if flags.json {
				data, err := tracking.Encode(r)
				if err != nil {
					return err
				}
				_, err = s.Out.Write(data)
				return err
			}
			return Write(s.Out, r)
		},
	}
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	cmd.Flags().BoolVar(&flags.json, "json", false, "print the run record (run.json)")
	return cmd
}

// Write prints r for a person: a header of key: value lines, the models
// table (champion marked) or, for a tuning run, its estimates and searches
// (see renderTune), the flattened parameters and the sync state.
// The page is written in one piece; a write error (a closed pipe) is
// returned.
func Write(w io.Writer, r *tracking.Run) error {
	var buf bytes.Buffer
	if err := render(&buf, r); err != nil {
		return err
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write run %s: %w", r.ID, err)
	}
	return nil
}

func render(w *bytes.Buffer, r *tracking.Run) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	kv := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	kv("run", r.ID)
	kv("kind", r.Kind.String())
	kv("status", string(r.Status))
	if r.Error != "" {
		kv("error", r.Error)
	}
	kv("started", r.Start.UTC().Format("2006-01-02 15:04:05 UTC"))
	kv("duration", runslist.FormatDuration(r.Duration()))
	kv("host", fmt.Sprintf("%s (pid %d)", r.Process.Host, r.Process.PID))
	if r.Git != nil {
		g := r.Git.Commit
		if r.Git.Branch != "" {
			g += " on " + r.Git.Branch
		}
		if r.Git.Dirty {
			g += ", with uncommitted changes"
		}
		kv("git", g)
	} else {
		kv("git", "-")
	}
	if len(r.Command) > 0 {
		kv("command", strings.Join(r.Command, " "))
	}
	if d := r.Data; d != nil {
		kv("data", fmt.Sprintf("%s (md5 %s), %d rows (%d duplicates dropped), %d train / %d test", d.Path, d.MD5, d.Rows, d.Duplicates, d.TrainRows, d.TestRows))
		kv("classes", strings.Join(d.Classes, ", "))
		kv("features", strings.Join(d.Features, ", "))
	}
	if r.CV != nil {
		outer := ""
		if r.Kind == tracking.KindTune {
			outer = " (the outer folds)"
		}
		kv("cv", fmt.Sprintf("stratified %d-fold x %d repeats%s", r.CV.Folds, r.CV.Repeats, outer))
	}
	if r.Tune != nil {
		kv("search", searchSettings(r.Tune))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Tune != nil {
		if err := renderTune(w, r.Tune); err != nil {
			return err
		}
	}
	if len(r.Models) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "MODEL\tCV ACCURACY\tTEST ACCURACY\tPRECISION\tRECALL\tF1 MACRO\tLOG LOSS\tITERATIONS\tSHA256")
		for _, m := range r.Models {
			name := m.Name
			if name == r.Champion {
				name += " *"
			}
			if m.Failed() {
				fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t-\t%s\n", name, strings.ReplaceAll(string(m.Status), "_", " "))
				continue
			}
			iters := "-"
			if m.Iterations > 0 {
				iters = fmt.Sprint(m.Iterations)
				if !m.Converged {
					iters += " (not converged)"
				}
			}
			sha := m.Artifact.SHA256
			if len(sha) > 12 {
				sha = sha[:12]
			}
			fmt.Fprintf(tw, "%s\t%.4f ± %.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t%s\n", name, m.CV.Mean, m.CV.Std, m.Test.Accuracy,
				m.Test.PrecisionWeighted, m.Test.RecallWeighted, m.Test.F1Macro, m.Test.LogLoss, iters, sha)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w, "\n* champion (best mean CV accuracy)")
		writeNotes(w, r.Models)
	}
	if params := tracking.FlattenParams(r.Params); len(params) > 0 {
		fmt.Fprintln(w, "\nparameters:")
		tw = tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
		for _, p := range params {
			fmt.Fprintf(tw, "  %s:\t%s\n", p.Key, p.Value)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Sync) > 0 {
		fmt.Fprintln(w, "\nsync:")
		for _, name := range slices.Sorted(maps.Keys(r.Sync)) {
			st := r.Sync[name]
			state := "incomplete"
			if st.Complete {
				state = "complete"
			}
			line := fmt.Sprintf("  %s: %s, remote run %q at %s", name, state, st.RemoteID, st.URL)
			if st.LastError != "" {
				line += "; last error: " + st.LastError
			}
			fmt.Fprintln(w, line)
		}
	}
	return nil
}

// writeNotes lists, model by model, why a model failed and what its fits
// warned about; nothing when there is neither.
func writeNotes(w io.Writer, models []tracking.Model) {
	header := false
	for _, m := range models {
		var lines []string
		if m.Failed() {
			lines = append(lines, strings.ReplaceAll(string(m.Status), "_", " ")+": "+m.Error)
		}
		for _, warning := range m.Warnings {
			lines = append(lines, "warning: "+warning)
		}
		for _, l := range lines {
			if !header {
				fmt.Fprintln(w, "\nfailures and warnings:")
				header = true
			}
			fmt.Fprintf(w, "  %s: %s\n", m.Name, l)
		}
	}
}
