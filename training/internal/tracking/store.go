package tracking

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// RunFile is the name of a run's record inside its directory.
const RunFile = "run.json"

// DefaultDir is where runs are kept when neither a flag nor MLOPS_RUNS_DIR
// says otherwise.
const DefaultDir = "runs"

// DirEnv is the environment variable naming the runs directory.
const DirEnv = "MLOPS_RUNS_DIR"

// Options configures a Store. The zero value of each optional field means
// its default.
type Options struct {
	// Dir holds one directory per run. Optional. Default: DefaultDir.
	Dir string
	// Now is the clock. Optional. Default: time.Now.
	Now func() time.Time
	// Host is this machine's name, recorded with each run. Optional.
	// Default: os.Hostname.
	Host string
	// PID is this process's id. Optional. Default: os.Getpid.
	PID int
	// Alive reports whether a process of this host is still running.
	// Optional. Default: a signal-0 probe and, on Linux, /proc (see
	// processAlive).
	Alive func(p Process) bool
	// Git describes the working tree. Optional. Default: GitInfo in the
	// current directory.
	Git func(ctx context.Context) *Git
}

// Store is a directory of runs. Its methods are safe for concurrent use,
// from one process or several.
type Store struct {
	logger *slog.Logger
	opts   Options
}

// New returns the store in opts.Dir. Nothing is created until a run
// begins.
func New(logger *slog.Logger, opts Options) *Store {
	if opts.Dir == "" {
		opts.Dir = DefaultDir
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Host == "" {
		opts.Host, _ = os.Hostname()
	}
	if opts.PID == 0 {
		opts.PID = os.Getpid()
	}
	if opts.Alive == nil {
		opts.Alive = processAlive
	}
	if opts.Git == nil {
		opts.Git = func(ctx context.Context) *Git { return GitInfo(ctx, "") }
	}
	return &Store{logger: logger.With("component", "tracking"), opts: opts}
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.opts.Dir }

// Begin creates a run in state running, owned by this process, and writes
// it. meta supplies what the caller knows up front (Command, ParamsFile,
// Params); its ID, Status, Start, Process and Git are set here.
func (s *Store) Begin(ctx context.Context, meta Run) (*Run, error) {
	if err := os.MkdirAll(s.opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("tracking: create runs directory: %w", err)
	}
	r := meta
	r.Format = FormatVersion
	r.Status = StatusRunning
	r.Start = s.opts.Now().UTC()
	r.End = nil
	r.Process = Process{Host: s.opts.Host, PID: s.opts.PID}
	if s.opts.PID == os.Getpid() {
		r.Process.Started = processStarted(s.opts.PID)
	}
	r.Git = s.opts.Git(ctx)
	for attempt := 0; ; attempt++ {
		r.ID = newID(r.Start)
		err := os.Mkdir(filepath.Join(s.opts.Dir, r.ID), 0o755)
		if err == nil {
			break
		}
		// Another process claimed the same second and suffix: draw again.
		if !errors.Is(err, fs.ErrExist) || attempt == 10 {
			return nil, fmt.Errorf("tracking: create run directory: %w", err)
		}
	}
	if err := s.Save(&r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Finish marks r finished at the current time and saves it.
func (s *Store) Finish(r *Run) error {
	end := s.opts.Now().UTC()
	r.End = &end
	r.Status = StatusFinished
	r.Error = ""
	return s.Save(r)
}

// Fail marks r failed with cause at the current time and saves it.
func (s *Store) Fail(r *Run, cause error) error {
	end := s.opts.Now().UTC()
	r.End = &end
	r.Status = StatusFailed
	if cause != nil {
		r.Error = cause.Error()
	}
	return s.Save(r)
}

// Save writes r's record atomically: readers see the previous record or
// this one, never a mix.
func (s *Store) Save(r *Run) error {
	data, err := Encode(r)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(s.path(r.ID), data, 0o644); err != nil {
		return fmt.Errorf("tracking: save run %s: %w", r.ID, err)
	}
	return nil
}

// Encode returns r as the indented JSON of run.json.
func Encode(r *Run) ([]byte, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("tracking: encode run %s: %w", r.ID, err)
	}
	return append(data, '\n'), nil
}

// Parse decodes a run.json strictly; name is used in messages.
func Parse(name string, data []byte) (*Run, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Run
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("tracking: parse %s: %w", name, err)
	}
	switch {
	case r.Format != FormatVersion:
		return nil, fmt.Errorf("tracking: parse %s: format %d, want %d", name, r.Format, FormatVersion)
	case r.ID == "":
		return nil, fmt.Errorf("tracking: parse %s: no id", name)
	case r.Status != StatusRunning && r.Status != StatusFinished && r.Status != StatusFailed:
		return nil, fmt.Errorf("tracking: parse %s: unknown status %q", name, r.Status)
	}
	return &r, nil
}

// Get reads the run with exactly this id. A run left running by a process
// that is gone is marked failed first (see reap).
func (s *Store) Get(id string) (*Run, error) {
	if !validID(id) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	data, err := os.ReadFile(s.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s (in %s)", ErrNotFound, id, s.opts.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("tracking: read run: %w", err)
	}
	r, err := Parse(s.path(id), data)
	if err != nil {
		return nil, err
	}
	if r.ID != id {
		return nil, fmt.Errorf("tracking: %s records id %q", s.path(id), r.ID)
	}
	return s.reap(r), nil
}

// List returns every readable run, oldest first. Directories without a
// run.json (a run being created) are skipped; unreadable records are
// logged and skipped, so one damaged file does not hide the others.
func (s *Store) List() ([]*Run, error) {
	entries, err := os.ReadDir(s.opts.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tracking: list runs: %w", err)
	}
	var runs []*Run
	for _, e := range entries {
		if !e.IsDir() || !validID(e.Name()) {
			continue
		}
		r, err := s.Get(e.Name())
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			s.logger.Warn("skipping unreadable run", "run", e.Name(), "err", err)
			continue
		}
		runs = append(runs, r)
	}
	slices.SortFunc(runs, func(a, b *Run) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return runs, nil
}

// Resolve finds the run a user named: a full id, a unique id prefix, or
// "latest" (the most recent run).
func (s *Store) Resolve(ref string) (*Run, error) {
	runs, err := s.List()
	if err != nil {
		return nil, err
	}
	if ref == "latest" {
		if len(runs) == 0 {
			return nil, fmt.Errorf("%w: the store %s is empty", ErrNotFound, s.opts.Dir)
		}
		return runs[len(runs)-1], nil
	}
	var match []*Run
	for _, r := range runs {
		if r.ID == ref {
			return r, nil
		}
		if ref != "" && strings.HasPrefix(r.ID, ref) {
			match = append(match, r)
		}
	}
	switch len(match) {
	case 0:
		return nil, fmt.Errorf("%w: %q (in %s)", ErrNotFound, ref, s.opts.Dir)
	case 1:
		return match[0], nil
	}
	ids := make([]string, len(match))
	for i, r := range match {
		ids[i] = r.ID
	}
	return nil, fmt.Errorf("%w: %q matches %s", ErrAmbiguous, ref, strings.Join(ids, ", "))
}

// Update reads the run, calls fn with it while holding the run's lock, and
// saves it if fn succeeds. Another Update (or Delete) of the same run, from
// any process on this machine, waits for the lock.
func (s *Store) Update(ctx context.Context, id string, fn func(*Run) error) error {
	unlock, err := s.lock(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	r, err := s.Get(id)
	if err != nil {
		return err
	}
	if err := fn(r); err != nil {
		return err
	}
	return s.Save(r)
}

// Delete removes a run's directory. A running run whose process is alive
// is refused.
func (s *Store) Delete(ctx context.Context, id string) error {
	unlock, err := s.lock(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	r, err := s.Get(id)
	if err != nil {
		return err
	}
	if r.Status == StatusRunning {
		return fmt.Errorf("%w: run %s is still running (pid %d on %s)", ErrNotEnded, id, r.Process.PID, r.Process.Host)
	}
	if err := os.RemoveAll(filepath.Join(s.opts.Dir, id)); err != nil {
		return fmt.Errorf("tracking: delete run %s: %w", id, err)
	}
	return nil
}

// reap marks a running run failed when its process is gone from this
// host, persisting the change so the record says so too. A run owned by
// another host is left alone: there is no way to look at its process.
func (s *Store) reap(r *Run) *Run {
	if r.Status != StatusRunning || r.Process.Host != s.opts.Host || s.opts.Alive(r.Process) {
		return r
	}
	cause := fmt.Errorf("process %d on %s exited without finishing the run (killed or crashed)", r.Process.PID, r.Process.Host)
	s.logger.Warn("marking abandoned run failed", "run", r.ID, "pid", r.Process.PID)
	// The record's last write stands in for the end time: the process died
	// some time after it.
	end := r.Start
	if info, err := os.Stat(s.path(r.ID)); err == nil {
		end = info.ModTime().UTC()
	}
	r.Status, r.Error, r.End = StatusFailed, cause.Error(), &end
	if err := s.Save(r); err != nil {
		// The run is still reported failed; the file says so next time.
		s.logger.Warn("could not mark abandoned run failed", "run", r.ID, "err", err)
	}
	return r
}

func (s *Store) path(id string) string { return filepath.Join(s.opts.Dir, id, RunFile) }

// newID returns "YYYYMMDD-HHMMSS-xxxxxx": the UTC start time, so ids sort
// by time, and 24 random bits, so runs started in the same second differ.
func newID(start time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return start.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// validID reports whether id can name a run directory: no separators, not
// hidden, not . or .., so a user-supplied id cannot reach outside the
// store.
func validID(id string) bool {
	return id != "" && !strings.HasPrefix(id, ".") && !strings.ContainsAny(id, `/\`) && filepath.Base(id) == id
}
