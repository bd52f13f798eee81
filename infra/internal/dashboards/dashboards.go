// Package dashboards reads the generated Grafana dashboards (one JSON file
// each) that platform turns into ConfigMaps. It checks them before any
// resource is registered: valid JSON objects, small enough for a ConfigMap,
// distinct names. It does not import Pulumi.
package dashboards

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/mlopsgo/mlops/infra/internal/naming"
)

// MaxBytes keeps a dashboard well under the 1 MiB a ConfigMap may hold.
const MaxBytes = 900 << 10

// Dashboard is one file, ready to become a ConfigMap.
type Dashboard struct {
	File          string // base name, e.g. model-api.json: the ConfigMap's data key
	ConfigMapName string
	JSON          string
}

// Load reads every *.json file directly inside dir, sorted by name. Other
// files and sub-folders are ignored. A missing folder is an error: the
// dashboards module generates it and the platform needs it.
func Load(dir string) ([]Dashboard, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("dashboards folder %s does not exist (generate it in dashboards/, or point dashboardsDir elsewhere)", dir)
		}
		return nil, fmt.Errorf("dashboards: %w", err)
	}
	var out []Dashboard
	names := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".json" {
			continue
		}
		path := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("dashboards: %w", err)
		}
		if len(b) > MaxBytes {
			return nil, fmt.Errorf("dashboard %s is %d bytes, over %d (a ConfigMap holds 1 MiB)", path, len(b), MaxBytes)
		}
		var obj map[string]any
		if err := json.Unmarshal(b, &obj); err != nil {
			return nil, fmt.Errorf("dashboard %s is not a JSON object: %w", path, err)
		}
		if _, ok := obj["panels"]; !ok {
			return nil, fmt.Errorf("dashboard %s has no panels: is it a Grafana dashboard?", path)
		}
		name, err := naming.DashboardConfigMapName(e.Name())
		if err != nil {
			return nil, err
		}
		if other, dup := names[name]; dup {
			return nil, fmt.Errorf("dashboards %s and %s both map to ConfigMap %s", other, e.Name(), name)
		}
		names[name] = e.Name()
		out = append(out, Dashboard{File: e.Name(), ConfigMapName: name, JSON: string(bytes.TrimSpace(b))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}
