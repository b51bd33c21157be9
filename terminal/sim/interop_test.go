package sim_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// Literal commands as spec-following ECRs send them (research/zvt.md §3, §5).
var (
	// V4 (spec §5.1): password 000000, config 9E, CC 09 78 (EUR), TLV 26
	// {0A 02 06 D3} (send text blocks) and 1F73 MsgSeqId.
	v4Registration = []byte{0x06, 0x00, 0x14, 0x00, 0x00, 0x00, 0x9E, 0x09, 0x78,
		0x06, 0x0C, 0x26, 0x04, 0x0A, 0x02, 0x06, 0xD3, 0x1F, 0x73, 0x03, 0x00, 0x00, 0x00}
	// Status Enquiry, password, service byte 02 = no SW version.
	statusNoSW = []byte{0x05, 0x01, 0x05, 0x00, 0x00, 0x00, 0x03, 0x02}
	// V1 amount: Authorization of 1.90 (PAYONE P400 Plus log).
	v1Authorization = []byte{0x06, 0x01, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x90}
	// V11 Read Card: timeout 0F, 19 10, FC 02, TLV 1F15 01 D0, 1F60 01 07.
	v11ReadCard = []byte{0x06, 0xC0, 0x0F, 0x0F, 0x19, 0x10, 0xFC, 0x02, 0x06, 0x08, 0x1F, 0x15, 0x01, 0xD0, 0x1F, 0x60, 0x01, 0x07}
	// Diagnosis with TLV 1B 02 (extended diagnosis).
	diagnosisExtended = []byte{0x06, 0x70, 0x05, 0x06, 0x03, 0x1B, 0x01, 0x02}
	// Repeat Receipt, password only.
	repeatReceipt = []byte{0x06, 0x20, 0x03, 0x00, 0x00, 0x00}
)

