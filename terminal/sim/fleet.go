package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
)

// Fleet is a set of simulated terminals, each on its own TCP listener.
type Fleet struct {
	terms []*Terminal
	lns   []net.Listener
	addrs []string
	wg    sync.WaitGroup
	stop  context.CancelFunc
	once  sync.Once
}

// ListenTCP starts count terminals playing sc. With a fixed port they listen
// on count consecutive ports from addr's; with port 0 each gets a free port.
// Each terminal has its own TID (the scenario's plus its index) and serial.
// The fleet runs until ctx ends or Close is called.
func ListenTCP(ctx context.Context, addr string, sc *Scenario, opts Options, count int) (*Fleet, error) {
	if count < 1 {
		return nil, fmt.Errorf("count must be at least 1, got %d", count)
	}
	if err := checkFaults(opts.Faults); err != nil {
		return nil, err
	}
	host, portS, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w (write HOST:PORT, e.g. 127.0.0.1:20007)", addr, err)
	}
	port, err := strconv.Atoi(portS)
	if err != nil || port < 0 || port > 65535 || port > 0 && port+count-1 > 65535 {
		return nil, fmt.Errorf("listen address %q: port must be 0..65535 with room for %d terminals", addr, count)
	}
	ctx, cancel := context.WithCancel(ctx)
	f := &Fleet{stop: cancel}
	// No TCP keep-alive on the simulated terminals' connections: it costs
	// four setsockopt calls per connection and a local peer never vanishes
	// silently.
	lc := net.ListenConfig{KeepAlive: -1}
	for i := 0; i < count; i++ {
		p := 0
		if port > 0 {
			p = port + i
		}
		ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("terminal %d of %d: %w", i+1, count, err)
		}
		tsc := sc
		if count > 1 {
			tsc = sc.Clone()
			tsc.Identity.TID = fleetTID(sc.Identity.TID, i)
			tsc.Identity.Serial = fleetSerial(sc.Identity.Serial, i)
		}
		t := New(tsc, opts)
		f.terms = append(f.terms, t)
		f.lns = append(f.lns, ln)
		f.addrs = append(f.addrs, ln.Addr().String())
	}
	for i := range f.lns {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.terms[i].Serve(ctx, f.lns[i])
		}()
	}
	go func() { <-ctx.Done(); f.Close() }()
	return f, nil
}

func checkFaults(faults []string) error {
	for _, s := range faults {
		if _, err := ParseFault(s); err != nil {
			var fe *FaultError
			if errors.As(err, &fe) {
				return fmt.Errorf("%w (%s)", err, fe.Hint)
			}
			return err
		}
	}
	return nil
}

// fleetTID is the i-th terminal's TID: the scenario's plus i, 8 digits.
func fleetTID(base string, i int) string {
	n, err := strconv.Atoi(base)
	if err != nil {
		n = 52500000
	}
	return fmt.Sprintf("%08d", (n+i)%100000000)
}

func fleetSerial(base string, i int) string {
	if n, err := strconv.ParseUint(base, 10, 32); err == nil && n+uint64(i) <= 0xFFFFFFFF {
		return strconv.FormatUint(n+uint64(i), 10)
	}
	return fmt.Sprintf("%s-%d", base, i)
}

// Addrs returns the listen addresses (host:port), one per terminal.
func (f *Fleet) Addrs() []string { return append([]string(nil), f.addrs...) }

// Terminals returns the terminals, in the order of Addrs.
func (f *Fleet) Terminals() []*Terminal { return append([]*Terminal(nil), f.terms...) }

// Close stops the listeners and every connection and waits for them.
func (f *Fleet) Close() {
	f.once.Do(func() {
		f.stop()
		for _, ln := range f.lns {
			ln.Close()
		}
	})
	f.wg.Wait()
}
