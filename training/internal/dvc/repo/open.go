package repo

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
)

// S3PathStyleEnv is the environment variable that overrides S3 path-style
// addressing ("true" or "false"); by default it is on for remotes with a
// custom endpointurl.
const S3PathStyleEnv = "MLOPS_S3_PATH_STYLE"

// Env is what a command takes from its process to open a repository: the
// working directory and the environment. The CLI reads both once, at
// start, so commands (and their tests) never depend on the process's own.
type Env struct {
	// Dir is the working directory: Open finds the repository containing
	// it, and relative paths given to the repository (targets, remote
	// URLs) are relative to it. Required.
	Dir string
	// Vars is the environment as os.Environ returns it ("KEY=value").
	// Optional. Default: empty.
	Vars []string
}

// Getenv returns the value of key in e.Vars, or "" when it is not set;
// the last assignment wins, as in os/exec.
func (e Env) Getenv(key string) string {
	v := ""
	for _, kv := range e.Vars {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// Open finds the repository containing env.Dir (see Find) and applies the
// settings env carries: MLOPS_S3_PATH_STYLE. Progress bars go to
// progress; nil draws none.
func Open(env Env, logger *slog.Logger, progress io.Writer) (*Repo, error) {
	if env.Dir == "" {
		return nil, fmt.Errorf("repo: Env.Dir is required")
	}
	r, err := Find(env.Dir, logger)
	if err != nil {
		return nil, err
	}
	r.Progress = progress
	if v := env.Getenv(S3PathStyleEnv); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: want true or false", S3PathStyleEnv, v)
		}
		r.S3PathStyle = &b
	}
	return r, nil
}

// abs resolves path against the working directory r.Dir.
func (r *Repo) abs(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(r.Dir, path)
}
