module github.com/mlopsgo/mlops/training/model

go 1.26
