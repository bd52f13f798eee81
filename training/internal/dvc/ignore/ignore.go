// Package ignore reads .dvcignore files: gitignore-style patterns (DVC
// uses pathspec's GitWildMatchPattern) that keep paths out of directory
// hashes, as dvc/ignore.py does. Besides the patterns, .git, .hg and .dvc
// directories are always ignored.
package ignore

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// FileName is the name of an ignore file in any directory of a repository.
const FileName = ".dvcignore"

// Pattern is one compiled line of an ignore file.
type Pattern struct {
	// Line is the pattern as written.
	Line    string
	negate  bool
	dirOnly bool
	re      *regexp.Regexp
}

// Parse compiles the patterns of an ignore file. Blank lines and comments
// are skipped; a malformed pattern is an error naming its line.
func Parse(data []byte) ([]Pattern, error) {
	var out []Pattern
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		p, ok, err := compile(sc.Text())
		if err != nil {
			return nil, &LineError{Line: n, Err: err}
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, sc.Err()
}

// LineError is a pattern that does not compile.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return "line " + strconv.Itoa(e.Line) + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

var errBadPattern = errors.New("ignore: invalid pattern")

// compile turns one gitignore line into a regular expression matched
// against a slash-separated path relative to the ignore file's directory.
func compile(line string) (Pattern, bool, error) {
	line = strings.TrimSuffix(line, "\r")
	// Trailing spaces are dropped unless escaped.
	for strings.HasSuffix(line, " ") && !strings.HasSuffix(line, "\\ ") {
		line = line[:len(line)-1]
	}
	if line == "" || strings.HasPrefix(line, "#") {
		return Pattern{}, false, nil
	}
	p := Pattern{Line: line}
	if strings.HasPrefix(line, "!") {
		p.negate = true
		line = line[1:]
	} else if strings.HasPrefix(line, "\\!") || strings.HasPrefix(line, "\\#") {
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		p.dirOnly = true
		line = strings.TrimSuffix(line, "/")
	}
	if line == "" {
		return Pattern{}, false, errBadPattern
	}
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	var re strings.Builder
	re.WriteString("^")
	if !anchored {
		re.WriteString("(?:.*/)?")
	}
	segs := strings.Split(line, "/")
	for i, seg := range segs {
		last := i == len(segs)-1
		if seg == "**" {
			switch {
			case last:
				re.WriteString(".*")
			default:
				re.WriteString("(?:.*/)?")
			}
			continue
		}
		if err := globSegment(&re, seg); err != nil {
			return Pattern{}, false, err
		}
		if !last {
			re.WriteString("/")
		}
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return Pattern{}, false, errBadPattern
	}
	p.re = rx
	return p, true, nil
}

func globSegment(re *strings.Builder, seg string) error {
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		switch c {
		case '\\':
			if i+1 < len(seg) {
				i++
				re.WriteString(regexp.QuoteMeta(seg[i : i+1]))
			}
		case '*':
			re.WriteString("[^/]*")
		case '?':
			re.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(seg[i+1:], ']')
			if j < 0 {
				re.WriteString(`\[`)
				continue
			}
			class := seg[i+1 : i+1+j]
			if class == "" {
				return errBadPattern
			}
			if class[0] == '!' {
				class = "^" + class[1:]
			}
			re.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return nil
}

// match reports whether p matches rel (relative to the pattern's
// directory); a pattern also matches everything below a matched directory,
// which callers get by pruning the walk.
func (p Pattern) match(rel string, isDir bool) bool {
	if p.dirOnly && !isDir {
		return false
	}
	return p.re.MatchString(rel)
}

// Filter answers whether a path of a repository is ignored, reading the
// .dvcignore files of the directories on the way lazily. It is safe for
// concurrent use.
type Filter struct {
	root string
	mu   sync.Mutex
	dirs map[string][]Pattern // by slash-separated dir relative to root ("" for root)
}

// NewFilter returns a filter for the repository at root.
func NewFilter(root string) *Filter {
	return &Filter{root: root, dirs: map[string][]Pattern{}}
}

func (f *Filter) patterns(dir string) ([]Pattern, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ps, ok := f.dirs[dir]; ok {
		return ps, nil
	}
	data, err := os.ReadFile(filepath.Join(f.root, filepath.FromSlash(dir), FileName))
	var ps []Pattern
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
	case err != nil:
		return nil, err
	default:
		if ps, err = Parse(data); err != nil {
			return nil, errors.Join(errors.New(path.Join(dir, FileName)), err)
		}
	}
	f.dirs[dir] = ps
	return ps, nil
}

// Ignored reports whether rel, a slash-separated path relative to the
// repository root, is ignored. Callers walking a tree must not descend
// into an ignored directory. Patterns of deeper .dvcignore files win over
// shallower ones, later lines over earlier ones.
func (f *Filter) Ignored(rel string, isDir bool) (bool, error) {
	base := path.Base(rel)
	if isDir && (base == ".git" || base == ".hg" || base == ".dvc") {
		return true, nil
	}
	if base == ".git" {
		return true, nil
	}
	ignored := false
	dir := ""
	parts := strings.Split(rel, "/")
	for i := 0; i < len(parts); i++ {
		ps, err := f.patterns(dir)
		if err != nil {
			return false, err
		}
		sub := strings.Join(parts[i:], "/")
		for _, p := range ps {
			if p.match(sub, isDir) {
				ignored = !p.negate
			}
		}
		dir = path.Join(dir, parts[i])
	}
	return ignored, nil
}
