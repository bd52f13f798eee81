// Package predict is the `mlops predict` command: batch scoring of a CSV
// file with one bundle, streamed in constant memory.
package predict

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/model"
	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

type flagpole struct {
	model  string
	input  string
	output string
}

// NewCommand returns `mlops predict`.
func NewCommand(logger *slog.Logger, s streams.Streams) *cobra.Command {
	var flags flagpole
	cmd := &cobra.Command{
		Use:   "predict --model BUNDLE --input CSV [--output CSV]",
		Short: "Score a CSV file with a model bundle",
		Long: `Reads a CSV file with a header that has the bundle's feature columns (other
columns are passed through), and writes the input's columns followed by
"prediction" and one "prob_<class>" column per class, in bundle order. Rows are
streamed, so memory does not grow with the file. A bad row stops the run with its
line number; with --output nothing is written unless every row succeeds.
Use "-" as --input to read standard input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), logger, s, flags)
		},
	}
	cmd.Flags().StringVar(&flags.model, "model", "", "model bundle (e.g. models/random_forest.json)")
	cmd.Flags().StringVar(&flags.input, "input", "", `CSV file to score ("-" for standard input)`)
	cmd.Flags().StringVar(&flags.output, "output", "", "CSV file to write (default: standard output)")
	_ = cmd.MarkFlagRequired("model")
	_ = cmd.MarkFlagRequired("input")
	return cmd
}

func run(ctx context.Context, logger *slog.Logger, s streams.Streams, flags flagpole) error {
	b, err := model.Load(flags.model)
	if err != nil {
		return err
	}
	in, name := s.In, "standard input"
	if flags.input != "-" {
		f, err := os.Open(flags.input)
		if err != nil {
			return fmt.Errorf("open input: %w", err)
		}
		defer f.Close()
		in, name = f, flags.input
	}
	var rows int
	score := func(w io.Writer) error {
		rows, err = Score(ctx, b, name, in, w)
		return err
	}
	if flags.output == "" || flags.output == "-" {
		err = score(s.Out)
	} else {
		err = atomicfile.Write(flags.output, 0o644, score)
	}
	if err != nil {
		return err
	}
	logger.Info("scored", "model", b.Name, "rows", rows, "input", name)
	return nil
}

// Score reads CSV rows from r, predicts each with b and writes the output
// CSV to w. It returns the number of rows scored. The first bad row stops it
// with an error naming its line.
func Score(ctx context.Context, b *model.Bundle, name string, r io.Reader, w io.Writer) (int, error) {
	rd, err := dataset.NewReader(name, r, b.FeatureNames())
	if err != nil {
		return 0, err
	}
	out := csv.NewWriter(w)
	header := append(rd.Header(), "prediction")
	for _, c := range b.Classes {
		header = append(header, "prob_"+c)
	}
	if err := out.Write(header); err != nil {
		return 0, fmt.Errorf("write output: %w", err)
	}
	x := make([]float64, b.NumFeatures())
	p := make([]float64, b.NumClasses())
	row := make([]string, 0, len(header))
	n := 0
	for {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
		record, line, err := rd.Next(x)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, err
		}
		for j, f := range b.Features {
			if !f.Valid.Contains(x[j]) {
				return n, fmt.Errorf("%s: line %d, column %q: %v is outside the model's valid range [%v, %v]; fix or drop the row",
					name, line, f.Name, x[j], f.Valid.Min, f.Valid.Max)
			}
		}
		b.PredictInto(p, x)
		row = append(row[:0], record...)
		row = append(row, b.Classes[model.ArgMax(p)])
		for _, v := range p {
			row = append(row, strconv.FormatFloat(v, 'g', -1, 64))
		}
		if err := out.Write(row); err != nil {
			return n, fmt.Errorf("write output: %w", err)
		}
		n++
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return n, fmt.Errorf("write output: %w", err)
	}
	return n, nil
}