// loadScenario loads a built-in scenario or a scenario file, failing the
// test when it cannot.
func loadScenario(t testing.TB, name string) *sim.Scenario {
	t.Helper()
	sc, err := sim.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func eurHealthy(t testing.TB) *sim.Scenario {
	sc := loadScenario(t, "healthy").Clone()
	sc.Currency = 978
	return sc
}

// interop runs the commands any spec-following ECR sends.
func interop(t *testing.T, e *ecr, term *sim.Terminal) {
	tr := e.do(v4Registration)
	// V4 answer: 80 00 00, then 06 0F with 19 status, 29 TID, 49 09 78.
	if !bytes.Equal(tr.first, []byte{0x80, 0x00, 0x00}) {
		t.Fatalf("V4 registration: first answer % X", tr.first)
	}
	a, _, _ := zvt.ReadAPDU(tr.end)
	f, err := zvt.DecodeBMPs(a.Data)
	if err != nil || a.Command() != zvt.CmdCompletion {
		t.Fatalf("V4 registration completion: %v %s", err, tr)
	}
	if tid, _ := f.TID(); tid != term.TID() {
		t.Errorf("registration TID: got %q, want %q", tid, term.TID())
	}
	if cc, _ := f.Currency(); cc != 978 {
		t.Errorf("registration currency: got %d, want 978", cc)
	}
	// V4's answer byte for byte, with this terminal's TID 52500001.
	wantV4 := []byte{0x06, 0x0F, 0x12, 0x19, 0x00, 0x29, 0x52, 0x50, 0x00, 0x01, 0x49, 0x09, 0x78,
		0x06, 0x06, 0x26, 0x04, 0x0A, 0x02, 0x06, 0xD3}
	if term.TID() == "52500001" && !bytes.Equal(tr.end, wantV4) {
		t.Errorf("registration completion:\n got % X\nwant % X", tr.end, wantV4)
	}

	st := readStatus(t, e.do(cmdStatus))
	if st.tid != term.TID() || st.sw == "" {
		t.Errorf("status enquiry: %+v", st)
	}
	// Service byte 02: the completion starts with the status byte (the F0
	// trap of research/zvt.md §4.3 needs the service byte to parse).
	tr = e.do(statusNoSW)
	a, _, _ = zvt.ReadAPDU(tr.end)
	if len(a.Data) < 2 || a.Data[0] != 0x00 || a.Data[1] != 0x06 {
		t.Errorf("status enquiry without SW version: got % X, want 00 06 …", head(a.Data, 8))
	}

	tr = e.do(v1Authorization)
	r := readResult(t, tr)
	if !r.approved || r.receipt == 0 {
		t.Fatalf("V1 authorization: %+v %s", r, tr)
	}
	// Config 9E + TLV 26 {06 D3}: the receipt comes as text blocks.
	if tr.find(zvt.CmdPrintTextBlock) == nil || tr.find(zvt.CmdIntermediate) == nil {
		t.Errorf("authorization after V4 registration: want 04 FF and 06 D3, got %s", tr)
	}
	// Repeat Receipt with service byte 01 resends the last status
	// information; without it the PT only reprints.
	tr = e.do(repeatReceipt)
	if tr.find(zvt.CmdStatusInfo) != nil || tr.find(zvt.CmdPrintTextBlock) == nil {
		t.Errorf("repeat receipt without service byte: want a reprint only, got %s", tr)
	}
	tr = e.do(cmdRepeat)
	if rr := readResult(t, tr); rr.receipt != r.receipt {
		t.Errorf("repeat receipt: got receipt %d, want %d (%s)", rr.receipt, r.receipt, tr)
	}
	tr = e.do(cmdReversal(r.receipt))
	if rv := readResult(t, tr); !rv.approved {
		t.Errorf("reversal: %+v %s", rv, tr)
	}
	// A second reversal: B4 already reversed.
	tr = e.do(cmdReversal(r.receipt))
	if end, _, _ := zvt.ReadAPDU(tr.end); end.Command() != zvt.CmdAbortPT || end.Data[0] != 0xB4 {
		t.Errorf("second reversal: got %s, want 06 1E B4", tr)
	}

	tr = e.do(v11ReadCard)
	if end, _, _ := zvt.ReadAPDU(tr.end); end.Command() != zvt.CmdStatusInfo {
		t.Errorf("V11 read card: %s", tr)
	}
	tr = e.do(diagnosisExtended)
	if end, _, _ := zvt.ReadAPDU(tr.end); end.Command() != zvt.CmdCompletion || tr.find(zvt.CmdSetTimeECR) == nil {
		t.Errorf("diagnosis: %s", tr)
	}
	if u := term.Unreversed(); len(u) != 0 {
		t.Errorf("unreversed: %+v", u)
	}
}

func TestInteropTCP(t *testing.T) {
	t.Parallel()
	e, term, _ := startTCP(t, eurHealthy(t), sim.Options{})
	interop(t, e, term)
}

// TestStrict checks the answers a strict terminal gives to what it must
// refuse.
func TestStrict(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	e, _, _ := startTCP(t, sc, sim.Options{})
	if zvt.KnownBMP(0x5A) {
		t.Fatal("test needs an unknown BMP; 5A is known now")
	}
	tests := []struct {
		name string
		cmd  []byte
		want []byte
	}{
		{"unknown command", []byte{0x08, 0x99, 0x00}, []byte{0x84, 0x83, 0x00}},
		{"unknown BMP in authorization", []byte{0x06, 0x01, 0x09, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x5A, 0x01}, []byte{0x84, 0x83, 0x00}},
		{"wrong password in registration", []byte{0x06, 0x00, 0x04, 0x12, 0x34, 0x56, 0x08}, []byte{0x84, 0x83, 0x00}},
		{"wrong password in reversal", []byte{0x06, 0x30, 0x06, 0x99, 0x99, 0x99, 0x87, 0x00, 0x01}, []byte{0x84, 0x83, 0x00}},
		{"registration too short", []byte{0x06, 0x00, 0x02, 0x00, 0x00}, []byte{0x84, 0x83, 0x00}},
		{"LLVAR high nibble not F", []byte{0x06, 0x01, 0x04, 0x22, 0x01, 0x12, 0x34}, []byte{0x84, 0x83, 0x00}},
	}
	for _, tt := range tests {
		tr, err := e.try(tt.cmd, nil)
		if err != nil || !bytes.Equal(tr.first, tt.want) {
			t.Errorf("%s: got % X (%v), want % X", tt.name, tr.first, err, tt.want)
		}
	}
	// Registration with the wrong currency: 06 1E 6F.
	tr := e.do([]byte{0x06, 0x00, 0x06, 0x00, 0x00, 0x00, 0x08, 0x09, 0x78})
	if end, _, _ := zvt.ReadAPDU(tr.end); end.Command() != zvt.CmdAbortPT || end.Data[0] != 0x6F {
		t.Errorf("wrong currency: got %s, want 06 1E 6F", tr)
	}
	// Reversal of a receipt that does not exist: B5.
	tr = e.do(cmdReversal(4242))
	if end, _, _ := zvt.ReadAPDU(tr.end); end.Command() != zvt.CmdAbortPT || end.Data[0] != 0xB5 {
		t.Errorf("reversal of unknown receipt: got %s, want 06 1E B5", tr)
	}
}

// TestCrashedClientAutoReverses closes the connection after 80 00 without
// acknowledging the 04 0F: the terminal must auto-reverse.
func TestCrashedClientAutoReverses(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	e, term, dial := startTCP(t, sc, sim.Options{})
	e.do(cmdRegister)
	_, err := e.try(cmdAuth(500), func(msg []byte) []byte {
		if msg[0] == 0x04 && msg[1] == 0x0F {
			e.w.close() // crash: the status information is never acknowledged
			return nil
		}
		return []byte{0x80, 0x00, 0x00}
	})
	if err != nil {
		t.Fatal(err)
	}
	j := waitJournal(t, term, func(j []sim.Txn) bool { return len(j) == 1 && j[0].State != "pending" })
	if j[0].State != sim.StateAutoReversed || j[0].Amount != 500 {
		t.Errorf("journal: %+v, want one auto_reversed payment of 500", j)
	}
	if u := term.Unreversed(); len(u) != 0 {
		t.Errorf("unreversed: %+v", u)
	}
	// The terminal serves the next connection; the auto-reversed payment
	// cannot be reversed again.
	e2 := dial()
	tr := e2.do(cmdReversal(j[0].Receipt))
	if end, _, _ := zvt.ReadAPDU(tr.end); end.Data[0] != 0xB4 {
		t.Errorf("reversal of auto-reversed payment: %s", tr)
	}
}

// TestNegativeAckAutoReverses answers the 04 0F with 84 xx (goods not
// issued): the PT reverses and aborts.
func TestNegativeAckAutoReverses(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	e, term, _ := startTCP(t, sc, sim.Options{})
	tr, err := e.try(cmdAuth(700), func(msg []byte) []byte {
		if msg[0] == 0x04 && msg[1] == 0x0F {
			return []byte{0x84, 0x66, 0x00}
		}
		return []byte{0x80, 0x00, 0x00}
	})
	if err != nil {
		t.Fatal(err)
	}
	if end, _, _ := zvt.ReadAPDU(tr.end); end.Command() != zvt.CmdAbortPT {
		t.Errorf("after 84 66 to 04 0F: %s, want 06 1E", tr)
	}
	if j := term.Journal(); len(j) != 1 || j[0].State != sim.StateAutoReversed {
		t.Errorf("journal: %+v", j)
	}
}

func waitJournal(t *testing.T, term *sim.Terminal, ok func([]sim.Txn) bool) []sim.Txn {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j := term.Journal()
		if ok(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("journal never settled: %+v", j)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()

	t.Run("zvt-disabled", func(t *testing.T) {
		t.Parallel()
		e, _, _ := startTCP(t, loadScenario(t, "healthy"), sim.Options{Faults: []string{"zvt-disabled"}})
		for _, c := range [][]byte{cmdStatus, cmdRegister, cmdAuth(100)} {
			if tr, _ := e.try(c, nil); !bytes.Equal(tr.first, []byte{0x84, 0x83, 0x00}) {
				t.Errorf("% X: got % X, want 84 83 00", c[:2], tr.first)
			}
		}
	})
	t.Run("banner", func(t *testing.T) {
		t.Parallel()
		e, _, _ := startTCP(t, loadScenario(t, "healthy"), sim.Options{Faults: []string{"banner"}})
		w := e.w.(*tcpWire)
		b := make([]byte, 8)
		_ = w.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(w.nc, b); err != nil || !bytes.Equal(b[:4], []byte{0, 0, 0, 0x3E}) || string(b[4:]) != "VER|" {
			t.Errorf("banner: got % X (%v)", b, err)
		}
	})
	t.Run("idle-close", func(t *testing.T) {
		t.Parallel()
		e, _, _ := startTCP(t, loadScenario(t, "healthy"), sim.Options{Faults: []string{"idle-close=50ms"}})
		w := e.w.(*tcpWire)
		_ = w.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := w.nc.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Errorf("idle connection: got %v, want EOF", err)
		}
	})
	t.Run("drop-after", func(t *testing.T) {
		t.Parallel()
		e, _, _ := startTCP(t, loadScenario(t, "healthy"), sim.Options{Faults: []string{"drop-after=2"}})
		// Registration: 80 00 00 (1), 06 0F (2), then the line goes dead.
		tr, err := e.try(cmdRegister, nil)
		if err != nil || tr.end == nil {
			t.Fatalf("registration: %v %s", err, tr)
		}
		if _, err := e.try(cmdStatus, nil); err == nil {
			t.Errorf("status enquiry after drop-after=2: want a dead connection")
		}
	})
	t.Run("never-ack-tcp", func(t *testing.T) {
		t.Parallel()
		e, _, _ := startTCP(t, loadScenario(t, "healthy"), sim.Options{Faults: []string{"never-ack"}})
		if err := e.w.send(cmdStatus); err != nil {
			t.Fatal(err)
		}
		if b, err := e.w.recv(300 * time.Millisecond); err == nil {
			t.Errorf("never-ack: got % X, want no answer", b)
		}
	})
	t.Run("quirks", func(t *testing.T) {
		t.Parallel()
		e, term, _ := startTCP(t, loadScenario(t, "healthy"), sim.Options{Faults: []string{"iso-8859-1", "tlv-in-print", "vendor-intermediate"}})
		// Config 8A: ECR print type (06 D1 lines), ECR prints payments, intermediate status.
		e.do([]byte{0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x8A, 0x01, 0x56, 0x06, 0x00})
		tr := e.do(cmdAuth(100))
		var sawA0, sawISO, sawTLV bool
		for _, m := range tr.msgs {
			if m[0] == 0x04 && m[1] == 0xFF && m[3] == 0xA0 {
				sawA0 = true
			}
			if m[0] == 0x06 && m[1] == 0xD1 {
				sawISO = sawISO || bytes.Contains(m, []byte("H\xC4NDLERBELEG"))
				sawTLV = sawTLV || bytes.HasSuffix(m, []byte{0x06, 0x04, 0x1F, 0x07, 0x01, 0x01})
			}
		}
		if !sawA0 || !sawISO || !sawTLV {
			t.Errorf("quirks: Ingenico A0 %v, ISO-8859-1 text %v, TLV in print line %v (%s)", sawA0, sawISO, sawTLV, tr)
		}
		r := readResult(t, tr)
		readResult(t, e.do(cmdReversal(r.receipt)))
		if u := term.Unreversed(); len(u) != 0 {
			t.Errorf("unreversed: %+v", u)
		}
	})
	t.Run("lose-completion", func(t *testing.T) {
		t.Parallel()
		e, term, dial := startTCP(t, loadScenario(t, "healthy"), sim.Options{Faults: []string{"lose-completion"}})
		_, err := e.try(cmdAuth(300), nil)
		if err == nil {
			t.Fatal("lose-completion: the Completion arrived")
		}
		// Approved but the register never heard: it stays approved until
		// the ECR resynchronises with Repeat Receipt and reverses it.
		j := waitJournal(t, term, func(j []sim.Txn) bool { return len(j) == 1 && j[0].State != "pending" })
		if j[0].State != sim.StateApproved {
			t.Fatalf("journal: %+v", j)
		}
		e2 := dial()
		r := readResult(t, e2.do(cmdRepeat))
		if r.receipt != j[0].Receipt {
			t.Errorf("repeat receipt: got %d, want %d", r.receipt, j[0].Receipt)
		}
		readResult(t, e2.do(cmdReversal(r.receipt)))
		if u := term.Unreversed(); len(u) != 0 {
			t.Errorf("unreversed after resync: %+v", u)
		}
	})
	t.Run("latency", func(t *testing.T) {
		t.Parallel()
		e, _, _ := startTCP(t, loadScenario(t, "healthy"), sim.Options{Latency: 20 * time.Millisecond, Faults: []string{"latency=10ms"}})
		readStatus(t, e.do(cmdStatus))
	})
	t.Run("bad fault", func(t *testing.T) {
		t.Parallel()
		_, err := sim.ListenTCP(context.Background(), "127.0.0.1:0", loadScenario(t, "healthy"), sim.Options{Faults: []string{"never-ak"}}, 1)
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte("did you mean never-ack")) {
			t.Errorf("bad fault: %v", err)
		}
	})
}

