// Package runssync is the `mlops runs sync` command.
package runssync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/runs/runsflag"
	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/export"
	"github.com/mlopsgo/mlops/training/internal/tracking"
)

type flagpole struct {
	runsDir string
	tracker string
	json    bool
}

// NewCommand returns `mlops runs sync`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "sync [RUN...]",
		Short: "Export runs to MLflow or Weights & Biases (default: every run not yet synced)",
		Long: `Sends runs to a tracker and records, in each run, what the tracker has, so an
interrupted sync resumes and a synced run is not sent twice.

  --to mlflow  MLFLOW_TRACKING_URI (http[s]://host:port), optional MLFLOW_TRACKING_TOKEN
               (or MLFLOW_TRACKING_USERNAME/PASSWORD), MLFLOW_EXPERIMENT_NAME
  --to wandb   WANDB_API_KEY, optional WANDB_BASE_URL, WANDB_ENTITY, WANDB_PROJECT

Runs still running are skipped. Failures are retried with backoff, then
recorded in the run; the command exits 1 if any run failed to sync.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if flags.tracker == "" {
				return fmt.Errorf("say where to sync: --to mlflow or --to wandb (or set %s)", export.TrackerEnv)
			}
			exp, err := export.New(logger, flags.tracker, os.Getenv)
			if err != nil {
				return err
			}
			store := runsflag.Store(logger, flags.runsDir)
			var runs []*tracking.Run
			if len(args) == 0 {
				all, err := store.List()
				if err != nil {
					return err
				}
				runs = export.Unsynced(all, exp.Name())
			}
			for _, ref := range args {
				r, err := store.Resolve(ref)
				if err != nil {
					return err
				}
				runs = append(runs, r)
			}
			results := make([]Result, 0, len(runs))
			failed := 0
			for _, r := range runs {
				outcome, err := export.Sync(cmd.Context(), logger, store, r.ID, exp, time.Now)
				res := Result{Run: r.ID, Tracker: exp.Name(), Outcome: string(outcome)}
				if err != nil {
					failed++
					res.Error = err.Error()
				}
				if synced, gerr := store.Get(r.ID); gerr == nil && synced.Sync[exp.Name()] != nil {
					res.RemoteID = synced.Sync[exp.Name()].RemoteID
				}
				results = append(results, res)
			}
			if flags.json {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else if err := WriteTable(s.Out, results); err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d runs not synced to %s; they stay in the local store, run the command again to retry", failed, len(runs), exp.Name())
			}
			return nil
		},
	}
	runsflag.AddDir(cmd.Flags(), &flags.runsDir)
	cmd.Flags().StringVar(&flags.tracker, "to", os.Getenv(export.TrackerEnv), "tracker: mlflow or wandb (env "+export.TrackerEnv+")")
	cmd.Flags().StringVar(&flags.tracker, "tracker", os.Getenv(export.TrackerEnv), "same as --to")
	cmd.Flags().BoolVar(&flags.json, "json", false, "print the results as JSON")
	return cmd
}

// Result is what happened to one run.
type Result struct {
	Run      string `json:"run"`
	Tracker  string `json:"tracker"`
	Outcome  string `json:"outcome"`
	RemoteID string `json:"remote_id,omitempty"`
	Error    string `json:"error,omitempty"`
}

// WriteTable prints one line per run.
func WriteTable(w io.Writer, results []Result) error {
	if len(results) == 0 {
		_, err := fmt.Fprintln(w, "nothing to sync: every ended run is already on the tracker")
		return err
	}
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tTRACKER\tOUTCOME\tREMOTE ID")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Run, r.Tracker, r.Outcome, or(r.RemoteID, "-"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write sync table: %w", err)
	}
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(&buf, "%s: %s\n", r.Run, r.Error)
		}
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write sync table: %w", err)
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
