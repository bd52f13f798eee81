package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/dvc/pyfmt"
)

// FileName is the pipeline file at a repository's root.
const FileName = "dvc.yaml"

// DefaultParamsFile is the params file a bare key refers to.
const DefaultParamsFile = "params.yaml"

// ErrInvalid wraps every reason dvc.yaml or dvc.lock is rejected.
var ErrInvalid = errors.New("pipeline: invalid pipeline file")

// ErrUnsupported wraps DVC features this implementation does not run.
var ErrUnsupported = errors.New("pipeline: not supported")

// Kind says how dvc.yaml declared an output.
type Kind int

// Output kinds.
const (
	KindOut Kind = iota
	KindMetric
	KindPlot
)

// Out is one output of a stage.
type Out struct {
	// Path is relative to the stage's working directory, as written.
	Path string
	Kind Kind
	// Cache is false for outputs left to git (cache: false).
	Cache bool
	// Persist outputs are not removed before the command runs.
	Persist bool
	// Push false keeps the output off remotes.
	Push bool
	// Remote names the remote this output goes to; empty for the default.
	Remote string
}

// ParamSpec is one entry of a stage's params: keys of one params file.
type ParamSpec struct {
	File string
	// Keys are dotted paths into the file; nil tracks the whole file.
	Keys []string
}

// Stage is one stage of dvc.yaml.
type Stage struct {
	Name string
	// Cmd holds the command(s); CmdList says dvc.yaml gave a list, which
	// dvc.lock repeats as a list.
	Cmd     []string
	CmdList bool
	// Wdir is the stage's working directory relative to dvc.yaml's.
	Wdir          string
	Deps          []string
	Params        []ParamSpec
	Outs          []Out
	Frozen        bool
	AlwaysChanged bool
	Desc          string
}

// CmdValue returns cmd as dvc.yaml wrote it: a string or a list.
func (s *Stage) CmdValue() any {
	if !s.CmdList {
		return s.Cmd[0]
	}
	l := make([]any, len(s.Cmd))
	for i, c := range s.Cmd {
		l[i] = c
	}
	return l
}

// Project is a parsed dvc.yaml.
type Project struct {
	// Stages in file order.
	Stages []*Stage
}

// Stage returns the named stage, or nil.
func (p *Project) Stage(name string) *Stage {
	for _, s := range p.Stages {
		if s.Name == name {
			return s
		}
	}
	return nil
}

var stageName = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

var topKeys = []string{"stages", "vars", "params", "metrics", "plots", "artifacts", "datasets"}

var stageKeys = []string{"cmd", "wdir", "deps", "params", "outs", "metrics", "plots", "frozen", "always_changed", "desc", "meta", "foreach", "do", "matrix", "vars"}

var outKeys = []string{"cache", "persist", "remote", "push", "desc", "type", "labels", "meta", "checkpoint",
	"x", "y", "template", "title", "x_label", "y_label", "header"}

// Parse decodes dvc.yaml strictly; name is used in messages.
func Parse(name string, data []byte) (*Project, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Project{}, nil
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, name, err)
	}
	p, err := parseProject(&doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// Load reads and parses the dvc.yaml at path.
func Load(path string) (*Project, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

func invalid(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrInvalid, n.Line, fmt.Sprintf(format, args...))
}

func unsupported(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrUnsupported, n.Line, fmt.Sprintf(format, args...))
}

// pairs iterates a mapping node's key/value pairs, rejecting keys not in
// allowed (when given) and repeated keys.
func pairs(n *yaml.Node, allowed []string, what string) ([][2]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, invalid(n, "%s must be a mapping", what)
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, invalid(k, "%s: keys must be strings", what)
		}
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			return nil, invalid(k, "%s: unknown key %q", what, k.Value)
		}
		if seen[k.Value] {
			return nil, invalid(k, "%s: key %q repeats", what, k.Value)
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

func str(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return "", invalid(n, "%s must be a string", what)
	}
	if strings.Contains(n.Value, "${") {
		return "", unsupported(n, "%s: ${...} interpolation", what)
	}
	return n.Value, nil
}

func boolean(n *yaml.Node, what string) (bool, error) {
	var b bool
	if n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		return false, invalid(n, "%s must be true or false", what)
	}
	return b, nil
}

func strList(n *yaml.Node, what string) ([]string, error) {
	if n.ShortTag() == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, invalid(n, "%s must be a list", what)
	}
	var out []string
	for _, c := range n.Content {
		s, err := str(c, what)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func parseProject(doc *yaml.Node) (*Project, error) {
	root := doc
	if root.Kind == yaml.DocumentNode {
		root = root.Content[0]
	}
	kvs, err := pairs(root, topKeys, "dvc.yaml")
	if err != nil {
		return nil, err
	}
	p := &Project{}
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "vars":
			return nil, unsupported(k, "vars (templating); run it with dvc")
		case "stages":
			stages, err := pairs(v, nil, "stages")
			if err != nil {
				return nil, err
			}
			for _, s := range stages {
				st, err := parseStage(s[0], s[1])
				if err != nil {
					return nil, err
				}
				p.Stages = append(p.Stages, st)
			}
		default:
			// Top-level params/metrics/plots/artifacts/datasets only
			// configure `dvc metrics|plots|exp`; they must still be YAML
			// DVC accepts, which the decoder has checked.
			if _, err := pyfmt.FromNode(v); err != nil {
				return nil, invalid(v, "%s: %v", k.Value, err)
			}
		}
	}
	return p, nil
}

