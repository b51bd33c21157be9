package checks

import (
	"bytes"
	"cmp"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// The floor of BenchmarkFleetSweep: the same TCP exchange as one sweep of
// a healthy terminal (the link, status, version and network checks), with
// the same writes, reads and simulated delays, but nothing else: no ZVT
// decoding, no checks, no journal, no diagnosis. Run at the same moment as
// the sweep, its fleet/single ratio and CPU are what this machine's
// loopback TCP and Go's network poller cost for 1000 terminals whatever
// posdoctor does; the sweep's figures above them are posdoctor's own.

// floorStep is one step of the terminal's side of the exchange: read n
// APDUs from the console, wait one simulated latency, or write APDUs in one
// write (80 00 and the message after it go out together, as the
// simulator's Queue does).
type floorStep struct {
	read  int
	delay bool
	write int
}

// floorScript is the terminal's side of one sweep of a healthy terminal:
// Registration, Status Enquiry, Diagnosis (intermediate status, Set Time,
// four print lines, Completion) and Log-Off. Each PT message but the last
// ack is answered with 80 00 00.
var floorScript = []floorStep{
	{read: 1}, {delay: true}, {write: 2}, {read: 1}, // Registration → 80 00 + Completion
	{read: 1}, {delay: true}, {write: 2}, {read: 1}, // Status Enquiry
	{read: 1}, {write: 2}, {read: 1}, {delay: true}, // Diagnosis → 80 00 + Intermediate Status
	{write: 1}, {read: 1}, // Set Time
	{write: 1}, {read: 1}, {write: 1}, {read: 1}, {write: 1}, {read: 1}, {write: 1}, {read: 1}, // print lines
	{write: 1}, {read: 1}, // Completion
	{read: 1}, {delay: true}, {write: 1}, // Log-Off → 80 00
}

// floorFrames is how many APDUs each side sends in floorScript.
func floorFrames() (ecr, pt int) {
	for _, s := range floorScript {
		ecr += s.read
		pt += s.write
	}
	return ecr, pt
}

// floorAPDU is the 3-byte APDU every floor message is (80 00 00).
var floorAPDU = []byte{0x80, 0x00, 0x00}

// floorServe plays the terminal's side of floorScript on c.
func floorServe(c net.Conn, latency time.Duration) {
	defer c.Close()
	buf := make([]byte, 3)
	out := bytes.Repeat(floorAPDU, 2)
	for _, s := range floorScript {
		for i := 0; i < s.read; i++ {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
		}
		if s.delay {
			time.Sleep(latency)
		}
		if s.write > 0 {
			if _, err := c.Write(out[:3*s.write]); err != nil {
				return
			}
		}
	}
	_, _ = c.Read(buf) // until the console closes
}

// floorClient plays the console's side: it answers what floorServe
// writes, and sends each command after the answer to the last one.
func floorClient(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 6)
	pending := 0 // APDUs the terminal wrote that we have not read
	for _, s := range floorScript {
		for i := 0; i < s.read; i++ {
			if pending > 0 {
				// The terminal's last write(s) first: read them, and answer
				// each message but the final 80 00 of a command.
				if _, err := io.ReadFull(c, buf[:3*pending]); err != nil {
					return err
				}
				pending = 0
			}
			if _, err := c.Write(floorAPDU); err != nil {
				return err
			}
		}
		pending += s.write
	}
	_, err = io.ReadFull(c, buf[:3*pending])
	return err
}

// floorFleet listens for n floor terminals.
type floorFleet struct {
	lns   []net.Listener
	addrs []string
	wg    sync.WaitGroup
}

func startFloor(b *testing.B, n int, latency time.Duration) *floorFleet {
	f := &floorFleet{}
	lc := net.ListenConfig{KeepAlive: -1} // as sim.ListenTCP
	for i := 0; i < n; i++ {
		ln, err := lc.Listen(b.Context(), "tcp", "127.0.0.1:0")
		if err != nil {
			f.Close()
			b.Fatal(err)
		}
		f.lns = append(f.lns, ln)
		f.addrs = append(f.addrs, ln.Addr().String())
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go floorServe(c, latency)
			}
		}()
	}
	return f
}

func (f *floorFleet) Close() {
	for _, ln := range f.lns {
		ln.Close()
	}
	f.wg.Wait()
}

// sweep runs the console's side against every terminal at once.
func (f *floorFleet) sweep(addrs []string) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for _, a := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := floorClient(a); err != nil {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// checkFloorScript fails b when floorScript no longer sends as many APDUs
// each way as the simulator's trace of one healthy sweep shows, so the
// floor cannot drift away from the exchange it stands for.
func checkFloorScript(b *testing.B, trace string) {
	var ecr, pt int
	for _, line := range strings.Split(trace, "\n") {
		switch {
		case strings.Contains(line, " ECR→PT "):
			ecr++
		case strings.Contains(line, " PT→ECR "):
			pt++
		}
	}
	fe, fp := floorFrames()
	if ecr != fe || pt != fp {
		b.Fatalf("the floor exchange (%d APDUs console→terminal, %d back) no longer matches one sweep of a healthy terminal (%d and %d in the simulator's trace): update floorScript", fe, fp, ecr, pt)
	}
}

// run times one floor terminal alone, then the other n at once (with the
// process's CPU time of the latter).
func (f *floorFleet) run(b *testing.B) (single, fleet, cpu time.Duration) {
	start := time.Now()
	if err := floorClient(f.addrs[0]); err != nil {
		b.Fatal(err)
	}
	single = time.Since(start)
	cpu0 := processCPU()
	start = time.Now()
	if err := f.sweep(f.addrs[1:]); err != nil {
		b.Fatal(err)
	}
	return single, time.Since(start), processCPU() - cpu0
}
