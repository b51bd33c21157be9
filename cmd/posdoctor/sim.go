package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/spf13/cobra"
)

// Defaults of `posdoctor sim`.
const (
	defaultSimListen   = "127.0.0.1:20007"
	defaultSimScenario = "healthy"
	maxSimCount        = 10000
)

// SimOptions holds the flags of `posdoctor sim`.
type SimOptions struct {
	IO  *IO
	Ctx context.Context

	Listen   string
	Scenario string
	Count    int
	PTY      bool
	List     bool
	Latency  time.Duration
	Faults   []string
	Trace    bool
}

func newSimCmd(f *factory, runF func(*SimOptions) error) *cobra.Command {
	opts := &SimOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run a simulated ZVT payment terminal",
		Long: `Run a strict simulated ZVT payment terminal that reproduces the failures of the
source articles (wrong PIN, lost card, keys out of sync, host unreachable, …).

It serves ZVT over TCP on --listen (raw APDUs, like a real terminal on port
20007), or with --pty the ZVT serial framing on a pseudo-terminal whose path it
prints (serial:///dev/pts/N). --count N serves N independent terminals on N
consecutive ports with distinct TIDs. It runs until Ctrl-C.

Scenarios are YAML files (fixtures/README.md); --scenario takes a built-in name
(--list shows them) or a path to your own file.

Faults (--fault NAME[=ARG], repeatable):
  ` + strings.Join(sim.FaultHelp(), "\n  "),
		Example: `  posdoctor sim --scenario wrong-pin
  posdoctor sim --pty --scenario noisy-line
  posdoctor sim --count 1000 --listen 127.0.0.1:30000 --latency 100ms
  posdoctor sim --scenario ./my-terminal.yaml --fault lose-completion`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			if opts.Ctx == nil {
				opts.Ctx = context.Background()
			}
			if opts.Count < 1 || opts.Count > maxSimCount {
				return flagErrorf("invalid --count %d: give 1 to %d", opts.Count, maxSimCount)
			}
			if opts.Latency < 0 {
				return flagErrorf("invalid --latency %s: give a duration such as 100ms", opts.Latency)
			}
			if opts.PTY && opts.Count > 1 {
				return flagErrorf("--pty serves one terminal: drop --count or use --listen")
			}
			if opts.PTY && !sim.PTYSupported {
				return flagErrorf("--pty needs Linux or macOS: use --listen and a tcp:// target")
			}
			for _, s := range opts.Faults {
				if _, err := sim.ParseFault(s); err != nil {
					var fe *sim.FaultError
					if errors.As(err, &fe) {
						return flagErrorf("invalid --fault %s: %v (%s)", s, err, fe.Hint)
					}
					return flagErrorf("invalid --fault %s: %v", s, err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return simRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Listen, "listen", defaultSimListen, "TCP `host:port` to serve ZVT on (port 0 = any free port)")
	fl.StringVar(&opts.Scenario, "scenario", defaultSimScenario, "built-in scenario `name` or path to a scenario .yaml file")
	fl.IntVar(&opts.Count, "count", 1, "serve `N` terminals on N consecutive ports, distinct TIDs")
	fl.BoolVar(&opts.PTY, "pty", false, "serve the ZVT serial framing on a pseudo-terminal instead of TCP")
	fl.BoolVar(&opts.List, "list", false, "list the built-in scenarios and exit")
	fl.DurationVar(&opts.Latency, "latency", 0, "add `duration` before every answer, e.g. 100ms")
	fl.StringArrayVar(&opts.Faults, "fault", nil, "switch on a fault `NAME[=ARG]` (repeatable; see above)")
	fl.BoolVar(&opts.Trace, "trace", false, "print every APDU (decoded, card data masked) on stderr")
	return cmd
}

func simRun(opts *SimOptions) error {
	out, errOut := opts.IO.Out, opts.IO.ErrOut
	if opts.List {
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		zh := checks.Lang("") == model.LangZh
		for _, in := range sim.Scenarios() {
			desc := in.Description
			if zh && in.DescriptionZh != "" {
				desc = in.DescriptionZh // LANG=zh_CN.UTF-8
			}
			fmt.Fprintf(tw, "%s\t%s\n", in.Name, desc)
		}
		return tw.Flush()
	}
	sc, err := sim.Load(opts.Scenario)
	if err != nil {
		return cantRun(err)
	}
	so := sim.Options{Faults: opts.Faults, Latency: opts.Latency}
	if opts.Trace {
		so.Trace = errOut
	}
	ctx := opts.Ctx

	if opts.PTY {
		term := sim.New(sc, so)
		path, done, err := term.ServePTY(ctx)
		if err != nil {
			return cantRun(err)
		}
		fmt.Fprintf(out, "serial://%s\n", path)
		fmt.Fprintf(errOut, "simulating %s (%s, TID %s) on serial://%s; press Ctrl-C to stop\n",
			sc.Name, sc.Identity.Model, sc.Identity.TID, path)
		if err := <-done; err != nil && ctx.Err() == nil {
			return cantRun(err)
		}
		return nil
	}

	fleet, err := sim.ListenTCP(ctx, opts.Listen, sc, so, opts.Count)
	if err != nil {
		return cantRun(fmt.Errorf("could not listen on %s: %w (is another simulator running? try --listen 127.0.0.1:0)", opts.Listen, err))
	}
	defer fleet.Close()
	addrs, terms := fleet.Addrs(), fleet.Terminals()
	for i, a := range addrs {
		fmt.Fprintf(out, "tcp://%s\t%s\n", a, terms[i].TID())
	}
	if len(addrs) == 1 {
		fmt.Fprintf(errOut, "simulating %s (%s, TID %s) on tcp://%s; press Ctrl-C to stop\n",
			sc.Name, sc.Identity.Model, sc.Identity.TID, addrs[0])
	} else {
		fmt.Fprintf(errOut, "simulating %d terminals of scenario %s on tcp://%s … tcp://%s; press Ctrl-C to stop\n",
			len(addrs), sc.Name, addrs[0], addrs[len(addrs)-1])
	}
	<-ctx.Done()
	return nil
}
