// Package scaffold sets a directory up to train on a user's own CSV file:
// it writes params.yaml for the file (package generate), a dvc.yaml
// pipeline when there is none, and, in a DVC repository, tracks the data
// as `mlops data add` does. It is what `mlops init` runs.
package scaffold

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dataset"
	"github.com/mlopsgo/mlops/training/internal/dvc/dvcfile"
	"github.com/mlopsgo/mlops/training/internal/dvc/repo"
	"github.com/mlopsgo/mlops/training/internal/params"
	"github.com/mlopsgo/mlops/training/internal/scaffold/generate"
	"github.com/mlopsgo/mlops/training/internal/scaffold/profile"
	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// PipelineFile is the pipeline file written when absent.
const PipelineFile = "dvc.yaml"

// ExistsError is returned when a file Run would replace exists and Force
// is not set; errors.Is(err, fs.ErrExist) holds for it.
type ExistsError struct {
	// Name is the file, as the user knows it (relative to Dir).
	Name string
}

func (e *ExistsError) Error() string {
	return "scaffold: " + e.Name + " exists; mlops init does not replace it without --force"
}

// Is makes errors.Is(err, fs.ErrExist) true.
func (e *ExistsError) Is(target error) bool { return target == fs.ErrExist }

// Options say what to set up.
type Options struct {
	// Dir is the directory training will run in: params.yaml and dvc.yaml
	// are written there, and relative paths are relative to it. Required.
	Dir string
	// Data is the CSV file. Required.
	Data string
	// Label, Name and Drop are as in generate.Options (Label empty: the
	// last column).
	Label, Name string
	Drop        []string
	// Missing is data.missing, as generate.Options.Missing. Optional.
	// Default: error.
	Missing string
	// Force replaces an existing params.yaml and .dvc file. dvc.yaml is
	// never replaced: its stages do not depend on the data set.
	Force bool
}

// Result says what Run did.
type Result struct {
	// Params is the generated params.yaml.
	Params *generate.Result
	// Rows, Duplicates are as training will count them.
	Rows, Duplicates int
	// Missing counts the blank cells per feature, in params.yaml's
	// feature order, that training will impute (data.missing: impute);
	// nil otherwise.
	Missing []int
	// Written lists the files written, relative to Dir: params.yaml,
	// dvc.yaml, and the .dvc file and .gitignore the data was tracked with.
	Written []string
	// PipelineKept is set when dvc.yaml existed and was left alone.
	PipelineKept bool
	// Tracked is the add result when the data was tracked; nil when Dir is
	// not in a DVC repository (NoRepo then says why).
	Tracked *repo.AddResult
	NoRepo  error
}