func parseStage(kn, n *yaml.Node) (*Stage, error) {
	if !stageName.MatchString(kn.Value) {
		return nil, invalid(kn, "stage name %q: use letters, digits, '.', '_' and '-'", kn.Value)
	}
	st := &Stage{Name: kn.Value}
	what := "stage " + kn.Value
	kvs, err := pairs(n, stageKeys, what)
	if err != nil {
		return nil, err
	}
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		field := what + ": " + k.Value
		switch k.Value {
		case "foreach", "do", "matrix", "vars":
			return nil, unsupported(k, "%s (templating); run it with dvc", field)
		case "cmd":
			if v.Kind == yaml.SequenceNode {
				if st.Cmd, err = strList(v, field); err != nil {
					return nil, err
				}
				if len(st.Cmd) == 0 {
					return nil, invalid(v, "%s is empty", field)
				}
				st.CmdList = true
			} else {
				c, err := str(v, field)
				if err != nil {
					return nil, err
				}
				st.Cmd = []string{c}
			}
		case "wdir":
			if st.Wdir, err = str(v, field); err != nil {
				return nil, err
			}
		case "desc":
			if st.Desc, err = str(v, field); err != nil {
				return nil, err
			}
		case "deps":
			if st.Deps, err = strList(v, field); err != nil {
				return nil, err
			}
		case "params":
			if st.Params, err = parseParams(v, field); err != nil {
				return nil, err
			}
		case "outs", "metrics", "plots":
			kind := map[string]Kind{"outs": KindOut, "metrics": KindMetric, "plots": KindPlot}[k.Value]
			outs, err := parseOuts(v, kind, field)
			if err != nil {
				return nil, err
			}
			st.Outs = append(st.Outs, outs...)
		case "frozen":
			if st.Frozen, err = boolean(v, field); err != nil {
				return nil, err
			}
		case "always_changed":
			if st.AlwaysChanged, err = boolean(v, field); err != nil {
				return nil, err
			}
		case "meta":
			if _, err := pyfmt.FromNode(v); err != nil {
				return nil, invalid(v, "%s: %v", field, err)
			}
		}
	}
	if len(st.Cmd) == 0 {
		return nil, invalid(n, "%s: cmd is required", what)
	}
	seen := map[string]bool{}
	for _, o := range st.Outs {
		if seen[o.Path] {
			return nil, invalid(n, "%s: output %q is listed twice", what, o.Path)
		}
		seen[o.Path] = true
	}
	return st, nil
}

func parseParams(n *yaml.Node, what string) ([]ParamSpec, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, invalid(n, "%s must be a list", what)
	}
	var out []ParamSpec
	defaults := ParamSpec{File: DefaultParamsFile}
	for _, c := range n.Content {
		switch c.Kind {
		case yaml.ScalarNode:
			s, err := str(c, what)
			if err != nil {
				return nil, err
			}
			defaults.Keys = append(defaults.Keys, s)
		case yaml.MappingNode:
			kvs, err := pairs(c, nil, what)
			if err != nil {
				return nil, err
			}
			for _, kv := range kvs {
				keys, err := strList(kv[1], what+": "+kv[0].Value)
				if err != nil {
					return nil, err
				}
				out = append(out, ParamSpec{File: kv[0].Value, Keys: keys})
			}
		default:
			return nil, invalid(c, "%s: want a key or {file: [keys]}", what)
		}
	}
	if len(defaults.Keys) > 0 {
		out = append([]ParamSpec{defaults}, out...)
	}
	return out, nil
}

func parseOuts(n *yaml.Node, kind Kind, what string) ([]Out, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, invalid(n, "%s must be a list", what)
	}
	var out []Out
	for _, c := range n.Content {
		o := Out{Kind: kind, Cache: true, Push: true}
		switch c.Kind {
		case yaml.ScalarNode:
			p, err := str(c, what)
			if err != nil {
				return nil, err
			}
			o.Path = p
		case yaml.MappingNode:
			kvs, err := pairs(c, nil, what)
			if err != nil || len(kvs) != 1 {
				return nil, invalid(c, "%s: want a path or {path: {options}}", what)
			}
			if o.Path, err = str(kvs[0][0], what); err != nil {
				return nil, err
			}
			opts := kvs[0][1]
			if opts.ShortTag() == "!!null" {
				break
			}
			okv, err := pairs(opts, outKeys, what+": "+o.Path)
			if err != nil {
				return nil, err
			}
			for _, kv := range okv {
				f := what + ": " + o.Path + ": " + kv[0].Value
				switch kv[0].Value {
				case "cache":
					o.Cache, err = boolean(kv[1], f)
				case "persist":
					o.Persist, err = boolean(kv[1], f)
				case "push":
					o.Push, err = boolean(kv[1], f)
				case "remote":
					o.Remote, err = str(kv[1], f)
				}
				if err != nil {
					return nil, err
				}
			}
		default:
			return nil, invalid(c, "%s: want a path or {path: {options}}", what)
		}
		out = append(out, o)
	}
	return out, nil
}
