package sim_test

import (
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/sim"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// want is what a payment in a scenario must bring to the ECR.
type want struct {
	amount   int64
	code     byte   // BMP 27 / 06 1E result code
	hostCode string // TLV 13 (or BMP 27 01–63 as two digits)
	text     string // part of TLV 1F17
	approved bool
}

// scenarioWants lists, per required scenario, the payments to make in order
// and what each must show (issue 3; research/codes.md §1).
var scenarioWants = map[string][]want{
	"healthy":            {{amount: 100, code: 0x00, hostCode: "00", approved: true}},
	"auth-failed":        {{amount: 100, code: 0x05, hostCode: "05", text: "cardholder authentication failed"}},
	"card-data-error":    {{amount: 100, code: 14, hostCode: "14", text: "invalid card number"}},
	"lost-card":          {{amount: 100, code: 41, hostCode: "41", text: "lost card"}},
	"stolen-card":        {{amount: 100, code: 43, hostCode: "43", text: "stolen card"}},
	"wrong-pin":          {{amount: 100, code: 55, hostCode: "55", text: "incorrect PIN"}},
	"pin-locked":         {{amount: 100, code: 75, hostCode: "75", text: "PIN try limit exceeded"}},
	"account-frozen":     {{amount: 100, code: 62, hostCode: "62", text: "restricted card"}},
	"not-permitted":      {{amount: 100, code: 57, hostCode: "57", text: "not permitted"}},
	"over-limit":         {{amount: 100, code: 61, hostCode: "61", text: "amount limit"}},
	"too-frequent":       {{amount: 100, code: 65, hostCode: "65", text: "frequency limit"}},
	"insufficient-funds": {{amount: 100, code: 51, hostCode: "51", text: "insufficient funds"}},
	"expired-card":       {{amount: 100, code: 0x78, text: "card expired"}},
	"unreadable-stripe":  {{amount: 100, code: 0x64, text: "not readable"}},
	"chip-error":         {{amount: 100, code: 0x72, text: "chip error"}},
	"host-unreachable":   {{amount: 100, code: 0x9B, text: "no connection to host"}},
	"bank-maintenance": {
		{amount: 100, code: 91, hostCode: "91", text: "issuer inoperative"},
		{amount: 100, code: 96, hostCode: "96", text: "system malfunction"},
		{amount: 100, code: 96, hostCode: "96", text: "system malfunction"},
	},
	"outdated-software": {
		{amount: 100, code: 0x00, hostCode: "00", approved: true},
		{amount: 10000, code: 40, hostCode: "40", text: "function not supported"},
	},
	"keys-out-of-sync": {
		{amount: 100, code: 0xFF, hostCode: "A0", text: "MAC error"},
		{amount: 9900, code: 99, hostCode: "99", text: "PIN format error"},
	},
	"merchant-config": {
		{amount: 100, code: 3, hostCode: "03", text: "invalid merchant"},
		{amount: 5800, code: 58, hostCode: "58", text: "terminal not permitted"},
		{amount: 9700, code: 97, hostCode: "97", text: "terminal not registered"},
	},
	"slow-network": {{amount: 100, code: 0x00, hostCode: "00", approved: true}},
	"noisy-line":   {{amount: 100, code: 0x00, hostCode: "00", approved: true}},
}

func TestScenariosLoad(t *testing.T) {
	t.Parallel()
	infos := sim.Scenarios()
	got := map[string]bool{}
	for _, in := range infos {
		got[in.Name] = true
		if in.Description == "" || !strings.Contains(in.Source, "seeds/") && !strings.Contains(in.Source, "research/") {
			t.Errorf("%s: description %q / source %q must cite a seeds file or research note", in.Name, in.Description, in.Source)
		}
	}
	for _, name := range sim.Required {
		if !got[name] {
			t.Errorf("required scenario %s missing or does not load", name)
			continue
		}
		sc := loadScenario(t, name)
		if sc.Name != name {
			t.Errorf("scenarios/%s.yaml has name %q", name, sc.Name)
		}
		if _, ok := scenarioWants[name]; !ok {
			t.Errorf("no end-to-end expectations for %s", name)
		}
	}
	// Each scenario's default PAN is its own test number.
	seen := map[string]string{}
	for _, name := range sim.Required {
		sc := loadScenario(t, name)
		if other, dup := seen[sc.Cards[0].PAN]; dup {
			t.Errorf("%s and %s share a PAN", name, other)
		}
		seen[sc.Cards[0].PAN] = name
	}
}

// runScenario drives one scenario end to end on e and checks what reaches
// the ECR. serial says whether e is on the serial pty.
func runScenario(t *testing.T, e *ecr, term *sim.Terminal, name string, reconnect func() *ecr) {
	sc := term.Scenario()
	// Registration with intermediate status and TLV.
	tr := e.do(cmdRegister)
	if tr.first[0] != 0x80 || tr.end == nil || tr.end[1] != 0x0F {
		t.Fatalf("registration: %s", tr)
	}
	// Status Enquiry: V6 shape.
	tr = e.do(cmdStatus)
	st := readStatus(t, tr)
	if st.sw != sc.Identity.SoftwareVersion || st.tid != sc.Identity.TID || st.model != sc.Identity.Model || st.status != sc.Identity.Status {
		t.Errorf("status enquiry: got %+v, want sw %q tid %s model %q status %02X", st, sc.Identity.SoftwareVersion, sc.Identity.TID, sc.Identity.Model, sc.Identity.Status)
	}
	if st.device != byte(sc.Identity.DeviceState) {
		t.Errorf("device state: got %d, want %d", st.device, sc.Identity.DeviceState)
	}
	// Read Card.
	tr = e.do(cmdReadCard)
	card := sc.Cards[0]
	end, _, _ := zvt.ReadAPDU(tr.end)
	if card.Readable {
		f, err := zvt.DecodeBMPs(end.Data)
		if err != nil || end.Command() != zvt.CmdStatusInfo {
			t.Fatalf("read card: %v %s", err, tr)
		}
		// The full PAN travels on the wire (an unmasking terminal); the
		// codec's accessor masks it.
		if fd, _ := f.Get(zvt.BMPPAN); strings.TrimRight(bcdHex(fd.Value), "F") != card.PAN {
			t.Errorf("read card PAN on the wire: got %d nibbles, want the scenario's card", 2*len(fd.Value))
		}
		if pan, _ := f.Digits(zvt.BMPPAN); pan != terminal.NewPAN(card.PAN).String() {
			t.Errorf("read card PAN: got %q, want it masked", pan)
		}
		if exp, _ := f.Expiry(); exp != card.Expiry {
			t.Errorf("read card expiry: got %q, want %q", exp, card.Expiry)
		}
	} else if end.Command() != zvt.CmdAbortPT || end.Data[0] != card.ReadError {
		t.Errorf("read card of unreadable card: got %s, want 06 1E %02X", tr, card.ReadError)
	}
	// Diagnosis.
	tr = e.do(cmdDiagnosis)
	end, _, _ = zvt.ReadAPDU(tr.end)
	if sc.Diagnosis.Result == 0 {
		if end.Command() != zvt.CmdCompletion || tr.find(zvt.CmdSetTimeECR) == nil {
			t.Errorf("diagnosis: got %s, want 04 01 then 06 0F", tr)
		}
	} else if end.Command() != zvt.CmdAbortPT || end.Data[0] != sc.Diagnosis.Result {
		t.Errorf("diagnosis: got %s, want 06 1E %02X", tr, sc.Diagnosis.Result)
	}
	// Payments.
	for i, w := range scenarioWants[name] {
		tr = e.do(cmdAuth(w.amount))
		if w.code != 0 && tr.find(zvt.CmdIntermediate) == nil {
			t.Errorf("payment %d: no intermediate status although config byte 08 asked for it", i)
		}
		r := readResult(t, tr)
		if r.code != w.code || r.hostCode != w.hostCode || r.approved != w.approved || !strings.Contains(r.text, w.text) {
			t.Errorf("payment %d (%d): got code %02X host %q text %q approved %v, want code %02X host %q text ~%q approved %v",
				i, w.amount, r.code, r.hostCode, r.text, r.approved, w.code, w.hostCode, w.text, w.approved)
		}
		if r.approved {
			rv := readResult(t, e.do(cmdReversal(r.receipt)))
			if !rv.approved {
				t.Errorf("reversal of receipt %d: got %+v", r.receipt, rv)
			}
		}
	}
	if name == "keys-out-of-sync" {
		tr = e.do(cmdInit)
		if end, _, _ := zvt.ReadAPDU(tr.end); end.Command() != zvt.CmdCompletion {
			t.Fatalf("initialisation: %s", tr)
		}
		// The new keys persist across connections.
		e2 := e
		if reconnect != nil {
			e.w.close()
			e2 = reconnect()
		}
		st := readStatus(t, e2.do(cmdStatus))
		if st.status != 0x00 || st.device != 0 {
			t.Errorf("after initialisation: status %02X device %d, want 00 ready", st.status, st.device)
		}
		r := readResult(t, e2.do(cmdAuth(100)))
		if !r.approved {
			t.Errorf("payment after initialisation: %+v", r)
		}
		readResult(t, e2.do(cmdReversal(r.receipt)))
	}
	if u := term.Unreversed(); len(u) != 0 {
		t.Errorf("unreversed transactions left: %+v", u)
	}
}

type statusReply struct {
	sw, tid, model string
	status, device byte
}

func readStatus(t testing.TB, tr transcript) statusReply {
	t.Helper()
	a, _, err := zvt.ReadAPDU(tr.end)
	if err != nil || a.Command() != zvt.CmdCompletion {
		t.Fatalf("status enquiry: %v %s", err, tr)
	}
	d := a.Data
	var s statusReply
	// <LLLVAR SW version> <status> [06 TLV]
	if len(d) < 4 || d[0]&0xF0 != 0xF0 {
		t.Fatalf("status enquiry completion: no SW version LLLVAR: % X", d)
	}
	n := int(d[0]&0x0F)*100 + int(d[1]&0x0F)*10 + int(d[2]&0x0F)
	s.sw = string(d[3 : 3+n])
	s.status = d[3+n]
	f, err := zvt.DecodeBMPs(d[4+n:])
	if err != nil {
		t.Fatalf("status enquiry TLV: %v", err)
	}
	if v, ok := f.TLVValue(zvt.TagTID); ok {
		s.tid = bcdHex(v)
	}
	if v, ok := f.TLVValue(zvt.TagDeviceName); ok {
		s.model = string(v)
	}
	if v, ok := f.TLVValue(zvt.TagDeviceState); ok && len(v) == 1 {
		s.device = v[0]
	}
	return s
}

func bcdHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	var s []byte
	for _, c := range b {
		s = append(s, digits[c>>4], digits[c&0x0F])
	}
	return string(s)
}

// TestScenariosTCP runs every required scenario end to end through the real
// TCP listener.
func TestScenariosTCP(t *testing.T) {
	t.Parallel()
	for _, name := range sim.Required {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc := loadScenario(t, name)
			e, term, dial := startTCP(t, sc, sim.Options{})
			runScenario(t, e, term, name, dial)
		})
	}
}
