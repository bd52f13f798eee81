package release

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Read returns the release an Application document pins: its targetRevision
// and its image parameters (empty strings for those it does not set, as
// before an environment's first release).
func Read(doc []byte) (Release, error) {
	root, err := parse(doc)
	if err != nil {
		return Release{}, err
	}
	src, err := source(root)
	if err != nil {
		return Release{}, err
	}
	var r Release
	if n := get(src, "targetRevision"); n != nil {
		r.Revision = n.Value
	}
	if params := get(get(src, "helm"), "parameters"); params != nil {
		for _, p := range params.Content {
			name, value := get(p, "name"), get(p, "value")
			if name == nil || value == nil {
				continue
			}
			switch name.Value {
			case ParamRepository:
				r.Repository = value.Value
			case ParamTag:
				r.Tag = value.Value
			case ParamDigest:
				r.Digest = value.Value
			}
		}
	}
	return r, nil
}

// Write returns doc with targetRevision and the image parameters set to r,
// everything else (comments included) as it was. It does not validate r.
func Write(doc []byte, r Release) ([]byte, error) {
	root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	src, err := source(root)
	if err != nil {
		return nil, err
	}
	set(src, "targetRevision", r.Revision)
	helm := get(src, "helm")
	if helm == nil {
		return nil, fmt.Errorf("%w: spec.source.helm is missing: not a Helm Application", ErrInvalid)
	}
	params := get(helm, "parameters")
	if params == nil {
		params = &yaml.Node{Kind: yaml.SequenceNode}
		helm.Content = append(helm.Content, &yaml.Node{
			Kind: yaml.ScalarNode, Value: "parameters",
			HeadComment: "# What this environment runs, written by the release (gitops/cmd/bumpapp):\n" +
				"# the image is the one built from targetRevision, pulled by digest.",
		}, params)
	}
	for _, p := range []struct{ name, value string }{
		{ParamRepository, r.Repository}, {ParamTag, r.Tag}, {ParamDigest, r.Digest},
	} {
		setParam(params, p.name, p.value)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode the Application: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode the Application: %w", err)
	}
	return buf.Bytes(), nil
}

func parse(doc []byte) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("%w: parse the Application: %w", ErrInvalid, err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: want one YAML document holding a mapping", ErrInvalid)
	}
	return &root, nil
}

// source returns spec.source of an argoproj.io Application.
func source(root *yaml.Node) (*yaml.Node, error) {
	top := root.Content[0]
	if k := get(top, "kind"); k == nil || k.Value != "Application" {
		return nil, fmt.Errorf("%w: kind is not Application", ErrInvalid)
	}
	src := get(get(top, "spec"), "source")
	if src == nil || src.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: spec.source is missing (one source; spec.sources is not supported)", ErrInvalid)
	}
	return src, nil
}

// get returns the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// str is a double-quoted string scalar: a commit sha of digits alone stays
// a string.
func str(value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle, Value: value}
}

// set sets key in mapping m to the string value, keeping the old value's
// comments, and appends the key when absent.
func set(m *yaml.Node, key, value string) {
	if n := get(m, key); n != nil {
		v := str(value)
		v.HeadComment, v.LineComment, v.FootComment = n.HeadComment, n.LineComment, n.FootComment
		*n = *v
		return
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, str(value))
}

// setParam sets the value of the Helm parameter name in params, adding it
// when absent, with forceString (ArgoCD passes parameters as helm --set,
// which would read a numeric-looking value as a number).
func setParam(params *yaml.Node, name, value string) {
	for _, p := range params.Content {
		if n := get(p, "name"); n != nil && n.Value == name {
			set(p, "value", value)
			set(p, "forceString", "true")
			get(p, "forceString").Tag, get(p, "forceString").Style = "!!bool", 0
			return
		}
	}
	params.Content = append(params.Content, &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "name"}, {Kind: yaml.ScalarNode, Value: name},
		{Kind: yaml.ScalarNode, Value: "value"}, str(value),
		{Kind: yaml.ScalarNode, Value: "forceString"}, {Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"},
	}})
}
