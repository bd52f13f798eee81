package deps

import (
	_ "github.com/spf13/cobra"
	_ "go.yaml.in/yaml/v3"
	_ "gonum.org/v1/gonum/optimize"
	_ "github.com/mlopsgo/mlops/training/model"
)
