module github.com/mlopsgo/mlops/gitops

go 1.26
