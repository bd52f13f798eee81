// Package validate is the `mlops data validate` command, the pipeline's
// first stage: it checks the data set params.yaml names (schema, values,
// duplicates, declared ranges, enough rows per class for the folds) and
// writes a summary that dvc.yaml tracks as a metrics file.
package validate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

type flagpole struct {
	params string
	output string
}

// NewCommand returns `mlops data validate`; relative paths (the flags' and
// the data path in the parameters) are relative to env.Dir.
func NewCommand(logger *slog.Logger, s streams.Streams, env repo.Env) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the data set params.yaml names and summarize it",
		Long: `Loads the CSV file params.yaml names with the same checks training applies (header,
columns, numeric finite values, at least two classes, duplicates dropped; blank
cells are errors unless data.missing is impute, then counted), checks
every value lies within its feature's declared range and that each class has
enough rows for the cross-validation folds, and writes a JSON summary (rows,
duplicates, per-class counts, per-feature min/max/mean). The summary is printed
too. Any problem is an error, so the pipeline stops before training.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, env.Dir, flags)
		},
	}
	cmd.Flags().StringVar(&flags.params, "params", params.DefaultFile, "parameters file")
	cmd.Flags().StringVarP(&flags.output, "output", "o", "", "write the JSON summary to this file (atomically)")
	return cmd
}

// Summary is the validation report.
type Summary struct {
	Dataset    string             `json:"dataset"`
	Path       string             `json:"path"`
	MD5        string             `json:"md5"`
	Rows       int                `json:"rows"`
	Duplicates int                `json:"duplicates"`
	Classes    map[string]int     `json:"classes"`
	Features   map[string]Feature `json:"features"`
}

// Feature summarizes one column: Min, Max and Mean of its observed values.
type Feature struct {
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
	// Missing counts its blank cells, which training imputes (data.missing:
	// impute); absent when there are none.
	Missing int `json:"missing,omitempty"`
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, dir string, flags flagpole) error {
	p, err := params.Load(resolve(dir, flags.params))
	if err != nil {
		return err
	}
	sum, err := Validate(ctx, dir, p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sum); err != nil {
		return err
	}
	if flags.output != "" {
		output := resolve(dir, flags.output)
		if err := os.MkdirAll(filepath.Dir(output), 0o755); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(output, buf.Bytes(), 0o644); err != nil {
			return err
		}
		logger.Info("data summary written", "file", flags.output)
	}
	logger.Info("data is valid", "file", sum.Path, "rows", sum.Rows, "duplicates", sum.Duplicates, "classes", len(sum.Classes))
	_, err = s.Out.Write(buf.Bytes())
	return err
}

// resolve returns path, taken relative to dir when it is relative.
func resolve(dir, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// Validate loads and checks the data set p names; a relative data path is
// relative to dir. The summary keeps the path as p gives it.
func Validate(ctx context.Context, dir string, p *params.Params) (*Summary, error) {
	d, err := dataset.Load(ctx, dataset.Spec{
		Path: resolve(dir, p.Data.Path), Label: p.Data.Label, Features: p.Data.FeatureNames(), BlankAsNaN: p.Data.Impute(),
	})
	if err != nil {
		return nil, err
	}
	if err := d.CheckStratifiable(p.CV.Folds); err != nil {
		return nil, err
	}
	sum := &Summary{
		Dataset: p.Data.Name, Path: p.Data.Path, MD5: d.MD5, Rows: len(d.Y), Duplicates: d.Duplicates,
		Classes: map[string]int{}, Features: map[string]Feature{},
	}
	for i, n := range d.ClassCounts() {
		sum.Classes[d.Classes[i]] = n
	}
	for j, f := range p.Data.Features {
		st := Feature{Min: math.Inf(1), Max: math.Inf(-1)}
		outside, observed := 0, 0
		for _, x := range d.X {
			v := x[j]
			if math.IsNaN(v) {
				continue // a blank cell to impute
			}
			observed++
			st.Min, st.Max = math.Min(st.Min, v), math.Max(st.Max, v)
			st.Mean += v
			if v < f.Min || v > f.Max {
				outside++
			}
		}
		if outside > 0 {
			return nil, fmt.Errorf("%s: %d value(s) of %q are outside its declared range [%g, %g]",
				p.Data.Path, outside, f.Name, f.Min, f.Max)
		}
		st.Mean /= float64(observed)
		if d.Missing != nil {
			st.Missing = d.Missing[j]
		}
		sum.Features[f.Name] = st
	}
	return sum, nil
}
