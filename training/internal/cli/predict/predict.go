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
A blank cell is filled with the feature's impute value when the bundle has one
(trained with data.missing: impute: the training median) and is an error
otherwise; the output keeps the cell blank. Use "-" as --input to read standard
input.`,
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
	var rows, imputed int
	score := func(w io.Writer) error {
		rows, imputed, err = Score(ctx, b, name, in, w)
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
	attrs := []any{"model", b.Name, "rows", rows, "input", name}
	if imputed > 0 {
		attrs = append(attrs, "imputed_cells", imputed)
	}
	logger.Info("scored", attrs...)
	return nil
}

// Score reads CSV rows from r, predicts each with b and writes the output
// CSV to w. It returns the number of rows scored and of blank cells it
// filled with their feature's impute value. The first bad row stops it with
// an error naming its line; a blank cell is one unless its feature has an
// impute value. For a bundle without any, blank cells fail exactly as
// before impute values existed.
func Score(ctx context.Context, b *model.Bundle, name string, r io.Reader, w io.Writer) (rows, imputed int, err error) {
	rd, err := dataset.NewReader(name, r, b.FeatureNames())
	if err != nil {
		return 0, 0, err
	}
	rd.SetBlankAsNaN(b.Imputes())
	out := csv.NewWriter(w)
	header := append(rd.Header(), "prediction")
	for _, c := range b.Classes {
		header = append(header, "prob_"+c)
	}
	if err := out.Write(header); err != nil {
		return 0, 0, fmt.Errorf("write output: %w", err)
	}
	x := make([]float64, b.NumFeatures())
	p := make([]float64, b.NumClasses())
	row := make([]string, 0, len(header))
	n := 0
	for {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return n, imputed, err
			}
		}
		record, line, err := rd.Next(x)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, imputed, err
		}
		filled, err := b.FillMissing(x)
		imputed += filled
		if err != nil {
			return n, imputed, fmt.Errorf("%s: line %d: %w", name, line, err)
		}
		for j, f := range b.Features {
			if !f.Valid.Contains(x[j]) {
				return n, imputed, fmt.Errorf("%s: line %d, column %q: %v is outside the model's valid range [%v, %v]; fix or drop the row",
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
			return n, imputed, fmt.Errorf("write output: %w", err)
		}
		n++
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return n, imputed, fmt.Errorf("write output: %w", err)
	}
	return n, imputed, nil
}