// TestFleet serves several terminals from one process, each with its own
// TID, and answers concurrent Status Enquiries.
func TestFleet(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 25
	f, err := sim.ListenTCP(ctx, "127.0.0.1:0", sc, sim.Options{}, n)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(f.Addrs()) != n || len(f.Terminals()) != n {
		t.Fatalf("fleet of %d: %d addrs %d terminals", n, len(f.Addrs()), len(f.Terminals()))
	}
	tids := make(chan string, n)
	for _, addr := range f.Addrs() {
		go func() {
			w := dialTCP(t, addr)
			defer w.close()
			e := &ecr{t: t, w: w}
			// Status Enquiry, service byte 04: send TLV (no Registration on this connection).
			tr, err := e.try([]byte{0x05, 0x01, 0x05, 0x00, 0x00, 0x00, 0x03, 0x04}, nil)
			if err != nil {
				tids <- "error: " + err.Error()
				return
			}
			a, _, _ := zvt.ReadAPDU(tr.end)
			f, _ := zvt.DecodeBMPs(a.Data[4+len(sc.Identity.SoftwareVersion):])
			v, _ := f.TLVValue(zvt.TagTID)
			tids <- bcdHex(v)
		}()
	}
	seen := map[string]bool{}
	for range n {
		select {
		case tid := <-tids:
			if seen[tid] || len(tid) != 8 {
				t.Errorf("TID %q repeated or malformed", tid)
			}
			seen[tid] = true
		case <-time.After(20 * time.Second):
			t.Fatal("fleet did not answer")
		}
	}
}

