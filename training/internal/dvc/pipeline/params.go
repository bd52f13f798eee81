package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlopsgo/mlops/training/internal/dvc/pyfmt"
)

// ErrMissingParam is returned for a tracked key a params file lacks.
var ErrMissingParam = errors.New("pipeline: parameter missing")

// ParseParamsFile decodes a YAML params file to an ordered mapping.
func ParseParamsFile(name string, data []byte) (pyfmt.Map, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return pyfmt.Map{}, nil
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	v, err := pyfmt.FromNode(&doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if v == nil {
		return pyfmt.Map{}, nil
	}
	m, ok := v.(pyfmt.Map)
	if !ok {
		return nil, fmt.Errorf("%s: a params file must be a mapping", name)
	}
	return m, nil
}

// SelectParams returns the values of keys (dotted paths such as
// "models.decision_tree") in file, keyed by the key as written; nil keys
// select every top-level key. A missing key is an error wrapping
// ErrMissingParam.
func SelectParams(file pyfmt.Map, keys []string) (pyfmt.Map, error) {
	if keys == nil {
		return file, nil
	}
	out := pyfmt.Map{}
	for _, k := range keys {
		v, ok := lookup(file, k)
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrMissingParam, k)
		}
		out.Set(k, v)
	}
	return out, nil
}

func lookup(m pyfmt.Map, key string) (any, bool) {
	if v, ok := m.Get(key); ok {
		return v, true
	}
	head, rest, found := strings.Cut(key, ".")
	if !found {
		return nil, false
	}
	sub, ok := m.Get(head)
	if !ok {
		return nil, false
	}
	switch s := sub.(type) {
	case pyfmt.Map:
		return lookup(s, rest)
	case []any:
		i := 0
		if _, err := fmt.Sscanf(rest, "%d", &i); err == nil && i >= 0 && i < len(s) && fmt.Sprint(i) == rest {
			return s[i], true
		}
	}
	return nil, false
}
