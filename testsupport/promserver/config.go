package promserver

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultInterval is Config.Interval's default: short, so a check sees a
// scrape and a rule evaluation within seconds.
const DefaultInterval = time.Second

// Config is a Prometheus configuration: static scrape jobs and rule files,
// scraped and evaluated every Interval.
type Config struct {
	// Interval is the scrape and rule evaluation interval. Optional.
	// Default: DefaultInterval.
	Interval time.Duration
	// RuleFiles are rule file names, relative to the configuration file
	// (Options.Files writes them beside it). Optional.
	RuleFiles []string
	// Jobs are the scrape jobs, in order. Optional.
	Jobs []Job
}

// Job is one scrape job of static targets.
type Job struct {
	// Name is the job's name, the job label of its series. Required.
	Name string
	// Targets are what it scrapes (at /metrics). Optional.
	Targets []Target
}

// Target is one scrape target.
type Target struct {
	// Addr is the host:port to scrape. Required.
	Addr string
	// Labels are added to every series scraped from it, as a
	// ServiceMonitor's relabelling adds namespace and pod in a cluster.
	// Optional.
	Labels map[string]string
}

// YAML renders the configuration file. Every string is quoted (JSON
// strings are YAML's double-quoted scalars), so names and labels need no
// escaping by the caller; labels are written in sorted order.
func (c Config) YAML() []byte {
	interval := c.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	var b strings.Builder
	fmt.Fprintf(&b, "global:\n  scrape_interval: %s\n  evaluation_interval: %s\n", duration(interval), duration(interval))
	if len(c.RuleFiles) > 0 {
		fmt.Fprintf(&b, "rule_files: %s\n", quoteList(c.RuleFiles))
	}
	b.WriteString("scrape_configs:")
	if len(c.Jobs) == 0 {
		b.WriteString(" []")
	}
	b.WriteString("\n")
	for _, j := range c.Jobs {
		fmt.Fprintf(&b, "  - job_name: %s\n    static_configs:", quote(j.Name))
		if len(j.Targets) == 0 {
			b.WriteString(" []")
		}
		b.WriteString("\n")
		for _, tg := range j.Targets {
			fmt.Fprintf(&b, "      - targets: [%s]\n", quote(tg.Addr))
			if len(tg.Labels) > 0 {
				fmt.Fprintf(&b, "        labels: {%s}\n", labels(tg.Labels))
			}
		}
	}
	return []byte(b.String())
}

// duration renders d in Prometheus's duration format: whole seconds as
// "5s", anything finer in milliseconds (Prometheus has no fractions).
func duration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}

func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func labels(m map[string]string) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = quote(k) + ": " + quote(m[k])
	}
	return strings.Join(parts, ", ")
}