// TestFleetConsecutivePorts: with a fixed port the terminals listen on
// consecutive ports.
func TestFleetConsecutivePorts(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	var lastErr error
	for try := 0; try < 5; try++ {
		probe, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := probe.Addr().(*net.TCPAddr).Port
		probe.Close()
		f, err := sim.ListenTCP(context.Background(), net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), sc, sim.Options{}, 3)
		if err != nil {
			lastErr = err // a port was taken meanwhile: try another base
			continue
		}
		defer f.Close()
		for i, a := range f.Addrs() {
			if want := net.JoinHostPort("127.0.0.1", strconv.Itoa(port+i)); a != want {
				t.Errorf("terminal %d on %s, want %s", i, a, want)
			}
		}
		tids := map[string]bool{}
		for _, term := range f.Terminals() {
			tids[term.TID()] = true
		}
		if len(tids) != 3 {
			t.Errorf("TIDs not distinct: %v", tids)
		}
		return
	}
	t.Skipf("no 3 free consecutive ports: %v", lastErr)
}

// lockedBuffer is a bytes.Buffer the simulator's goroutines may write to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestTraceMasksPAN: the trace shows every APDU, never the full PAN.
func TestTraceMasksPAN(t *testing.T) {
	t.Parallel()
	sc := loadScenario(t, "healthy")
	var buf lockedBuffer
	e, _, _ := startTCP(t, sc, sim.Options{Trace: &buf})
	e.do(cmdReadCard)
	e.do(cmdAuth(100))
	e.w.close()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "PT→ECR") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := buf.String()
	t.Log(out)
	if !strings.Contains(out, "52500001 ECR→PT 06 C0") || !strings.Contains(out, "PT→ECR") {
		t.Errorf("trace: %q", out)
	}
	if strings.Contains(out, sc.Cards[0].PAN) || strings.Contains(out, sc.Cards[0].PAN[6:15]) {
		t.Errorf("trace shows the full PAN: %q", out)
	}
}
