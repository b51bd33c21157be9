package exporter

import (
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
)

// The metrics of one probe (GET /probe). Names follow Prometheus' naming
// conventions (base units, _info for metadata with value 1); labels hold
// only bounded ids and the terminal's identity, never card data, amounts
// or free text. The target itself comes from Prometheus' relabelling
// (instance), not from a label here.
var (
	descProbeSuccess = prometheus.NewDesc("posdoctor_probe_success",
		"Whether the terminal answered and every check could run (1) or not (0); the reason is in the exporter's log.", nil, nil)
	descProbeDuration = prometheus.NewDesc("posdoctor_probe_duration_seconds",
		"How long the probe took, waiting for the terminal included.", nil, nil)
	descProbeTimeout = prometheus.NewDesc("posdoctor_probe_timeout_seconds",
		"The probe's deadline: the scrape timeout less timeout_offset, or the module's timeout when shorter.", nil, nil)
	descCheckStatus = prometheus.NewDesc("posdoctor_check_status",
		"Result of each check: 0 ok, 1 warn, 2 fail, 3 error (the check could not run), 4 skip.", []string{"check"}, nil)
	descCheckDuration = prometheus.NewDesc("posdoctor_check_duration_seconds",
		"How long each check took.", []string{"check"}, nil)
	descTerminalInfo = prometheus.NewDesc("posdoctor_terminal_info",
		"The terminal's identity as the checks learned it (value 1).", []string{"tid", "model", "software_version", "protocol", "link"}, nil)
	descStatusCode = prometheus.NewDesc("posdoctor_terminal_status_code",
		"The terminal status byte of the last status enquiry (0 ready; 81 = 0x51 initialisation required).", nil, nil)
	descHostLatency = prometheus.NewDesc("posdoctor_host_latency_seconds",
		"How long the terminal's own host check (Diagnosis) took.", nil, nil)
	descBelowBaseline = prometheus.NewDesc("posdoctor_software_below_baseline",
		"1 when the terminal's software version is below the configured baseline for its model, else 0.", nil, nil)
	descDiagnosis = prometheus.NewDesc("posdoctor_diagnosis_info",
		"The top cause of the diagnosis when a check failed (value 1): symptom and cause ids of the knowledge base.", []string{"symptom", "cause"}, nil)
)

// statusValue is the value of posdoctor_check_status per check status.
var statusValue = map[model.Status]float64{
	model.StatusOK:    0,
	model.StatusWarn:  1,
	model.StatusFail:  2,
	model.StatusError: 3,
	model.StatusSkip:  4,
}

// result is one probe's outcome, as the metrics show it.
type result struct {
	rep      checks.TerminalReport
	success  bool
	reason   string // why success is 0, for the log
	duration time.Duration
	timeout  time.Duration
}

// Describe sends the descriptors of a probe's metrics.
func (r *result) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descProbeSuccess, descProbeDuration, descProbeTimeout, descCheckStatus,
		descCheckDuration, descTerminalInfo, descStatusCode, descHostLatency, descBelowBaseline, descDiagnosis} {
		ch <- d
	}
}

// Collect sends a probe's metrics; the ones a probe did not learn (no
// status enquiry, no host check) are left out rather than sent as 0.
func (r *result) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, lvs ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, lvs...)
	}
	gauge(descProbeSuccess, boolValue(r.success))
	gauge(descProbeDuration, r.duration.Seconds())
	gauge(descProbeTimeout, r.timeout.Seconds())
	rep := r.rep
	failed := false
	for _, c := range r.checkDurations() {
		gauge(descCheckStatus, statusValue[c.status], string(c.id))
		gauge(descCheckDuration, c.d.Seconds(), string(c.id))
		failed = failed || c.status == model.StatusFail
		if v, ok := evidenceFloat(c.ev, checks.EvidenceHostLatencyMS); ok && c.id == model.CheckNetwork {
			gauge(descHostLatency, v/1000)
		}
		if v, ok := c.ev[string(model.FactVersionBelowBaseline)]; ok && c.id == model.CheckVersion {
			gauge(descBelowBaseline, boolValue(v == "true"))
		}
	}
	t := rep.Terminal
	if t.TID != "" || t.SoftwareVersion != "" || t.Protocol != "" {
		gauge(descTerminalInfo, 1, label(t.TID), label(t.Model), label(t.SoftwareVersion), label(t.Protocol), label(t.Link))
	}
	if code, err := strconv.ParseUint(t.StatusCode, 16, 8); err == nil {
		gauge(descStatusCode, float64(code))
	}
	if failed && len(rep.Diagnosis.Causes) > 0 {
		gauge(descDiagnosis, 1, label(string(rep.Diagnosis.Symptom)), label(string(rep.Diagnosis.Causes[0].ID)))
	}
}

type checkTiming struct {
	id     model.CheckID
	status model.Status
	d      time.Duration
	ev     map[string]string
}

// checkDurations lists the checks with their exact durations (the
// report's results), or the millisecond ones of its JSON part.
func (r *result) checkDurations() []checkTiming {
	out := make([]checkTiming, 0, len(r.rep.Checks))
	if len(r.rep.Results) > 0 {
		for _, c := range r.rep.Results {
			out = append(out, checkTiming{c.ID, c.Status, c.Duration, c.Evidence})
		}
		return out
	}
	for _, c := range r.rep.Checks {
		out = append(out, checkTiming{c.ID, c.Status, time.Duration(c.DurationMS) * time.Millisecond, c.Evidence})
	}
	return out
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func evidenceFloat(ev map[string]string, key string) (float64, bool) {
	s, ok := ev[key]
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// maxLabelLen bounds a label value taken from the terminal.
const maxLabelLen = 64

// label makes a value from the terminal safe as a label: any card number
// masked, valid UTF-8, bounded length.
func label(s string) string {
	s = strings.ToValidUTF8(checks.ScrubString(s), "?")
	if len(s) > maxLabelLen {
		s = strings.ToValidUTF8(s[:maxLabelLen], "")
	}
	return s
}
