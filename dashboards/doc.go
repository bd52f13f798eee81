// Package dashboards is the module that builds the Grafana dashboards as code
// from app/telemetry's metric names and writes dashboards/generated/*.json,
// which infra provisions as ConfigMaps.
package dashboards
