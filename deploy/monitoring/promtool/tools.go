//go:build tools

// Pins promtool, the rule tester Prometheus users run, for scripts/provision-monitoring-tools.sh.
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
