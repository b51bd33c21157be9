package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// Config-byte bits of Registration (research/zvt.md §3).
const (
	cfgECRPrintsPayment = 0x02
	cfgECRPrintsAdmin   = 0x04
	cfgIntermediate     = 0x08
	cfgECRPrintType     = 0x80
)

// Result codes the PT itself uses (research/zvt.md §4.1).
const (
	rcOK            = 0x00
	rcAbort         = 0x6C // abort via timeout or abort key
	rcWrongCurrency = 0x6F
	rcExpired       = 0x78
	rcNotPossible   = 0x83
	rcSystemError   = 0xFF // see TLV 13 / 1F16 / 1F17
	rcAlreadyRev    = 0xB4
	rcRevNotPossib  = 0xB5
)

// Intermediate status codes (research/zvt.md §4.4).
const (
	isWatchPIN      = 0x01
	isWaitingHost   = 0x04
	isAutoReversal  = 0x05
	isInsertCard    = 0x0A
	isPleaseWait    = 0x0E
	isIngenicoDone  = 0xA0 // Ingenico: payment processed
	isIngenicoRev   = 0xA1 // Ingenico: cancellation successful
	isIngenicoNoRev = 0xA2 // Ingenico: cancellation not possible
)

func ackAPDU() []byte           { return []byte{0x80, 0x00, 0x00} }
func nackAPDU(code byte) []byte { return []byte{0x84, code, 0x00} }

// systemError is what the PT sends when it cannot build a message (a value
// too long for its field): 06 1E FF, system error.
var systemError = []byte{0x06, 0x1E, 0x01, rcSystemError}

// apdu builds a PT→ECR APDU from a command and raw data.
func apdu(cmd zvt.Command, data []byte) []byte {
	b, err := zvt.AppendAPDU(nil, cmd.Class(), cmd.Instr(), data)
	if err != nil {
		return systemError // only a body over 65535 bytes fails
	}
	return b
}

// bmpAPDU builds an APDU whose data is prefix followed by the BMPs of f.
func bmpAPDU(cmd zvt.Command, prefix []byte, f zvt.Fields) []byte {
	data, err := zvt.AppendBMPs(append([]byte(nil), prefix...), f)
	if err != nil {
		return systemError
	}
	return apdu(cmd, data)
}

// text encodes s in the terminal's charset, replacing what it cannot hold.
func (t *Terminal) text(s string) []byte {
	if b, err := t.cs.EncodeText(s); err == nil {
		return b
	}
	var out []byte
	for _, r := range s {
		b, err := t.cs.EncodeText(string(r))
		if err != nil {
			b = []byte{'?'}
		}
		out = append(out, b...)
	}
	return out
}

// request is a decoded ECR command.
type request struct {
	cmd    zvt.Command
	data   []byte
	pwd    string // 6 digits, when the command carries one
	fields zvt.Fields
}

// parse splits a command into its fixed prefix and BMPs. ok is false when the
// APDU must be answered with 84 83 00 (unknown BMP) or is malformed.
func parse(b []byte) (request, byte, bool) {
	a, _, err := zvt.ReadAPDU(b)
	if err != nil {
		return request{}, rcNotPossible, false
	}
	r := request{cmd: a.Command(), data: a.Data}
	off := 0
	switch r.cmd {
	case zvt.CmdRegistration:
		// <pwd 3><config 1>[<CC 2>[BMPs]]
		if len(a.Data) < 4 {
			return r, rcNotPossible, false
		}
		off = 4
		if len(a.Data) >= 6 {
			off = 6
		}
	case zvt.CmdReversal, zvt.CmdRefund, zvt.CmdRepeatReceipt, zvt.CmdEndOfDay, zvt.CmdInitialisation, zvt.CmdSetDateTime:
		if len(a.Data) < 3 {
			return r, rcNotPossible, false
		}
		off = 3
	case zvt.CmdStatusEnquiry:
		if len(a.Data) >= 3 {
			off = 3
		} else if len(a.Data) != 0 {
			return r, rcNotPossible, false
		}
	case zvt.CmdReadCard:
		if len(a.Data) >= 1 {
			off = 1
		}
	}
	if off >= 3 && r.cmd != zvt.CmdReadCard {
		r.pwd = bcdString(a.Data[:3])
	}
	f, err := zvt.DecodeBMPs(a.Data[off:])
	if err != nil || len(f.Rest) > 0 {
		return r, rcNotPossible, false
	}
	r.fields = f
	return r, 0, true
}

func bcdString(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		s.WriteByte("0123456789ABCDEF"[c>>4])
		s.WriteByte("0123456789ABCDEF"[c&0x0F])
	}
	return s.String()
}

// latency is the delay before answering cmd.
func (t *Terminal) latency(name string) time.Duration {
	d, ok := t.sc.Latency[name]
	if !ok {
		d = t.sc.Latency["default"]
	}
	return d + t.faults.latency
}

