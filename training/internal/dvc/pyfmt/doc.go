// Package pyfmt serializes values byte for byte as DVC's Python code does,
// so files and hashes written here match the ones DVC writes:
//
//   - YAML as DVC's ruamel.yaml writer emits it (dvc/utils/serialize/_yaml.py:
//     round-trip dumper, block style, width 80, YAML 1.2 resolution), for
//     .dvc files, dvc.lock and run-cache entries;
//   - JSON as Python's json.dumps(value, sort_keys=True) writes it, for the
//     .dir manifests and run-cache keys (dvc_data/hashfile/tree.py,
//     dvc/utils/__init__.py dict_sha256);
//   - floats as Python's repr writes them.
//
// # Values
//
// The value model is the one a YAML or JSON document decodes to: nil, bool,
// int, int64, uint64, float64, string, []any and Map (a mapping that keeps
// its key order, as Python dicts do). FromNode converts a parsed YAML node
// to it; Equal compares two values as Python's == does.
package pyfmt
