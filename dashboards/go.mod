module github.com/mlopsgo/mlops/dashboards

go 1.26
