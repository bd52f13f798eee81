package status

import (
	"bytes"
	"testing"

	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/dvc/repro"
)

// The text dvc status prints: a line per .dvc file or stage, a section
// line per group of changes, and the state padded to 20 columns.
func TestWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stages []repro.StageStatus
		text   string
		json   string
	}{
		{
			name:   "a modified .dvc output",
			stages: []repro.StageStatus{{Name: "data.dvc", Changes: []repo.Change{{Section: repo.ChangedOuts, State: repo.Modified, Path: "data"}}}},
			text:   "data.dvc:\n\tchanged outs:\n\t\tmodified:           data\n",
			json:   "{\n  \"data.dvc\": [\n    \"changed outs: modified: data\"\n  ]\n}\n",
		},
		{
			name:   "a stage not in dvc.lock",
			stages: []repro.StageStatus{{Name: "train", Changes: []repo.Change{{Section: repo.NotInLock}}}},
			text:   "train:\n\tnot in dvc.lock\n",
			json:   "{\n  \"train\": [\n    \"not in dvc.lock\"\n  ]\n}\n",
		},
		{
			name: "every kind of stage change, grouped by section",
			stages: []repro.StageStatus{
				{Name: "data.dvc", Changes: []repo.Change{{Section: repo.ChangedOuts, State: repo.NotInCache, Path: "data"}}},
				{Name: "train", Changes: []repo.Change{
					{Section: repo.ChangedCmd},
					{Section: repo.ChangedDeps, State: repo.Modified, Path: "data"},
					{Section: repo.ChangedDeps, State: repo.Deleted, Path: "src/train.go"},
					{Section: repo.ChangedParams, State: repo.Modified, File: "params.yaml", Path: "cv.folds"},
					{Section: repo.ChangedParams, State: repo.Removed, Path: "extra.yaml"},
					{Section: repo.ChangedOuts, State: repo.New, Path: "models"},
					{Section: repo.ChangedOuts, State: repo.Legacy, Path: "metrics.json"},
				}},
				{Name: "report", Changes: []repo.Change{{Section: repo.AlwaysChanged}, {Section: repo.ChangedDeps, State: repo.Removed, Path: "models"}}},
			},
			text: "data.dvc:\n" +
				"\tchanged outs:\n" +
				"\t\tnot in cache:       data\n" +
				"train:\n" +
				"\tchanged cmd\n" +
				"\tchanged deps:\n" +
				"\t\tmodified:           data\n" +
				"\t\tdeleted:            src/train.go\n" +
				"\tchanged params:\n" +
				// A keyed parameter is "<file>: <state>:" and overflows the column.
				"\t\tparams.yaml: modified:cv.folds\n" +
				"\t\tremoved:            extra.yaml\n" +
				"\tchanged outs:\n" +
				"\t\tnew:                models\n" +
				"\t\tlegacy hash:        metrics.json\n" +
				"report:\n" +
				"\talways changed\n" +
				"\tchanged deps:\n" +
				"\t\tremoved:            models\n",
			json: `{
  "data.dvc": [
    "changed outs: not in cache: data"
  ],
  "report": [
    "always changed",
    "changed deps: removed: models"
  ],
  "train": [
    "changed cmd",
    "changed deps: modified: data",
    "changed deps: deleted: src/train.go",
    "changed params: params.yaml: modified: cv.folds",
    "changed params: removed: extra.yaml",
    "changed outs: new: models",
    "changed outs: legacy hash: metrics.json"
  ]
}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var text, js bytes.Buffer
			if err := write(&text, tt.stages); err != nil {
				t.Fatal(err)
			}
			if text.String() != tt.text {
				t.Errorf("text:\n%s\nwant:\n%s", text.String(), tt.text)
			}
			if err := writeJSON(&js, tt.stages); err != nil {
				t.Fatal(err)
			}
			if js.String() != tt.json {
				t.Errorf("json:\n%s\nwant:\n%s", js.String(), tt.json)
			}
		})
	}
}