// handle compiles one ECR command into the PT's steps. pending is the payment
// the steps may leave waiting for the ECR's acknowledgement.
func (t *Terminal) handle(b []byte) (steps []Step, pending *Txn) {
	if t.faults.zvtDisabled {
		return []Step{Quirk(FaultZVTDisabled), Send(nackAPDU(rcNotPossible))}, nil
	}
	r, rc, ok := parse(b)
	if !ok {
		return []Step{Send(nackAPDU(rc))}, nil
	}
	if r.pwd != "" && r.pwd != t.sc.Password {
		return []Step{Send(nackAPDU(t.sc.PasswordError))}, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch r.cmd {
	case zvt.CmdRegistration:
		return t.registration(r), nil
	case zvt.CmdLogOff:
		t.cfg, t.tlv, t.textBlocks = 0, false, false
		return []Step{Delay(t.latency("default")), Send(ackAPDU())}, nil
	case zvt.CmdStatusEnquiry:
		return t.statusEnquiry(r), nil
	case zvt.CmdAuthorization:
		return t.authorization(r)
	case zvt.CmdReversal:
		return t.reversal(r), nil
	case zvt.CmdRefund:
		return t.refund(r)
	case zvt.CmdReadCard:
		return t.readCard(r), nil
	case zvt.CmdDiagnosis:
		return t.diagnosis(r), nil
	case zvt.CmdRepeatReceipt:
		return t.repeatReceipt(r), nil
	case zvt.CmdInitialisation:
		return t.initialisation(r), nil
	case zvt.CmdEndOfDay:
		return t.endOfDay(r), nil
	case zvt.CmdSetDateTime:
		return t.setDateTime(r), nil
	case zvt.CmdAbortECR:
		return []Step{Send(ackAPDU())}, nil // nothing is running between commands
	case zvt.CmdSelftest:
		return []Step{Delay(t.latency("selftest")), Send(ackAPDU()), Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck)}, nil
	case zvt.CmdPrintSystemConfig:
		s := []Step{Delay(t.latency("print_system_config")), Send(ackAPDU())}
		if t.cfg&cfgECRPrintsAdmin != 0 {
			s = append(s, t.print(0x03, t.configLines())...)
		}
		return append(s, Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck)), nil
	}
	return []Step{Send(nackAPDU(rcNotPossible))}, nil
}

func (t *Terminal) tlvFor(r request) bool { return t.tlv || r.fields.Has(zvt.BMPTLV) }

func (t *Terminal) interm() bool { return t.cfg&cfgIntermediate != 0 }

func (t *Terminal) intermediate(code byte) []Step {
	if !t.interm() {
		return nil
	}
	return []Step{Send(apdu(zvt.CmdIntermediate, []byte{code})), Expect(zvt.CmdAck)}
}

func (t *Terminal) registration(r request) []Step {
	steps := []Step{Delay(t.latency("registration"))}
	if len(r.data) >= 6 {
		cc := bcdString(r.data[4:6])
		if n, _ := strconv.Atoi(cc); n != t.sc.Currency {
			return append(steps, Send(ackAPDU()), Send(apdu(zvt.CmdAbortPT, []byte{rcWrongCurrency})), Expect(zvt.CmdAck))
		}
	}
	t.cfg = r.data[3]
	if l, ok := r.fields.TLV(); ok {
		t.tlv = true
		t.textBlocks = false
		for _, o := range l.All(zvt.TagZVTCommand) {
			if len(o.Value) == 2 && o.Value[0] == 0x06 && o.Value[1] == 0xD3 {
				t.textBlocks = true
			}
		}
	}
	var f zvt.Fields
	st := byte(0)
	if t.status == 0x51 || t.device != terminal.DeviceReady {
		st |= 0x01 // initialisation needed
	}
	f.SetByte(zvt.BMPStatusByte, st)
	f.SetDigits(zvt.BMPTID, t.sc.Identity.TID)
	f.SetCurrency(t.sc.Currency)
	// The PT confirms the permitted-commands list it accepted (V4 answer:
	// 06 06 26 04 0A 02 06 D3).
	if l, ok := r.fields.TLV(); ok {
		if o, ok := l.Find(zvt.TagPermittedCmds); ok {
			f.SetTLV(zvt.TLVList{o})
		}
	}
	return append(steps, Send(ackAPDU()), Send(bmpAPDU(zvt.CmdCompletion, nil, f)), Expect(zvt.CmdAck))
}

