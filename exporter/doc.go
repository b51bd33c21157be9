// Package exporter is posdoctor's Prometheus exporter, in the shape of the
// multi-target exporters (blackbox_exporter, snmp_exporter): Prometheus
// decides what to probe and when; GET /probe?target=URL&module=NAME runs
// one module's checks on one terminal through the session core
// ([checks.CheckOne], the same as `posdoctor check`) and answers with that
// terminal's metrics. /metrics has the exporter's own.
//
// Safety: it probes only the targets its config allows (an inventory,
// target patterns, address ranges) and answers 403 to anything else; one
// probe talks to a terminal at a time; a module runs a test payment only
// when it names an amount, and never reads a card. No card data reaches a
// metric.
package exporter
