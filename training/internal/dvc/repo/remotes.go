package repo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/mlopsgo/mlops/training/internal/dvc/cache"
	"github.com/mlopsgo/mlops/training/internal/dvc/config"
	"github.com/mlopsgo/mlops/training/internal/dvc/hash"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote"
	"github.com/mlopsgo/mlops/training/internal/dvc/remote/s3"
)

// ErrNoRemote is returned when no remote is named and none is default.
var ErrNoRemote = errors.New("repo: no remote given and no default remote (run `mlops data remote add -d NAME URL`)")

// ConfigPath returns .dvc/config, or .dvc/config.local when local.
func (r *Repo) ConfigPath(local bool) string {
	if local {
		return filepath.Join(r.Root, DvcDir, config.LocalFileName)
	}
	return filepath.Join(r.Root, DvcDir, config.FileName)
}

// Config returns the effective configuration: .dvc/config with
// .dvc/config.local's values on top.
func (r *Repo) Config() (*config.Config, error) {
	base, err := config.Load(r.ConfigPath(false))
	if err != nil {
		return nil, err
	}
	local, err := config.Load(r.ConfigPath(true))
	if err != nil {
		return nil, err
	}
	for _, s := range local.Sections {
		for _, kv := range s.Values {
			base.Set(s.Name, kv.Key, kv.Value)
		}
	}
	return base, nil
}

// RemoteInfo is a configured remote.
type RemoteInfo struct {
	Name, URL string
	Default   bool
}

// Remotes lists the configured remotes in configuration order.
func (r *Repo) Remotes() ([]RemoteInfo, error) {
	cfg, err := r.Config()
	if err != nil {
		return nil, err
	}
	def, _ := cfg.Get("core", "remote")
	var out []RemoteInfo
	for _, s := range cfg.Sections {
		name, ok := strings.CutPrefix(s.Name, `remote "`)
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, `"`)
		u, _ := s.Get("url")
		out = append(out, RemoteInfo{Name: name, URL: u, Default: name == def})
	}
	return out, nil
}

func remoteSection(name string) string { return `remote "` + name + `"` }

// AddRemote records a remote as `dvc remote add` does, optionally as the
// default. A relative local path is stored relative to the configuration
// file's directory, as DVC stores it. It fails if the name exists unless
// force.
func (r *Repo) AddRemote(name, rawURL string, makeDefault, local, force bool) error {
	if name == "" || strings.ContainsAny(name, "\"\n") {
		return fmt.Errorf("repo: invalid remote name %q", name)
	}
	path := r.ConfigPath(local)
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	if cfg.Section(remoteSection(name)) != nil && !force {
		return fmt.Errorf("repo: remote %q already exists; use --force to replace it", name)
	}
	stored, err := r.storeURL(rawURL, filepath.Dir(path))
	if err == nil {
		err = config.ValidValue(stored)
	}
	if err != nil {
		return err
	}
	cfg.RemoveSection(remoteSection(name))
	cfg.Set(remoteSection(name), "url", stored)
	if makeDefault {
		cfg.Set("core", "remote", name)
	}
	return cfg.Save(path)
}

// ModifyRemote sets (or with unset, removes) one option of a remote.
func (r *Repo) ModifyRemote(name, key, value string, unset, local bool) error {
	path := r.ConfigPath(local)
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	merged, err := r.Config()
	if err != nil {
		return err
	}
	if merged.Section(remoteSection(name)) == nil {
		return fmt.Errorf("repo: remote %q does not exist", name)
	}
	key = strings.ToLower(key)
	if err := config.ValidValue(value); err != nil {
		return err
	}
	if key == "" || strings.ContainsAny(key, "=#[]'\" \t") {
		return fmt.Errorf("repo: invalid option name %q", key)
	}
	if unset {
		cfg.Unset(remoteSection(name), key)
	} else {
		cfg.Set(remoteSection(name), key, value)
	}
	return cfg.Save(path)
}