// statusEnquiry answers in the V6 shape (research/zvt.md §5):
// 06 0F [<SW version LLLVAR>] <status> [06 TLV 1F44, E4{1F40..1F43}, 34].
func (t *Terminal) statusEnquiry(r request) []Step {
	svc, _ := r.fields.ServiceByte()
	var data []byte
	if svc&0x02 == 0 {
		sw := t.text(t.sc.Identity.SoftwareVersion)
		if len(sw) > 999 {
			sw = sw[:999]
		}
		n := len(sw)
		data = append(data, 0xF0|byte(n/100), 0xF0|byte(n/10%10), 0xF0|byte(n%10))
		data = append(data, sw...)
	}
	data = append(data, t.status)
	if t.tlvFor(r) || svc&0x04 != 0 {
		now := t.now()
		tid, _ := packBCD(t.sc.Identity.TID)
		date, _ := packBCD(now.Format("20060102"))
		clock, _ := packBCD(now.Format("150405"))
		l := zvt.TLVList{
			zvt.NewTLV(zvt.TagTID, tid),
			zvt.NewConstructed(zvt.TagDeviceInfo,
				zvt.NewTLV(zvt.TagDeviceName, t.text(t.sc.Identity.Model)),
				zvt.NewTLV(zvt.TagSoftwareVersion, t.text(t.sc.Identity.SoftwareVersion)),
				zvt.NewTLV(zvt.TagSerialNumber, serialBytes(t.sc.Identity.Serial)),
				zvt.NewTLV(zvt.TagDeviceState, []byte{byte(t.device)}),
			),
			zvt.NewConstructed(zvt.TagDateTime,
				zvt.NewTLV(zvt.TagDate, date),
				zvt.NewTLV(zvt.TagTime, clock),
			),
		}
		var f zvt.Fields
		f.SetTLV(l)
		if d, err := zvt.AppendBMPs(data, f); err == nil {
			data = d
		}
	}
	return []Step{Delay(t.latency("status_enquiry")), Send(ackAPDU()), Send(apdu(zvt.CmdCompletion, data)), Expect(zvt.CmdAck)}
}

// serialBytes is TLV 1F42: 4 bytes binary big-endian when the serial is a
// number that fits (Feig, research/zvt.md §5 V6), otherwise its ASCII text.
func serialBytes(s string) []byte {
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return []byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
	}
	return []byte(s)
}

func packBCD(digits string) ([]byte, error) {
	if len(digits)%2 == 1 {
		digits = "0" + digits
	}
	out := make([]byte, len(digits)/2)
	for i := 0; i < len(digits); i += 2 {
		h, l := digits[i]-'0', digits[i+1]-'0'
		if h > 9 || l > 9 {
			return nil, fmt.Errorf("not digits: %q", digits)
		}
		out[i/2] = h<<4 | l
	}
	return out, nil
}

// maskedPAN keeps the first 6 and last 4 digits; the rest travel as E
// nibbles, as terminals send them in status information (V7).
func maskedPAN(pan string) string {
	b := []byte(pan)
	for i := range b {
		if i >= 6 && i < len(b)-4 {
			b[i] = '*'
		}
	}
	return string(b)
}

// expired reports whether a YYMM expiry is before the terminal's month.
func expired(yymm string, now time.Time) bool {
	if len(yymm) != 4 {
		return false
	}
	y, _ := strconv.Atoi(yymm[:2])
	m, _ := strconv.Atoi(yymm[2:])
	cur := (now.Year()%100)*100 + int(now.Month())
	return y*100+m < cur
}

// hostAnswer is the decision for one payment.
type hostAnswer struct {
	hostCode string
	rc       byte
	text     string
	delay    time.Duration
	line     int
}

func (h hostAnswer) approved() bool { return h.rc == rcOK && (h.hostCode == "" || h.hostCode == "00") }

// answerFor picks the host's answer for a payment of amount with card c.
func (t *Terminal) answerFor(c *Card, amount int64) hostAnswer {
	for i := range t.sc.Host {
		h := &t.sc.Host[i]
		if h.Card != "" && h.Card != c.Name {
			continue
		}
		if !inRange(amount, h.AmountMin, h.AmountMax) {
			continue
		}
		if h.DeviceState != nil && *h.DeviceState != t.device {
			continue
		}
		if h.Times > 0 && t.ruleUsed[i] >= h.Times {
			continue
		}
		t.ruleUsed[i]++
		a := hostAnswer{hostCode: h.HostCode, text: h.Text, delay: h.Delay, line: h.line}
		switch {
		case h.ZVT != nil:
			a.rc = *h.ZVT
		default:
			a.rc = zvtCodeFor(h.HostCode)
		}
		return a
	}
	return hostAnswer{hostCode: "00", rc: rcOK}
}

// zvtCodeFor maps a host code onto BMP 27 (BRIEF "Host response codes on the
// ZVT wire"): numeric NN → byte NN, anything else → FF (see TLV 13).
func zvtCodeFor(host string) byte {
	if n, err := strconv.Atoi(host); err == nil && n >= 0 && n <= 99 {
		return byte(n)
	}
	return rcSystemError
}

// resultTLV is TLV 13 (host code, ASCII) and 1F17 (text).
func (t *Terminal) resultTLV(hostCode, text string) zvt.TLVList {
	var l zvt.TLVList
	if hostCode != "" {
		l = append(l, zvt.NewTLV(zvt.TagExtraResult, []byte(hostCode)))
	}
	if text != "" {
		l = append(l, zvt.NewTLV(zvt.TagExtErrorText, t.text(text)))
	}
	return l
}

