package exporter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// scrapeTimeoutHeader is the header Prometheus sends with its scrape
// timeout in seconds.
const scrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"

// probeRequest is a validated /probe request.
type probeRequest struct {
	entry   checks.InventoryEntry
	module  string
	mod     Module
	timeout time.Duration
}

// badRequest is a /probe request the exporter refuses: HTTP code and the
// one line that says why.
type badRequest struct {
	code int
	msg  string
}

func (b *badRequest) Error() string { return b.msg }

func refuse(code int, format string, a ...any) *badRequest {
	return &badRequest{code: code, msg: fmt.Sprintf(format, a...)}
}

// parseProbe checks target and module and works out the deadline. Errors
// are 400 (bad input) or 403 (a target outside the allowed set).
func (x *Exporter) parseProbe(r *http.Request) (probeRequest, *badRequest) {
	q := r.URL.Query()
	var pr probeRequest
	targets := q["target"]
	switch {
	case len(targets) == 0 || strings.TrimSpace(targets[0]) == "":
		return pr, refuse(http.StatusBadRequest, "no target: add target=tcp://HOST:PORT (or an inventory name) to the URL")
	case len(targets) > 1:
		return pr, refuse(http.StatusBadRequest, "target is given %d times: give one target per probe", len(targets))
	}
	target := strings.TrimSpace(targets[0])
	pr.module = DefaultModule
	if ms := q["module"]; len(ms) > 1 {
		return pr, refuse(http.StatusBadRequest, "module is given %d times: give one module per probe", len(ms))
	} else if len(ms) == 1 && ms[0] != "" {
		pr.module = ms[0]
	}
	m, ok := x.cfg.Modules[pr.module]
	if !ok {
		return pr, refuse(http.StatusBadRequest, "unknown module %q: valid modules are %s", label(pr.module), strings.Join(x.cfg.ModuleNames(), ", "))
	}
	pr.mod = m
	e, allowed := x.cfg.Allow.Resolve(target)
	if _, err := terminal.ParseTarget(e.Target); err != nil {
		return pr, refuse(http.StatusBadRequest, "bad target: %s", terminal.ScrubString(err.Error()))
	}
	if !allowed {
		return pr, refuse(http.StatusForbidden, "target %s is not in the exporter's allowed set (allow.inventory, allow.targets, allow.cidrs of its config)", terminal.ScrubString(e.Target))
	}
	// The module decides what runs, never an inventory column: a probe
	// must not read a card or pay because a spreadsheet says so.
	e.Checks, e.Amount = nil, 0
	pr.entry = e
	t, err := x.deadline(r.Header.Get(scrapeTimeoutHeader), m)
	if err != nil {
		return pr, refuse(http.StatusBadRequest, "%v", err)
	}
	pr.timeout = t
	return pr, nil
}

// deadline is the probe's time budget: Prometheus' scrape timeout less
// the offset (so the answer arrives in time), capped by the module's own
// timeout. Without the header (a probe by hand) the module's timeout.
func (x *Exporter) deadline(header string, m Module) (time.Duration, error) {
	limit := m.timeout()
	if header == "" {
		return limit, nil
	}
	secs, err := strconv.ParseFloat(strings.TrimSpace(header), 64)
	if err != nil || secs <= 0 || secs > 86400 {
		return 0, fmt.Errorf("bad %s header %q: want seconds, e.g. 10", scrapeTimeoutHeader, label(header))
	}
	t := time.Duration(secs * float64(time.Second))
	if t-x.cfg.TimeoutOffset > 0 {
		t -= x.cfg.TimeoutOffset
	}
	return min(t, limit), nil
}