// Run checks the data, then writes params.yaml, dvc.yaml (when absent)
// and the data's .dvc file. Nothing is written when the data or an
// option is wrong or a file exists without Force; each file is replaced
// atomically.
func Run(ctx context.Context, logger *slog.Logger, opts Options) (*Result, error) {
	if opts.Dir == "" || opts.Data == "" {
		return nil, errors.New("scaffold: Options.Dir and Options.Data are required")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("scaffold: %w", err)
	}
	opts.Dir = dir
	dataAbs := opts.Data
	if !filepath.IsAbs(dataAbs) {
		dataAbs = filepath.Join(opts.Dir, dataAbs)
	}
	dataRel := relativeTo(opts.Dir, dataAbs)
	paramsPath := filepath.Join(opts.Dir, params.DefaultFile)
	if err := refuseExisting(paramsPath, params.DefaultFile, opts.Force); err != nil {
		return nil, err
	}
	res := &Result{}
	r, target, err := trackTarget(opts.Dir, dataAbs, logger)
	if err != nil {
		res.NoRepo = err
	} else if err := refuseExisting(r.Abs(target+dvcfile.Suffix), target+dvcfile.Suffix, opts.Force); err != nil {
		return nil, err
	}

	gen, err := generateFor(ctx, dataAbs, opts, dataRel)
	if err != nil {
		return nil, err
	}
	res.Params = gen
	d, err := checkTrainable(ctx, dataAbs, gen.Params)
	if err != nil {
		return nil, err
	}
	res.Rows, res.Duplicates, res.Missing = len(d.Y), d.Duplicates, d.Missing

	if err := atomicfile.WriteFile(paramsPath, gen.YAML, 0o644); err != nil {
		return nil, fmt.Errorf("write %s: %w", params.DefaultFile, err)
	}
	res.Written = append(res.Written, params.DefaultFile)
	pipelinePath := filepath.Join(opts.Dir, PipelineFile)
	switch _, err := os.Stat(pipelinePath); {
	case err == nil:
		res.PipelineKept = true
	case errors.Is(err, os.ErrNotExist):
		dep := dataRel
		if r != nil {
			dep = relativeTo(opts.Dir, r.Abs(target))
		}
		if err := atomicfile.WriteFile(pipelinePath, Pipeline(dep), 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", PipelineFile, err)
		}
		res.Written = append(res.Written, PipelineFile)
	default:
		return nil, fmt.Errorf("scaffold: %w", err)
	}
	if r != nil {
		added, err := r.Add(ctx, []string{r.Abs(target)})
		if err != nil {
			return nil, fmt.Errorf("track %s: %w", target, err)
		}
		res.Tracked = &added[0]
		// The repository reports root-relative paths; Written is relative
		// to Dir, so a command run in a subdirectory can git add them.
		for _, f := range []string{added[0].DvcFile, added[0].GitIgnore} {
			if f != "" {
				res.Written = append(res.Written, relativeTo(opts.Dir, r.Abs(f)))
			}
		}
	}
	return res, nil
}

// generateFor profiles the data file and generates params.yaml for it.
func generateFor(ctx context.Context, dataAbs string, opts Options, dataRel string) (*generate.Result, error) {
	f, err := os.Open(dataAbs)
	if err != nil {
		return nil, fmt.Errorf("open data: %w", err)
	}
	defer f.Close()
	prof, err := profile.Read(ctx, dataRel, f, opts.Label)
	if err != nil {
		return nil, err
	}
	return generate.Generate(prof, generate.Options{Path: dataRel, Name: opts.Name, Drop: opts.Drop, Missing: opts.Missing})
}

// checkTrainable loads the data as training will and runs its checks with
// the generated settings, so init fails where training would (classes left
// too small by training's removal of duplicate rows, for instance).
func checkTrainable(ctx context.Context, dataAbs string, p *params.Params) (*dataset.Dataset, error) {
	d, err := dataset.Load(ctx, dataset.Spec{
		Path: dataAbs, Label: p.Data.Label, Features: p.Data.FeatureNames(), BlankAsNaN: p.Data.Impute(),
	})
	if err != nil {
		return nil, fmt.Errorf("training would fail to read the data: %w", err)
	}
	if err := d.CheckStratifiable(p.CV.Folds); err != nil {
		return nil, fmt.Errorf("training would fail after dropping %d duplicate rows: %w", d.Duplicates, err)
	}
	if _, _, err := dataset.StratifiedSplit(d.Y, len(d.Classes), p.Split.TestSize, p.Seed); err != nil {
		return nil, fmt.Errorf("training would fail to split the data: %w", err)
	}
	return d, nil
}

// trackTarget opens the DVC repository around dir and picks what to track
// for the data file: its directory, as the repository tracks data/ with
// data.dvc, unless that directory is the repository's root or holds dir
// (it would sweep params.yaml and the models in); then the file itself.
func trackTarget(dir, dataAbs string, logger *slog.Logger) (*repo.Repo, string, error) {
	r, err := repo.Find(dir, logger)
	if err != nil {
		return nil, "", err
	}
	parent := filepath.Dir(dataAbs)
	target := parent
	if parent == r.Root || within(dir, parent) {
		target = dataAbs
	}
	rel, err := r.Rel(target)
	if err != nil {
		return nil, "", err
	}
	return r, rel, nil
}

// refuseExisting fails when path exists and force is not set.
func refuseExisting(path, name string, force bool) error {
	if force {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return &ExistsError{Name: name}
	}
	return nil
}

// relativeTo returns path relative to dir, slash-separated, when it lies
// inside dir, and the absolute path otherwise.
func relativeTo(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
