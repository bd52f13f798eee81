// Package promserver runs a real Prometheus for end-to-end checks: a
// configuration that scrapes given targets every second ([Config]), the
// server itself on a free loopback address with its storage in a temporary
// folder ([Start]), and the parts of its HTTP API the checks read: instant
// and range queries, label values and alerts, and a bounded wait until a
// query has data.
package promserver
