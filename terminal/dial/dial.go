// Package dial turns a target URL into a connected terminal.Driver:
// tcp://, tls://, serial:// and sim:// (the built-in simulator, reached
// through the real ZVT driver and codec over a loopback socket, so sim://
// exercises the real protocol).
package dial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/link"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// Options tunes Open. Zero values take the defaults.
type Options struct {
	// Password is the terminal's ZVT password (default "000000").
	Password string
	// Currency is the ISO 4217 number used for Registration and payments
	// (default 156, CNY).
	Currency int
	// Charset is the terminal's text encoding: cp437 (default), iso8859-1
	// or utf8.
	Charset string
	// T3 and T4 override the ZVT application timeouts (5 s, 180 s);
	// ConnectTimeout bounds a TCP/TLS connect (5 s).
	T3, T4, ConnectTimeout time.Duration
	// OnEvent receives the driver's events (prompts, print lines, frames,
	// link notices). It must not block.
	OnEvent func(terminal.Event)
	// Sim serves sim:// with this existing simulator instead of a new one
	// loaded from the target's scenario.
	Sim *sim.Terminal
}

// DefaultCurrency is the currency when Options.Currency is 0.
const DefaultCurrency = 156

// Error is a target that could not be opened: one line saying what went
// wrong and what to try. It matches the terminal error sentinel of its kind
// (errors.Is(err, terminal.ErrLink)).
type Error struct {
	Kind terminal.Kind
	Err  error
}

// Error returns the cause's message: the line the operator reads.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the cause and a *terminal.Error of the kind.
func (e *Error) Unwrap() []error { return []error{e.Err, &terminal.Error{Kind: e.Kind}} }

// Open connects to target (tcp://HOST[:PORT], tls://HOST[:PORT][?pin=…|?insecure=1],
// serial://PORT[?baud=…], sim://SCENARIO) and returns a ZVT driver. It does
// not register: call Register first.
func Open(ctx context.Context, target string, opts Options) (terminal.Driver, error) {
	t, err := terminal.ParseTarget(target)
	if err != nil {
		return nil, &Error{Kind: terminal.KindLink, Err: err}
	}
	cs, err := zvt.ParseCharset(opts.Charset)
	if err != nil {
		return nil, &Error{Kind: terminal.KindLink, Err: err}
	}
	if opts.Password == "" {
		opts.Password = "000000"
	}
	if opts.Currency == 0 {
		opts.Currency = DefaultCurrency
	}

	var drv atomic.Pointer[zvt.Driver]
	notify := func(msg string) {
		if d := drv.Load(); d != nil {
			d.Notice(msg)
		}
	}
	var conn link.Conn
	switch t.Scheme {
	case terminal.SchemeTCP:
		conn, err = link.DialTCP(ctx, t.Addr, link.TCPOptions{ConnectTimeout: opts.ConnectTimeout, Notify: notify})
	case terminal.SchemeTLS:
		conn, err = link.DialTLS(ctx, t.Addr, link.TCPOptions{
			ConnectTimeout: opts.ConnectTimeout, Notify: notify,
			ServerName: t.ServerName, PinSHA256: t.PinSHA256, Insecure: t.Insecure,
		})
	case terminal.SchemeSerial:
		conn, err = link.OpenSerial(ctx, t, link.SerialOptions{Notify: notify})
	case terminal.SchemeSim:
		conn, err = openSim(ctx, t, opts, notify)
	default:
		err = fmt.Errorf("target %q: unknown scheme %q", target, t.Scheme)
	}
	if err != nil {
		kind := terminal.KindLink
		if errors.Is(err, link.ErrNotZVT) {
			kind = terminal.KindNotProtocol
		}
		return nil, &Error{Kind: kind, Err: err}
	}
	d := zvt.NewDriver(conn, zvt.DriverOptions{
		Password: opts.Password, Currency: opts.Currency, Charset: cs, T3: opts.T3, T4: opts.T4,
		Info: terminal.Info{Target: t.Raw, Protocol: "zvt", Link: t.Scheme},
	}).(*zvt.Driver)
	d.SetObserver(opts.OnEvent)
	drv.Store(d)
	return d, nil
}

// openSim starts the simulator on a 127.0.0.1 listener (each connection is
// served by the same simulated terminal, whose state persists) and connects
// to it through the normal TCP link.
func openSim(ctx context.Context, t terminal.Target, opts Options, notify func(string)) (link.Conn, error) {
	term := opts.Sim
	if term == nil {
		sc, err := sim.Load(t.Scenario)
		if err != nil {
			return nil, fmt.Errorf("sim://%s: %w (posdoctor sim --list shows the scenarios)", t.Scenario, err)
		}
		term = sim.New(sc, sim.Options{})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sim://%s: cannot start the simulator on 127.0.0.1: %w", t.Scenario, err)
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		term.Serve(sctx, ln)
	}()
	stop := func() {
		cancel()
		ln.Close()
		wg.Wait()
	}
	addr := ln.Addr().String()
	conn, err := link.DialTCP(ctx, addr, link.TCPOptions{ConnectTimeout: opts.ConnectTimeout, Notify: notify})
	if err != nil {
		stop()
		return nil, err
	}
	return &simConn{Conn: conn, stop: stop}, nil
}

// simConn stops the in-process simulator when the link closes.
type simConn struct {
	link.Conn
	once sync.Once
	stop func()
}

func (c *simConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.stop)
	return err
}
