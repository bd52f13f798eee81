module github.com/mlopsgo/mlops/app/telemetry

go 1.26
