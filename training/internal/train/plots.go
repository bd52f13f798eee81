package train

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// writeCVPlot writes each model's accuracy on every cross-validation fold
// as CSV, one row per fold and one column per model: the data of the plot
// dvc.yaml declares (`dvc plots show` draws it; so can any spreadsheet).
func writeCVPlot(path string, models []ModelResult) error {
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		header := []string{"fold"}
		for _, m := range models {
			header = append(header, m.Name)
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		folds := 0
		if len(models) > 0 {
			folds = len(models[0].CV.Values)
		}
		row := make([]string, len(header))
		for f := range folds {
			row[0] = strconv.Itoa(f)
			for i, m := range models {
				row[i+1] = strconv.FormatFloat(m.CV.Values[f], 'g', -1, 64)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return fmt.Errorf("write cross-validation plot %s: %w", path, err)
	}
	return nil
}
