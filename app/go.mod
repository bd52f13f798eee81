module github.com/mlopsgo/mlops/app

go 1.26