// addResult puts host code and text into f: TLV when the ECR allows it,
// else the text in BMP 3C.
func (t *Terminal) addResult(f *zvt.Fields, useTLV bool, hostCode, text string, extra ...zvt.TLV) {
	if useTLV {
		l := append(t.resultTLV(hostCode, text), extra...)
		if len(l) > 0 {
			f.SetTLV(l)
		}
		return
	}
	if text != "" {
		f.Set(zvt.BMPText, t.text(text))
	}
}

func techByte(tech terminal.Technology) byte {
	switch tech {
	case terminal.TechStripe:
		return 0
	case terminal.TechContactless:
		return 2
	}
	return 1
}

// presentCard is how every card payment (command: its latency name) starts:
// the PT acknowledges and asks for the card, which the scenario picks by
// the amount. A nil card means the answer ends with steps: no amount
// (nobody types one at a simulated PT: it times out) or the silent-after-ack
// fault (accepted, then nothing is booked and the ECR's T4 runs out).
func (t *Terminal) presentCard(r request, command string) ([]Step, int64, *Card) {
	steps := []Step{Delay(t.latency(command)), Send(ackAPDU())}
	amount, ok := r.fields.Amount()
	if !ok {
		return append(steps, Send(apdu(zvt.CmdAbortPT, []byte{rcAbort})), Expect(zvt.CmdAck)), 0, nil
	}
	if t.faults.silentAfterAck {
		return append(steps, Quirk(FaultSilentAfterAck)), 0, nil
	}
	return append(steps, t.intermediate(isInsertCard)...), amount, t.sc.cardFor(amount)
}

// authorization answers Authorization 06 01 as the scenario's card and host
// would.
func (t *Terminal) authorization(r request) ([]Step, *Txn) {
	useTLV := t.tlvFor(r)
	steps, amount, card := t.presentCard(r, "authorization")
	if card == nil {
		return steps, nil
	}
	t.trace++
	trace := t.trace
	now := t.now()

	var ans hostAnswer
	switch {
	case !card.Readable:
		ans = hostAnswer{rc: card.ReadError, text: zvt.ResultCodeText(card.ReadError)}
	case expired(card.Expiry, now):
		ans = hostAnswer{rc: rcExpired, text: "card expired"}
	default:
		steps = append(steps, t.intermediate(isWatchPIN)...)
		if card.PINTries == 0 {
			ans = hostAnswer{hostCode: "75", rc: 75, text: "PIN try limit exceeded"}
			break
		}
		steps = append(steps, t.intermediate(isWaitingHost)...)
		ans = t.answerFor(card, amount)
		steps = append(steps, Step{Op: opDelay, D: t.latency("host") + ans.delay, Line: ans.line})
	}

	var f zvt.Fields
	f.SetByte(zvt.BMPResultCode, ans.rc)
	f.SetAmount(amount)
	f.SetCurrency(t.sc.Currency)
	f.SetUint(zvt.BMPTrace, uint64(trace))
	f.Set(zvt.BMPTime, mustBCD(now.Format("150405")))
	f.Set(zvt.BMPDate, mustBCD(now.Format("0102")))
	if card.Readable {
		t.setCard(&f, card, t.panOnWire(card.PAN))
	}
	f.SetDigits(zvt.BMPTID, t.sc.Identity.TID)
	txn := &Txn{Trace: trace, Amount: amount, HostCode: ans.hostCode, Result: ans.rc}
	t.journal = append(t.journal, txn)

	if !ans.approved() {
		txn.State = StateDeclined
		t.addResult(&f, useTLV, ans.hostCode, ans.text)
		si := bmpAPDU(zvt.CmdStatusInfo, nil, f)
		txn.statusInfo = si
		t.last = txn
		var ab zvt.Fields
		t.addResult(&ab, useTLV, ans.hostCode, ans.text)
		steps = append(steps, Step{Op: opSend, APDU: si, Line: ans.line}, Expect(zvt.CmdAck),
			Send(bmpAPDU(zvt.CmdAbortPT, []byte{ans.rc}, ab)), Expect(zvt.CmdAck))
		return steps, nil
	}

	t.receipt++
	txn.Receipt = t.receipt
	txn.State = statePending
	f.SetUint(zvt.BMPReceipt, uint64(txn.Receipt))
	if card.CardType != 0xFF {
		f.SetByte(zvt.BMPCardType, card.CardType)
	}
	if card.CardName != "" {
		f.Set(zvt.BMPCardName, append(t.text(card.CardName), 0))
	}
	f.Set(zvt.BMPAuthCode, []byte(fmt.Sprintf("%06d  ", 100000+trace%900000)))
	f.SetByte(zvt.BMPStatusByte, 0x60) // payment type: online
	t.addResult(&f, useTLV, "00", "", zvt.NewTLV(zvt.TagTechnology, []byte{techByte(card.Technology)}))
	si := bmpAPDU(zvt.CmdStatusInfo, nil, f)
	txn.statusInfo = si
	t.last = txn

	reverse := func(got []byte, err error) []Step {
		t.autoReverse(txn)
		if err != nil {
			return nil
		}
		return append(t.intermediate(isAutoReversal), Send(apdu(zvt.CmdAbortPT, []byte{rcAbort})), Expect(zvt.CmdAck))
	}
	steps = append(steps, Send(si), Step{Op: opExpect, Cmd: zvt.CmdAck, OnFail: reverse})
	if t.faults.vendorInterm && t.interm() {
		steps = append(steps, Quirk(FaultVendorIntermediate), Send(apdu(zvt.CmdIntermediate, []byte{isIngenicoDone})),
			Step{Op: opExpect, Cmd: zvt.CmdAck, OnFail: reverse})
	}
	if t.cfg&cfgECRPrintsPayment != 0 {
		for _, s := range t.print(0x01, t.receiptLines(txn, card, now, "APPROVED")) {
			if s.Op == opExpect {
				s.OnFail = reverse
			}
			steps = append(steps, s)
		}
	}
	steps = append(steps, do("payment final", func() { t.finalise(txn) }))
	if t.faults.loseCompletion {
		return append(steps, Quirk(FaultLoseCompletion), Drop()), txn
	}
	return append(steps, Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck)), txn
}

