package exporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/internal/buildinfo"
)

// Options are what an Exporter needs.
type Options struct {
	// Config is the exporter config (nil: [DefaultConfig]).
	Config *Config
	// Base is the posdoctor config (baselines, acquirer hosts, timeouts,
	// password) every module starts from.
	Base checks.Config
	// Open connects to a terminal, as `posdoctor check` does.
	Open checks.Opener
	// Journal records the test payments of modules that have one; nil
	// makes such probes report the transaction check as error.
	Journal *checks.Journal
	// Logger receives refused and failed probes with the reason.
	Logger *slog.Logger
	// Build is reported as posdoctor_build_info.
	Build buildinfo.Info
	// Now replaces time.Now.
	Now func() time.Time
}

// Exporter answers Prometheus: /probe runs one terminal's checks, /metrics
// has the exporter's own metrics.
type Exporter struct {
	cfg     *Config
	base    checks.Config
	open    checks.Opener
	journal *checks.Journal
	log     *slog.Logger
	now     func() time.Time
	self    *selfMetrics
	locks   *targetLocks
	slots   chan struct{}
}

// New returns an exporter for o.
func New(o Options) (*Exporter, error) {
	if o.Open == nil {
		return nil, errors.New("exporter: no opener")
	}
	cfg := o.Config
	if cfg == nil {
		cfg = DefaultConfig()
	}
	x := &Exporter{cfg: cfg, base: o.Base, open: o.Open, journal: o.Journal, log: o.Logger, now: o.Now,
		self: newSelfMetrics(o.Build), locks: newTargetLocks(), slots: make(chan struct{}, cfg.MaxConcurrentProbes)}
	if x.log == nil {
		x.log = slog.New(slog.DiscardHandler)
	}
	if x.now == nil {
		x.now = time.Now
	}
	return x, nil
}

// Handler serves /probe, /metrics and a short landing page on /.
func (x *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /probe", x.handleProbe)
	mux.Handle("GET /metrics", promhttp.HandlerFor(x.self.reg, promhttp.HandlerOpts{Registry: x.self.reg}))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "posdoctor exporter\n\n/probe?target=tcp://HOST:PORT&module=NAME  one terminal's checks (modules: %v)\n/metrics  the exporter's own metrics\n", x.cfg.ModuleNames())
	})
	return mux
}

// Serve serves h on ln until ctx is done, with TLS and basic auth from the
// exporter-toolkit web config file webConfig ("" for plain HTTP).
func Serve(ctx context.Context, ln net.Listener, h http.Handler, webConfig string, log *slog.Logger) error {
	if webConfig != "" {
		if err := web.Validate(webConfig); err != nil {
			return fmt.Errorf("web config %s: %v", webConfig, err)
		}
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug)}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		case <-done:
		}
	}()
	err := web.Serve(ln, srv, &web.FlagConfig{WebConfigFile: &webConfig}, log)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
