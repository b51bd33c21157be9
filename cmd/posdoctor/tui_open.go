package main

import (
	"context"

	"github.com/posdoctor/posdoctor/checks"
	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/dial"
)

// openDriver connects to target (tcp, tls, serial or the in-process
// simulator) with the configured password, currency and connect timeout.
// The console and `posdoctor check` both open terminals through it.
func openDriver(ctx context.Context, target string, cfg checks.Config) (terminal.Driver, error) {
	return dial.Open(ctx, target, dial.Options{
		Password:       cfg.Password,
		Currency:       cfg.Currency,
		ConnectTimeout: cfg.Timeouts.Connect,
	})
}
