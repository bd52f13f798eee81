module github.com/mlopsgo/mlops/infra

go 1.26