// mustBCD packs digits the simulator produced itself (dates, validated
// expiry); anything else packs as zeros.
func mustBCD(digits string) []byte {
	b, err := packBCD(digits)
	if err != nil {
		return make([]byte, (len(digits)+1)/2)
	}
	return b
}

// finalise makes a pending payment approved: the ECR acknowledged it.
func (t *Terminal) finalise(x *Txn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if x.State == statePending {
		x.State = StateApproved
	}
}

// autoReverse undoes a payment the ECR did not acknowledge (spec §2.2.8).
func (t *Terminal) autoReverse(x *Txn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if x.State == statePending {
		x.State = StateAutoReversed
	}
}

func (t *Terminal) reversal(r request) []Step {
	useTLV := t.tlvFor(r)
	steps := []Step{Delay(t.latency("reversal")), Send(ackAPDU())}
	fail := func(rc byte, text string) []Step {
		var ab zvt.Fields
		t.addResult(&ab, useTLV, "", text)
		if t.faults.vendorInterm && t.interm() {
			steps = append(steps, Quirk(FaultVendorIntermediate), Send(apdu(zvt.CmdIntermediate, []byte{isIngenicoNoRev})), Expect(zvt.CmdAck))
		}
		return append(steps, Send(bmpAPDU(zvt.CmdAbortPT, []byte{rc}, ab)), Expect(zvt.CmdAck))
	}
	rcpt, ok := r.fields.Receipt()
	if !ok {
		return fail(rcRevNotPossib, "receipt number missing")
	}
	x := t.findReceipt(rcpt)
	switch {
	case x == nil:
		return fail(rcRevNotPossib, "no transaction with this receipt number")
	case x.State == StateReversed || x.State == StateAutoReversed:
		return fail(rcAlreadyRev, "already reversed")
	case x.Settled || x.State != StateApproved:
		return fail(rcRevNotPossib, "reversal not possible")
	}
	if amt, ok := r.fields.Amount(); ok && amt != x.Amount {
		return fail(rcRevNotPossib, "amount does not match the original")
	}
	steps = append(steps, t.intermediate(isWaitingHost)...)
	steps = append(steps, Delay(t.latency("host")))
	t.trace++
	now := t.now()
	var f zvt.Fields
	f.SetByte(zvt.BMPResultCode, rcOK)
	f.SetAmount(x.Amount)
	f.SetCurrency(t.sc.Currency)
	f.SetUint(zvt.BMPTrace, uint64(t.trace))
	f.SetUint(zvt.BMPOriginalTrace, uint64(x.Trace))
	f.SetUint(zvt.BMPReceipt, uint64(x.Receipt))
	f.Set(zvt.BMPTime, mustBCD(now.Format("150405")))
	f.Set(zvt.BMPDate, mustBCD(now.Format("0102")))
	f.SetDigits(zvt.BMPTID, t.sc.Identity.TID)
	t.addResult(&f, useTLV, "00", "")
	si := bmpAPDU(zvt.CmdStatusInfo, nil, f)
	last := &Txn{Receipt: x.Receipt, Trace: t.trace, Amount: x.Amount, State: StateReversed, statusInfo: si}
	// The reversal is booked once the host answered, just before the PT
	// reports it: a connection lost before that (after the 80 00, or at an
	// intermediate status) leaves the payment approved, so the console has
	// to find out and reverse again rather than being let off by a journal
	// that says "reversed" for a reversal that never ran.
	book := do("reversal booked", func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		x.State = StateReversed
		t.last = last
	})
	steps = append(steps, book, Send(si), Expect(zvt.CmdAck))
	if t.faults.vendorInterm && t.interm() {
		steps = append(steps, Quirk(FaultVendorIntermediate), Send(apdu(zvt.CmdIntermediate, []byte{isIngenicoRev})), Expect(zvt.CmdAck))
	}
	if t.cfg&cfgECRPrintsPayment != 0 {
		steps = append(steps, t.print(0x01, []string{t.sc.Identity.Model, "REVERSAL", fmt.Sprintf("RECEIPT %04d", x.Receipt), "REVERSED"})...)
	}
	return append(steps, Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck))
}

