package config

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// ReadStackFile reads the project's name from Pulumi.yaml and the config of
// a Pulumi.<stack>.yaml into the form Pulumi hands a program: every key
// fully qualified, scalars as strings, lists and objects as JSON. Secure
// (encrypted) values are left out: they cannot be decrypted without the
// stack's secrets provider. Tests use it to run the program on the committed
// stack files.
func ReadStackFile(projectFile, stackFile string) (map[string]string, error) {
	var project struct {
		Name string `yaml:"name"`
	}
	if err := readYAML(projectFile, &project); err != nil {
		return nil, err
	}
	if project.Name == "" {
		return nil, fmt.Errorf("%s: no project name", projectFile)
	}
	var stack struct {
		Config map[string]any `yaml:"config"`
	}
	if err := readYAML(stackFile, &stack); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for key, v := range stack.Config {
		ns, _, ok := strings.Cut(key, ":")
		if !ok {
			key = project.Name + ":" + key
		} else if ns != project.Name && ns != "aws" {
			return nil, fmt.Errorf("%s: key %s is outside the project's namespace %q", stackFile, key, project.Name)
		}
		switch v := v.(type) {
		case string:
			out[key] = v
		case map[string]any:
			if _, secure := v["secure"]; secure && len(v) == 1 {
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", stackFile, key, err)
			}
			out[key] = string(b)
		case []any:
			b, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", stackFile, key, err)
			}
			out[key] = string(b)
		default:
			out[key] = fmt.Sprint(v)
		}
	}
	return out, nil
}

func readYAML(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