// handleProbe is GET /probe?target=&module=.
func (x *Exporter) handleProbe(w http.ResponseWriter, r *http.Request) {
	pr, bad := x.parseProbe(r)
	if bad != nil {
		x.self.refused.WithLabelValues(strconv.Itoa(bad.code)).Inc()
		x.log.Info("probe refused", "code", bad.code, "reason", bad.msg)
		http.Error(w, bad.msg, bad.code)
		return
	}
	res := x.probe(r.Context(), pr)
	outcome := "success"
	if !res.success {
		outcome = "failure"
		x.log.Warn("probe failed", "target", terminal.ScrubString(pr.entry.Target), "module", pr.module, "reason", res.reason)
	}
	x.self.probes.WithLabelValues(pr.module, outcome).Inc()
	x.self.duration.WithLabelValues(pr.module).Observe(res.duration.Seconds())
	reg := prometheus.NewRegistry()
	reg.MustRegister(res)
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}).ServeHTTP(w, r)
}

// probe runs the module's checks on one terminal through the session core
// ([checks.CheckOne], the same as `posdoctor check`), one probe per
// terminal at a time and at most max_concurrent_probes in all.
func (x *Exporter) probe(parent context.Context, pr probeRequest) *result {
	start := x.now()
	ctx, cancel := context.WithTimeout(parent, pr.timeout)
	defer cancel()
	res := &result{timeout: pr.timeout}
	defer func() { res.duration = x.now().Sub(start) }()

	select {
	case x.slots <- struct{}{}:
		defer func() { <-x.slots }()
	case <-ctx.Done():
		res.reason = fmt.Sprintf("waited %s for one of the %d probe slots (max_concurrent_probes): raise it, or the scrape timeout", pr.timeout, cap(x.slots))
		return res
	}
	x.self.inFlight.Inc()
	defer x.self.inFlight.Dec()
	unlock, err := x.locks.lock(ctx, pr.entry.Target)
	if err != nil {
		res.reason = fmt.Sprintf("another probe of this terminal was still running after %s (one terminal answers one probe at a time): scrape it less often or give it a longer scrape timeout", pr.timeout)
		return res
	}
	defer unlock()
	res.rep = checks.CheckOne(ctx, pr.entry, x.checkOptions(pr))
	res.success, res.reason = judge(res.rep, ctx, pr.timeout)
	return res
}

// checkOptions are the session core's options for a module.
func (x *Exporter) checkOptions(pr probeRequest) checks.CheckOptions {
	m := pr.mod
	cfg := x.base
	if m.Password != "" && pr.entry.Password == "" {
		cfg.Password = m.Password
	}
	if m.ConnectTimeout > 0 {
		cfg.Timeouts.Connect = m.ConnectTimeout
	}
	if m.CommandTimeout > 0 {
		cfg.Timeouts.Command = m.CommandTimeout
	}
	// No journal for probes without money: nothing to resolve later, and a
	// fleet scraped every 15 s must not write a file per probe.
	co := checks.CheckOptions{Config: cfg, Checks: m.checkIDs(), Open: x.open, Timeout: pr.timeout, NoJournal: true}
	if m.TestPayment != nil {
		// Only here: the module asked for a test payment with an amount.
		cfg.Amount = m.TestPayment.Amount
		co.Config = cfg
		co.Run = checks.RunOptions{WithCard: true, Amount: m.TestPayment.Amount}
		co.Journal, co.Recover, co.NoJournal = x.journal, x.journal != nil, x.journal == nil
	}
	return co
}

// judge says whether a probe succeeded (the terminal answered and every
// check could run) and, when not, why in words an operator can act on.
func judge(rep checks.TerminalReport, ctx context.Context, timeout time.Duration) (bool, string) {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return false, fmt.Sprintf("the probe ran out of its %s (scrape timeout less timeout_offset, or the module's timeout): raise scrape_timeout for slow terminals", timeout)
	}
	if rep.Error != "" {
		return false, rep.Error
	}
	for _, c := range rep.Checks {
		if c.Status == model.StatusError {
			return false, string(c.ID) + ": " + c.Summary
		}
	}
	return true, ""
}