// readCard answers Read Card 06 C0: the card is presented after the
// card's PresentAfter (bounded by the timeout the ECR sent: past it the PT
// gives up with 06 1E 6C); an Abort 06 B0 from the ECR ends the wait the
// same way. The answer is a 04 0F with no Completion.
func (t *Terminal) readCard(r request) []Step {
	useTLV := t.tlvFor(r)
	steps := []Step{Delay(t.latency("read_card")), Send(ackAPDU())}
	steps = append(steps, t.intermediate(isInsertCard)...)
	card := &t.sc.Cards[0]
	abort := []Step{Send(apdu(zvt.CmdAbortPT, []byte{rcAbort})), Expect(zvt.CmdAck)}
	if wait := card.PresentAfter; wait > 0 {
		var ecr time.Duration // the ECR's timeout, 0 = none
		if len(r.data) > 0 {
			ecr = time.Duration(r.data[0]) * time.Second
		}
		timedOut := ecr > 0 && wait > ecr
		if timedOut {
			wait = ecr
		}
		steps = append(steps, WaitCard(wait, func([]byte, error) []Step {
			return append([]Step{Send(ackAPDU())}, abort...) // 80 00 to the Abort, then 06 1E 6C
		}))
		if timedOut {
			return append(steps, abort...)
		}
	}
	if !card.Readable {
		var ab zvt.Fields
		t.addResult(&ab, useTLV, "", zvt.ResultCodeText(card.ReadError))
		return append(steps, Send(bmpAPDU(zvt.CmdAbortPT, []byte{card.ReadError}, ab)), Expect(zvt.CmdAck))
	}
	var f zvt.Fields
	f.SetByte(zvt.BMPResultCode, rcOK)
	// The full PAN goes on the wire, as terminals that do not mask send it
	// (research/zvt.md §3 Read Card reality); the console must mask it.
	t.setCard(&f, card, card.PAN)
	if card.CardType != 0xFF {
		f.SetByte(zvt.BMPCardType, card.CardType)
	}
	if card.CardName != "" && !card.Track2Only {
		f.Set(zvt.BMPCardName, append(t.text(card.CardName), 0))
	}
	if useTLV {
		l := zvt.TLVList{zvt.NewTLV(zvt.TagTechnology, []byte{techByte(card.Technology)})}
		if aid, err := zvt.ParseHex(card.AID); err == nil && len(aid) > 0 {
			l = append(l, zvt.NewConstructed(0x62, zvt.NewConstructed(0x60, zvt.NewTLV(zvt.TagAID, aid))))
		}
		f.SetTLV(l)
	}
	// Read Card has no Completion: its 04 0F hands master rights back.
	return append(steps, Send(bmpAPDU(zvt.CmdStatusInfo, nil, f)), Expect(zvt.CmdAck))
}

// setCard puts the card on the wire: BMP 22 PAN (pan as given: full or
// masked) and 0E expiry, or, for a track-2-only terminal (Feig, V11), BMP
// 23 track 2 alone: PAN D YYMM service code 201, discretionary data, F pad.
func (t *Terminal) setCard(f *zvt.Fields, card *Card, pan string) {
	if !card.Track2Only {
		f.Set(zvt.BMPExpiry, mustBCD(card.Expiry))
		f.SetDigits(zvt.BMPPAN, pan)
		return
	}
	f.Set(zvt.BMPTrack2, track2BCD(card.PAN, card.Expiry))
}

// track2BCD packs PAN D YYMM 201 0000000000 as BCD nibbles (D = 0xD),
// F-padded to whole bytes.
func track2BCD(pan, yymm string) []byte {
	nib := make([]byte, 0, len(pan)+18)
	for _, c := range pan + "D" + yymm + "2010000000000" {
		if c == 'D' {
			nib = append(nib, 0xD)
		} else {
			nib = append(nib, byte(c-'0'))
		}
	}
	if len(nib)%2 == 1 {
		nib = append(nib, 0xF)
	}
	out := make([]byte, len(nib)/2)
	for i := range out {
		out[i] = nib[2*i]<<4 | nib[2*i+1]
	}
	return out
}

