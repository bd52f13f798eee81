// Package config reads and writes .dvc/config (and .dvc/config.local) in
// the INI dialect DVC writes through configobj (dvc/config.py):
//
//	[core]
//	    remote = storage
//	['remote "storage"']
//	    url = s3://bucket/prefix
//
// Plain sections come first in their order, then remote sections; keys
// are lower-cased and indented by four spaces; values are quoted only when
// configobj would quote them. Comments are not kept, as DVC does not keep
// them when it rewrites the file.
package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/mlopsgo/mlops/training/model/atomicfile"
)

// File names inside the .dvc directory.
const (
	// FileName is the committed configuration.
	FileName = "config"
	// LocalFileName is the git-ignored local override (credentials).
	LocalFileName = "config.local"
)

// ErrInvalid wraps every reason a configuration is rejected.
var ErrInvalid = errors.New("config: invalid DVC configuration")

// KV is one key and its value.
type KV struct{ Key, Value string }

// Section is one [section] with its keys in order.
type Section struct {
	Name   string
	Values []KV
}

// Get returns key's value.
func (s *Section) Get(key string) (string, bool) {
	for _, kv := range s.Values {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Config is a parsed configuration file.
type Config struct {
	Sections []*Section
}

// plainSections are the sections DVC's schema knows besides the named
// ones (dvc/config_schema.py SCHEMA).
var plainSections = []string{"core", "cache", "state", "index", "feature", "plots", "exp", "parsing", "hydra", "studio", "db"}

// namedKinds are the section kinds written as 'kind "name"'.
var namedKinds = []string{"remote", "machine", "db"}

// coreKeys are the keys of [core] in DVC's schema.
var coreKeys = []string{"remote", "checksum_jobs", "interactive", "analytics", "hardlink_lock", "no_scm", "autostage", "experiments", "check_update", "site_cache_dir"}

// Parse decodes a configuration. Unknown sections and unknown [core] keys
// are errors, as they are for DVC.
func Parse(name string, data []byte) (*Config, error) {
	c := &Config{}
	var cur *Section
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		bad := func(msg string) error {
			return fmt.Errorf("%w: %s:%d: %s", ErrInvalid, name, n, msg)
		}
		if strings.HasPrefix(line, "[") {
			if strings.HasPrefix(line, "[[") {
				return nil, bad("nested sections are not supported")
			}
			end := strings.LastIndexByte(line, ']')
			if end < 0 || strings.TrimSpace(stripComment(line[end+1:])) != "" {
				return nil, bad("malformed section header")
			}
			sname, err := unquote(strings.TrimSpace(line[1:end]))
			if err != nil {
				return nil, bad(err.Error())
			}
			sname = normalizeSection(sname)
			if !knownSection(sname) {
				return nil, bad(fmt.Sprintf("unknown section %q", sname))
			}
			if c.Section(sname) != nil {
				return nil, bad(fmt.Sprintf("section %q repeats", sname))
			}
			cur = &Section{Name: sname}
			c.Sections = append(c.Sections, cur)
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, bad("expected key = value")
		}
		if cur == nil {
			return nil, bad("key outside a section")
		}
		key, err := unquote(strings.TrimSpace(k))
		if err != nil {
			return nil, bad(err.Error())
		}
		key = strings.ToLower(key)
		val, err := unquote(strings.TrimSpace(stripComment(v)))
		if err == nil {
			err = ValidValue(val)
		}
		if err != nil {
			return nil, bad(err.Error())
		}
		if cur.Name == "core" && !slices.Contains(coreKeys, key) {
			return nil, bad(fmt.Sprintf("unknown key %q in [core]", key))
		}
		if _, dup := cur.Get(key); dup {
			return nil, bad(fmt.Sprintf("key %q repeats", key))
		}
		cur.Values = append(cur.Values, KV{Key: key, Value: val})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// ValidValue rejects what this writer cannot quote the way configobj
// reads it back: line breaks, and both quote characters in one value.
func ValidValue(v string) error {
	if strings.ContainsAny(v, "\r\n") {
		return errors.New("config: values cannot contain line breaks")
	}
	if strings.Contains(v, "'") && strings.Contains(v, `"`) {
		return errors.New("config: a value cannot contain both ' and \"")
	}
	return nil
}

// stripComment drops an inline comment from an unquoted value.
func stripComment(s string) string {
	t := strings.TrimSpace(s)
	for _, q := range []string{`"""`, "'''"} {
		if strings.HasPrefix(t, q) {
			if end := strings.Index(t[3:], q); end >= 0 {
				return t[:end+6]
			}
			return t
		}
	}
	if strings.HasPrefix(t, "'") || strings.HasPrefix(t, "\"") {
		q := t[:1]
		if end := strings.Index(t[1:], q); end >= 0 {
			return t[:end+2]
		}
		return t
	}
	if i := strings.Index(s, "#"); i >= 0 {
		return s[:i]
	}
	return s
}

func unquote(s string) (string, error) {
	for _, q := range []string{`"""`, "'''"} {
		if strings.HasPrefix(s, q) {
			if len(s) < 6 || !strings.HasSuffix(s, q) {
				return "", fmt.Errorf("unterminated quote in %s", s)
			}
			return s[3 : len(s)-3], nil
		}
	}
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') {
		if s[len(s)-1] != s[0] {
			return "", fmt.Errorf("unterminated quote in %s", s)
		}
		return s[1 : len(s)-1], nil
	}
	return s, nil
}

// normalizeSection turns `remote "x"` with any spacing into its canonical
// form and lower-cases plain names.
func normalizeSection(s string) string {
	for _, kind := range namedKinds {
		rest, ok := strings.CutPrefix(strings.ToLower(s[:min(len(s), len(kind))])+s[min(len(s), len(kind)):], kind)
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		if len(rest) >= 2 && rest[0] == '"' && rest[len(rest)-1] == '"' {
			return kind + ` "` + rest[1:len(rest)-1] + `"`
		}
	}
	return strings.ToLower(s)
}

func knownSection(s string) bool {
	if slices.Contains(plainSections, s) {
		return true
	}
	_, _, ok := named(s)
	return ok
}

// named splits `kind "name"`.
func named(s string) (kind, name string, ok bool) {
	for _, k := range namedKinds {
		if rest, found := strings.CutPrefix(s, k+` "`); found && strings.HasSuffix(rest, `"`) && len(rest) > 1 {
			return k, rest[:len(rest)-1], true
		}
	}
	return "", "", false
}

// Load reads the configuration at path; a missing file is an empty one.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Save writes the configuration to path atomically.
func (c *Config) Save(path string) error {
	return atomicfile.WriteFile(path, c.Marshal(), 0o644)
}

// Section returns the named section, or nil.
func (c *Config) Section(name string) *Section {
	for _, s := range c.Sections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Get returns a value.
func (c *Config) Get(section, key string) (string, bool) {
	if s := c.Section(section); s != nil {
		return s.Get(key)
	}
	return "", false
}

// Set sets a value, creating the section at the end if needed.
func (c *Config) Set(section, key, value string) {
	s := c.Section(section)
	if s == nil {
		s = &Section{Name: section}
		c.Sections = append(c.Sections, s)
	}
	for i := range s.Values {
		if s.Values[i].Key == key {
			s.Values[i].Value = value
			return
		}
	}
	s.Values = append(s.Values, KV{Key: key, Value: value})
}

// Unset removes a key; it reports whether it was there.
func (c *Config) Unset(section, key string) bool {
	s := c.Section(section)
	if s == nil {
		return false
	}
	for i := range s.Values {
		if s.Values[i].Key == key {
			s.Values = slices.Delete(s.Values, i, i+1)
			return true
		}
	}
	return false
}

// RemoveSection deletes a section; it reports whether it was there.
func (c *Config) RemoveSection(name string) bool {
	for i, s := range c.Sections {
		if s.Name == name {
			c.Sections = slices.Delete(c.Sections, i, i+1)
			return true
		}
	}
	return false
}

// Marshal returns the configuration as DVC writes it: empty sections
// dropped, plain sections first, then remote, machine and db sections.
func (c *Config) Marshal() []byte {
	var b bytes.Buffer
	write := func(s *Section) {
		if len(s.Values) == 0 {
			return
		}
		fmt.Fprintf(&b, "[%s]\n", quote(s.Name))
		for _, kv := range s.Values {
			fmt.Fprintf(&b, "    %s = %s\n", quote(kv.Key), quote(kv.Value))
		}
	}
	for _, s := range c.Sections {
		if _, _, ok := named(s.Name); !ok {
			write(s)
		}
	}
	for _, kind := range []string{"remote", "machine", "db"} {
		for _, s := range c.Sections {
			if k, _, ok := named(s.Name); ok && k == kind {
				write(s)
			}
		}
	}
	return b.Bytes()
}

// quote follows configobj's ConfigObj._quote with list_values on.
func quote(v string) string {
	if v == "" {
		return `""`
	}
	const wspacePlus = " \r\n\v\t'\""
	needs := strings.ContainsRune(wspacePlus, rune(v[0])) || strings.ContainsRune(wspacePlus, rune(v[len(v)-1])) ||
		strings.Contains(v, ",") || strings.Contains(v, "#")
	if !needs {
		return v
	}
	if strings.Contains(v, "\"") {
		return "'" + v + "'"
	}
	return `"` + v + `"`
}