// RemoveRemote deletes a remote (and the default pointing at it).
func (r *Repo) RemoveRemote(name string, local bool) error {
	path := r.ConfigPath(local)
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	if !cfg.RemoveSection(remoteSection(name)) {
		return fmt.Errorf("repo: remote %q does not exist in %s", name, path)
	}
	if def, _ := cfg.Get("core", "remote"); def == name {
		cfg.Unset("core", "remote")
	}
	return cfg.Save(path)
}

// SetDefaultRemote makes name the default remote.
func (r *Repo) SetDefaultRemote(name string, local bool) error {
	merged, err := r.Config()
	if err != nil {
		return err
	}
	if merged.Section(remoteSection(name)) == nil {
		return fmt.Errorf("repo: remote %q does not exist", name)
	}
	path := r.ConfigPath(local)
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	cfg.Set("core", "remote", name)
	return cfg.Save(path)
}

// isLocalURL reports a URL without a scheme (a path) or file://.
func isLocalURL(u string) bool {
	if strings.HasPrefix(u, "file://") {
		return true
	}
	parsed, err := url.Parse(u)
	return err != nil || parsed.Scheme == "" || len(parsed.Scheme) == 1 // "C:" on Windows
}

// storeURL turns a local path relative to r.Dir into one relative to
// configDir, as DVC stores it; other URLs are kept as they are.
func (r *Repo) storeURL(raw, configDir string) (string, error) {
	if !isLocalURL(raw) || filepath.IsAbs(raw) || strings.HasPrefix(raw, "file://") {
		return raw, nil
	}
	rel, err := filepath.Rel(configDir, r.abs(raw))
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel), nil
}

// remoteName returns name, or the default remote's name for "".
func remoteName(cfg *config.Config, name string) (string, error) {
	if name == "" {
		name, _ = cfg.Get("core", "remote")
		if name == "" {
			return "", ErrNoRemote
		}
	}
	return name, nil
}

// RemoteName returns name, or the default remote's name for "".
func (r *Repo) RemoteName(name string) (string, error) {
	cfg, err := r.Config()
	if err != nil {
		return "", err
	}
	return remoteName(cfg, name)
}

// Remote opens the named remote, or the default one for "".
func (r *Repo) Remote(ctx context.Context, name string) (remote.Remote, error) {
	cfg, err := r.Config()
	if err != nil {
		return nil, err
	}
	if name, err = remoteName(cfg, name); err != nil {
		return nil, err
	}
	sec := cfg.Section(remoteSection(name))
	if sec == nil {
		return nil, fmt.Errorf("repo: remote %q is not configured", name)
	}
	u, _ := sec.Get("url")
	switch {
	case u == "":
		return nil, fmt.Errorf("repo: remote %q has no url", name)
	case strings.HasPrefix(u, "s3://"):
		get := func(k string) string { v, _ := sec.Get(k); return v }
		return s3.New(ctx, s3.Options{
			URL: u, Endpoint: get("endpointurl"), Region: get("region"), Profile: get("profile"),
			AccessKeyID: get("access_key_id"), SecretAccessKey: get("secret_access_key"), SessionToken: get("session_token"),
			CredentialsFile: get("credentialpath"), ConfigFile: get("configpath"), PathStyle: r.S3PathStyle,
		})
	case isLocalURL(u):
		p := strings.TrimPrefix(u, "file://")
		if !filepath.IsAbs(p) {
			// Relative paths are relative to the configuration file.
			p = filepath.Join(r.Root, DvcDir, filepath.FromSlash(p))
		}
		return &remote.Local{Dir: filepath.Clean(p)}, nil
	}
	return nil, fmt.Errorf("repo: remote %q: %s remotes are not supported by mlops (local paths and s3:// are)", name, strings.SplitN(u, ":", 2)[0])
}

func keyOf(oid string) string { return cache.Key(oid) }

func readTree(rc io.Reader) (hash.Tree, error) {
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	return hash.ParseTree(b)
}