// refund answers Refund 06 31: money back to the card the cardholder
// presents, booked at once (no host decline is simulated for refunds).
func (t *Terminal) refund(r request) ([]Step, *Txn) {
	useTLV := t.tlvFor(r)
	steps, amount, card := t.presentCard(r, "refund")
	if card == nil {
		return steps, nil
	}
	now := t.now()
	fail := func(rc byte, text string) ([]Step, *Txn) {
		var ab zvt.Fields
		t.addResult(&ab, useTLV, "", text)
		return append(steps, Send(bmpAPDU(zvt.CmdAbortPT, []byte{rc}, ab)), Expect(zvt.CmdAck)), nil
	}
	switch {
	case !card.Readable:
		return fail(card.ReadError, zvt.ResultCodeText(card.ReadError))
	case expired(card.Expiry, now):
		return fail(rcExpired, "card expired")
	}
	steps = append(steps, t.intermediate(isWaitingHost)...)
	steps = append(steps, Delay(t.latency("host")))
	t.trace++
	t.receipt++
	txn := &Txn{Trace: t.trace, Receipt: t.receipt, Amount: amount, HostCode: "00", State: StateRefunded}
	t.journal = append(t.journal, txn)
	var f zvt.Fields
	f.SetByte(zvt.BMPResultCode, rcOK)
	f.SetAmount(amount)
	f.SetCurrency(t.sc.Currency)
	f.SetUint(zvt.BMPTrace, uint64(txn.Trace))
	f.SetUint(zvt.BMPReceipt, uint64(txn.Receipt))
	f.Set(zvt.BMPTime, mustBCD(now.Format("150405")))
	f.Set(zvt.BMPDate, mustBCD(now.Format("0102")))
	t.setCard(&f, card, t.panOnWire(card.PAN))
	f.SetDigits(zvt.BMPTID, t.sc.Identity.TID)
	t.addResult(&f, useTLV, "00", "")
	txn.statusInfo = bmpAPDU(zvt.CmdStatusInfo, nil, f)
	t.last = txn
	steps = append(steps, Send(txn.statusInfo), Expect(zvt.CmdAck))
	if t.cfg&cfgECRPrintsPayment != 0 {
		steps = append(steps, t.print(0x01, []string{t.sc.Identity.Model, "REFUND", fmt.Sprintf("RECEIPT %04d", txn.Receipt), "APPROVED"})...)
	}
	return append(steps, Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck)), nil
}

func (t *Terminal) diagnosis(r request) []Step {
	useTLV := t.tlvFor(r)
	steps := []Step{Send(ackAPDU())}
	steps = append(steps, t.intermediate(isWaitingHost)...)
	steps = append(steps, Delay(t.latency("diagnosis")))
	d := t.sc.Diagnosis
	if d.Result != rcOK {
		var ab zvt.Fields
		t.addResult(&ab, useTLV, d.HostCode, d.Text)
		return append(steps, Send(bmpAPDU(zvt.CmdAbortPT, []byte{d.Result}, ab)), Expect(zvt.CmdAck))
	}
	now := t.now()
	var f zvt.Fields
	f.Set(zvt.BMPDateYYMMDD, mustBCD(now.Format("060102")))
	f.Set(zvt.BMPTime, mustBCD(now.Format("150405")))
	steps = append(steps, Send(bmpAPDU(zvt.CmdSetTimeECR, nil, f)), Expect(zvt.CmdAck))
	if t.cfg&cfgECRPrintsAdmin != 0 {
		steps = append(steps, t.print(0x03, []string{t.sc.Identity.Model, "DIAGNOSIS", "TID " + t.sc.Identity.TID, orText(d.Text, "host OK")})...)
	}
	return append(steps, Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck))
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (t *Terminal) initialisation(r request) []Step {
	useTLV := t.tlvFor(r)
	steps := []Step{Delay(t.latency("initialisation")), Send(ackAPDU())}
	steps = append(steps, t.intermediate(isPleaseWait)...)
	o := t.sc.Initialisation
	if o.Result != rcOK {
		var ab zvt.Fields
		t.addResult(&ab, useTLV, o.HostCode, o.Text)
		return append(steps, Send(bmpAPDU(zvt.CmdAbortPT, []byte{o.Result}, ab)), Expect(zvt.CmdAck))
	}
	// New keys: the terminal is ready from now on, on every connection.
	t.device = terminal.DeviceReady
	if t.status == 0x51 {
		t.status = 0x00
	}
	if t.cfg&cfgECRPrintsAdmin != 0 {
		steps = append(steps, t.print(0x03, []string{t.sc.Identity.Model, "INITIALISATION", "TID " + t.sc.Identity.TID, "OK"})...)
	}
	return append(steps, Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck))
}

func (t *Terminal) repeatReceipt(r request) []Step {
	useTLV := t.tlvFor(r)
	svc, _ := r.fields.ServiceByte()
	steps := []Step{Delay(t.latency("repeat_receipt")), Send(ackAPDU())}
	if t.last == nil {
		var ab zvt.Fields
		t.addResult(&ab, useTLV, "", "no receipt to repeat")
		return append(steps, Send(bmpAPDU(zvt.CmdAbortPT, []byte{rcNotPossible}, ab)), Expect(zvt.CmdAck))
	}
	if svc&0x01 != 0 || t.cfg&cfgECRPrintsPayment == 0 {
		steps = append(steps, Send(t.last.statusInfo), Expect(zvt.CmdAck))
	}
	if svc&0x02 == 0 && t.cfg&cfgECRPrintsPayment != 0 {
		steps = append(steps, t.print(0x01, []string{t.sc.Identity.Model, "COPY", fmt.Sprintf("RECEIPT %04d", t.last.Receipt), strings.ToUpper(t.last.State)})...)
	}
	return append(steps, Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck))
}

