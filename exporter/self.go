package exporter

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/posdoctor/posdoctor/internal/buildinfo"
)

// selfMetrics are the exporter's own metrics on /metrics (not a terminal's).
type selfMetrics struct {
	reg      *prometheus.Registry
	probes   *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	refused  *prometheus.CounterVec
}

func newSelfMetrics(bi buildinfo.Info) *selfMetrics {
	s := &selfMetrics{
		reg: prometheus.NewRegistry(),
		probes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "posdoctor_exporter_probes_total",
			Help: "Probes run, by module and result (success: the terminal answered and every check ran)."}, []string{"module", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "posdoctor_exporter_probe_duration_seconds",
			Help:    "How long probes took, by module.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}, []string{"module"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "posdoctor_exporter_probes_in_flight",
			Help: "Probes talking to a terminal right now."}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "posdoctor_exporter_requests_refused_total",
			Help: "/probe requests refused, by HTTP status (400 bad target or module, 403 target not allowed)."}, []string{"code"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "posdoctor_build_info",
		Help:        "The posdoctor build (value 1): version and revision (commit).",
		ConstLabels: prometheus.Labels{"version": bi.Version, "revision": bi.Revision}})
	build.Set(1)
	s.reg.MustRegister(s.probes, s.duration, s.inFlight, s.refused, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return s
}
