module github.com/mlopsgo/mlops/testsupport

go 1.26.0
