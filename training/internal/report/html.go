package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/mlopsgo/mlops/training/internal/tracking"
)

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"f4":       func(v float64) string { return fmt.Sprintf("%.4f", v) },
	"pct":      func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) },
	"utc":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"join":     strings.Join,
	"duration": func(r *tracking.Run) string { return r.Duration().Round(100 * time.Millisecond).String() },
	"best": func(r *tracking.Run, name string) bool {
		return r.Champion == name
	},
	"champion": func(r *tracking.Run) *tracking.Model { return r.Model(r.Champion) },
	// hasNotes says whether the models table needs its notes column: some
	// model failed or has warnings.
	"hasNotes": func(r *tracking.Run) bool {
		for i := range r.Models {
			if m := &r.Models[i]; m.Failed() || len(m.Warnings) > 0 {
				return true
			}
		}
		return false
	},
	"status": func(s tracking.ModelStatus) string { return strings.ReplaceAll(string(s), "_", " ") },
}).Parse(pageTemplate))

// WriteHTML writes rep as one self-contained HTML page.
func WriteHTML(w io.Writer, rep *Report) error {
	if err := page.Execute(w, rep); err != nil {
		return fmt.Errorf("report: write html: %w", err)
	}
	return nil
}