func (t *Terminal) endOfDay(r request) []Step {
	steps := []Step{Delay(t.latency("end_of_day")), Send(ackAPDU())}
	var total int64
	for _, x := range t.journal {
		if x.State == StateApproved && !x.Settled {
			total += x.Amount
			x.Settled = true
		}
	}
	t.trace++
	now := t.now()
	var f zvt.Fields
	f.SetByte(zvt.BMPResultCode, rcOK)
	f.SetAmount(total)
	f.SetUint(zvt.BMPTrace, uint64(t.trace))
	f.Set(zvt.BMPTime, mustBCD(now.Format("150405")))
	f.Set(zvt.BMPDate, mustBCD(now.Format("0102")))
	steps = append(steps, Send(bmpAPDU(zvt.CmdStatusInfo, nil, f)), Expect(zvt.CmdAck))
	return append(steps, Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck))
}

func (t *Terminal) setDateTime(r request) []Step {
	d, ok1 := r.fields.Get(zvt.BMPDateYYMMDD)
	c, ok2 := r.fields.Get(zvt.BMPTime)
	if !ok1 || !ok2 {
		return []Step{Send(nackAPDU(rcNotPossible))}
	}
	nt, err := time.ParseInLocation("060102150405", bcdString(d.Value)+bcdString(c.Value), t.now().Location())
	if err != nil {
		return []Step{Send(nackAPDU(rcNotPossible))}
	}
	t.offset += nt.Sub(t.now())
	return []Step{Delay(t.latency("set_date_time")), Send(ackAPDU()), Send(apdu(zvt.CmdCompletion, nil)), Expect(zvt.CmdAck)}
}

// print sends lines the way the ECR asked for: text blocks 06 D3 when it
// listed 06 D3 in TLV 26, else print lines 06 D1 (config byte 0x80).
// receiptType is TLV 1F07: 01 merchant, 02 customer, 03 admin.
func (t *Terminal) print(receiptType byte, lines []string) []Step {
	if t.textBlocks && t.tlv {
		var objs zvt.TLVList
		for _, ln := range lines {
			objs = append(objs, zvt.NewTLV(zvt.TagTextLine, t.text(ln)))
		}
		objs = append(objs, zvt.NewTLV(zvt.TagAttribute, []byte{0xFF}))
		var f zvt.Fields
		f.SetTLV(zvt.TLVList{zvt.NewTLV(zvt.TagReceiptType, []byte{receiptType}), zvt.NewConstructed(zvt.TagPrintTexts, objs...)})
		return []Step{Send(bmpAPDU(zvt.CmdPrintTextBlock, nil, f)), Expect(zvt.CmdAck)}
	}
	if t.cfg&cfgECRPrintType == 0 {
		return nil // the ECR builds its receipt from the 04 0F
	}
	var steps []Step
	if t.faults.tlvInPrint {
		steps = append(steps, Quirk(FaultTLVInPrint))
	}
	for i, ln := range lines {
		attr := byte(0x00)
		if i == len(lines)-1 {
			attr = 0x81 // last line
		}
		data := append([]byte{attr}, t.text(ln)...)
		if t.faults.tlvInPrint {
			// card complete appends the receipt type inside the text (V13).
			data = append(data, 0x06, 0x04, 0x1F, 0x07, 0x01, receiptType)
		}
		steps = append(steps, Send(apdu(zvt.CmdPrintLine, data)), Expect(zvt.CmdAck))
	}
	return steps
}

func (t *Terminal) receiptLines(x *Txn, c *Card, now time.Time, verdict string) []string {
	head := t.sc.Identity.Model
	if t.faults.iso88591 {
		head = "** HÄNDLERBELEG **"
	}
	return []string{
		head,
		"TID " + t.sc.Identity.TID,
		c.CardName + " " + t.panOnReceipt(c.PAN),
		fmt.Sprintf("AMOUNT %d.%02d", x.Amount/100, x.Amount%100),
		fmt.Sprintf("TRACE %06d  RECEIPT %04d", x.Trace, x.Receipt),
		now.Format("2006-01-02 15:04:05"),
		verdict,
	}
}

// panOnWire is the PAN as BMP 22 carries it: masked, unless the full-pan
// fault plays a misconfigured terminal.
func (t *Terminal) panOnWire(pan string) string {
	if t.faults.fullPAN {
		return pan
	}
	return maskedPAN(pan)
}

// panOnReceipt is the PAN as the receipt prints it (see panOnWire).
func (t *Terminal) panOnReceipt(pan string) string {
	if t.faults.fullPAN {
		return pan
	}
	return terminal.NewPAN(pan).String()
}

func (t *Terminal) configLines() []string {
	id := t.sc.Identity
	return []string{"SYSTEM CONFIGURATION", "MODEL " + id.Model, "SW " + id.SoftwareVersion, "TID " + id.TID, "SERIAL " + id.Serial}
}
