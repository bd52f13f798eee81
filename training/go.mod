module github.com/mlopsgo/mlops/training

go 1.26

require (
	github.com/mlopsgo/mlops/training/model v0.0.0
	github.com/spf13/cobra v1.10.2
	go.yaml.in/yaml/v3 v3.0.6
	gonum.org/v1/gonum v0.17.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	golang.org/x/tools v0.30.0 // indirect
)

replace github.com/mlopsgo/mlops/training/model => ./model
