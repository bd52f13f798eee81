// Package export is the `mlops model export` command: a model bundle
// written in another library's model format.
package export

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlopsgo/mlops/training/internal/cli/streams"
	"github.com/mlopsgo/mlops/training/internal/xgbjson"
	"github.com/mlopsgo/mlops/training/model"
)

// FormatXGBoostJSON names XGBoost 1.7's JSON model format.
const FormatXGBoostJSON = "xgboost-json"

// Formats lists the formats export writes.
var Formats = []string{FormatXGBoostJSON}

// ErrFormat is returned for a --format that export does not know.
var ErrFormat = errors.New("export: unknown format")

// NewCommand returns `mlops model export`.
func NewCommand(logger *slog.Logger, _ streams.Streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "export --format xgboost-json BUNDLE OUT",
		Short: "Write a model bundle in another library's model format",
		Long: `Loads the bundle (checking its format and checksum) and writes its model to OUT
in the given format, atomically.

Formats:
  xgboost-json  XGBoost 1.7's JSON model, for gradient-boosted trees (the
                "xgboost" model): load it with xgboost.Booster().load_model(OUT)
                and predict with a DMatrix carrying the bundle's feature names.
                Name OUT *.json, as XGBoost names JSON models.
                It carries no impute values (data.missing: impute): XGBoost
                sends a missing value down each split's default branch, so
                fill missing inputs with the bundle's impute values (mlops
                model inspect) first; export warns when the bundle has them.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return Run(logger, format, args[0], args[1])
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "output format: "+strings.Join(Formats, ", "))
	_ = cmd.MarkFlagRequired("format")
	return cmd
}

// Run exports the bundle at bundlePath to out in format. It fails with an
// error wrapping ErrFormat for an unknown format (before reading anything),
// the bundle's load error, or xgbjson.ErrNotBoosted for a model XGBoost
// cannot represent.
func Run(logger *slog.Logger, format, bundlePath, out string) error {
	if format != FormatXGBoostJSON {
		return fmt.Errorf("%w %q; known formats: %s", ErrFormat, format, strings.Join(Formats, ", "))
	}
	b, err := model.Load(bundlePath)
	if err != nil {
		return err
	}
	if err := xgbjson.WriteFile(out, b); err != nil {
		return fmt.Errorf("export %s: %w", bundlePath, err)
	}
	if b.Imputes() {
		// XGBoost's format has no place for them, and XGBoost sends a
		// missing value down each split's default branch instead: the
		// export predicts as the bundle does only on complete rows.
		logger.Warn("the export does not carry the bundle's impute values; fill missing inputs with them (mlops model inspect lists them) before predicting with XGBoost",
			"bundle", bundlePath)
	}
	logger.Info("model exported", "bundle", bundlePath, "format", format, "out", out, "trees", b.Model.Boosted.NumTrees())
	return nil
}
