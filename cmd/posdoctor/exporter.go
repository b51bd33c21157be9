package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/exporter"
	"github.com/posdoctor/posdoctor/internal/buildinfo"
	"github.com/posdoctor/posdoctor/model"
)

// exporterListening is the start line on stderr (tests read the address
// from it).
var exporterListening = model.Text{
	En: "posdoctor exporter listening on %s (modules: %s); press Ctrl-C to stop\n",
	Zh: "posdoctor exporter 正在监听 %s（模块：%s）；按 Ctrl-C 停止\n",
}

// defaultExporterListen is the exporter's default address.
const defaultExporterListen = ":9555"

// ExporterOptions holds the flags of `posdoctor exporter`.
type ExporterOptions struct {
	IO   *IO
	Ctx  context.Context
	Open checks.Opener

	Listen     string
	ConfigPath string
	WebConfig  string
	LogLevel   string
}

func newExporterCmd(f *factory, runF func(*ExporterOptions) error) *cobra.Command {
	opts := &ExporterOptions{IO: f.IO, Open: openDriver}
	cmd := &cobra.Command{
		Use:   "exporter --listen ADDR [--config FILE]",
		Short: "Serve Prometheus: /probe?target=URL&module=NAME checks one terminal, /metrics the exporter",
		Long: `Run a Prometheus exporter in the multi-target shape of blackbox_exporter:
Prometheus decides which terminal to probe and when; GET /probe?target=URL&module=NAME
runs that module's checks on the one terminal (through the same session core
as posdoctor check) and answers with its metrics (posdoctor_probe_success,
posdoctor_check_status{check}, posdoctor_terminal_info, …). /metrics has the
exporter's own metrics and posdoctor_build_info.

The config file says which targets may be probed (an inventory, target
patterns, address ranges; anything else is 403) and the modules (checks,
timeouts, password; a test payment only with an explicit amount; never a
card read). Without --config only sim:// and loopback targets are allowed
and the module "default" runs link, status, version, network.

--web.config.file takes the exporter-toolkit web config (TLS, basic auth),
as the official Prometheus exporters do.`,
		Example: `  posdoctor exporter --listen :9555 --config exporter.yaml
  posdoctor exporter --listen 127.0.0.1:9555 --config exporter.yaml --web.config.file web.yml
  curl 'http://127.0.0.1:9555/probe?target=tcp://10.0.0.5:20007&module=default'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if opts.Ctx == nil {
				opts.Ctx = context.Background()
			}
			if _, ok := logLevels[opts.LogLevel]; !ok {
				return flagErrorf("invalid --log-level %q: valid values are debug, info, warn, error", opts.LogLevel)
			}
			if runF != nil {
				return runF(opts)
			}
			return exporterRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Listen, "listen", defaultExporterListen, "`host:port` to serve on (port 0: any free port, printed on stderr)")
	fl.StringVar(&opts.ConfigPath, "config", "", "exporter config `FILE` (allowed targets, modules)")
	fl.StringVar(&opts.WebConfig, "web.config.file", "", "exporter-toolkit web config `FILE` for TLS and basic auth")
	fl.StringVar(&opts.LogLevel, "log-level", "info", "log `level`: debug, info, warn, error")
	return cmd
}

var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

func exporterRun(opts *ExporterOptions) error {
	cfg := exporter.DefaultConfig()
	if opts.ConfigPath != "" {
		var err error
		if cfg, err = exporter.LoadConfig(opts.ConfigPath); err != nil {
			return cantRun(err)
		}
	}
	base, err := checks.LoadConfig(cfg.PosdoctorConfig)
	if err != nil {
		return cantRun(err)
	}
	if cfg.JournalDir != "" {
		base.JournalDir = cfg.JournalDir
	}
	log := slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: logLevels[opts.LogLevel]}))
	var j *checks.Journal
	if hasPayment(cfg) {
		// Only a module with a test payment writes a journal: the intent
		// of every payment is on disk before it is sent; old journals are
		// pruned as every front end prunes them.
		if j, err = checks.OpenSessionJournal(base, checks.NewSessionID(time.Now())); err != nil {
			return cantRun(fmt.Errorf("%v: a module with a test payment needs a journal (set journal_dir)", err))
		}
		defer j.Close()
	}
	x, err := exporter.New(exporter.Options{Config: cfg, Base: base, Open: opts.Open, Journal: j, Logger: log, Build: buildinfo.Get()})
	if err != nil {
		return cantRun(err)
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return cantRun(fmt.Errorf("could not listen on %s: %v (is another exporter running? try --listen 127.0.0.1:0)", opts.Listen, err))
	}
	fmt.Fprintf(opts.IO.ErrOut, exporterListening.In(checks.Lang(base.Locale)), ln.Addr(), strings.Join(cfg.ModuleNames(), ", "))
	if err := exporter.Serve(opts.Ctx, ln, x.Handler(), opts.WebConfig, log); err != nil {
		return cantRun(err)
	}
	return nil
}

func hasPayment(cfg *exporter.Config) bool {
	for _, m := range cfg.Modules {
		if m.TestPayment != nil {
			return true
		}
	}
	return false
}
