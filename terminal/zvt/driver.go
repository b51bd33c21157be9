package zvt

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
)

// DriverOptions tunes [NewDriver]. Zero values take the defaults.
type DriverOptions struct {
	// Password is the terminal's 6-digit ZVT password (default "000000").
	Password string
	// Currency is the ISO 4217 number for Registration and payments
	// (default 978, EUR).
	Currency int
	Charset  Charset
	T3, T4   time.Duration
	// Config is the Registration config byte (default 0x8C: the PT sends
	// intermediate status 08, admin receipts go to the ECR 04 and arrive as
	// print lines 80, so a Diagnosis printout becomes HostCheck.Lines).
	Config byte
	// Info describes the connection for terminal.Driver.Info.
	Info terminal.Info
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// DefaultConfig is the Registration config byte the driver sends.
const DefaultConfig = ConfigIntermediateStatus | ConfigECRPrintsAdmin | ConfigECRPrintType

// Driver is the ZVT implementation of terminal.Driver (ECR side). Use it
// from one goroutine at a time.
type Driver struct {
	s    *Session
	opts DriverOptions
}

var _ terminal.Driver = (*Driver)(nil)

// NewDriver returns a terminal.Driver speaking ZVT over t. It does not
// register: call Register first, as terminals expect (research/zvt.md §3).
// The result is a *Driver.
func NewDriver(t Transport, opts DriverOptions) terminal.Driver {
	if opts.Password == "" {
		opts.Password = "000000"
	}
	if opts.Currency == 0 {
		opts.Currency = 978
	}
	if opts.Config == 0 {
		opts.Config = DefaultConfig
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Info.Protocol == "" {
		opts.Info.Protocol = "zvt"
	}
	return &Driver{
		s:    NewSession(t, SessionOptions{T3: opts.T3, T4: opts.T4, Charset: opts.Charset, Now: opts.Now}),
		opts: opts,
	}
}

// Session returns the driver's session, for commands the Driver interface
// does not cover (End-of-Day, Print System Configuration, Set Date/Time).
func (d *Driver) Session() *Session { return d.s }

// SetObserver sets the function that receives events as they arrive.
func (d *Driver) SetObserver(fn func(terminal.Event)) { d.s.SetObserver(fn) }

// Notice passes a link-level notice (reconnect, NAK) to the observer.
func (d *Driver) Notice(text string) { d.s.Notice(text) }

// Info describes the connection.
func (d *Driver) Info() terminal.Info { return d.opts.Info }

// Close sends Log-Off (06 02), which has no Completion, and closes the link.
func (d *Driver) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), min(d.s.opts.T3, 2*time.Second))
	defer cancel()
	_, _ = d.s.Run(ctx, &LogOff{})
	return d.s.Close()
}

// Register sends Registration with TLV support (an empty BMP 06) and the
// config byte asking for intermediate status.
func (d *Driver) Register(ctx context.Context) (terminal.Registration, error) {
	m := &Registration{Password: d.opts.Password, Config: d.opts.Config, Currency: d.opts.Currency}
	m.Fields.SetTLV(TLVList{})
	out, err := d.s.Run(ctx, m)
	var reg terminal.Registration
	if err != nil {
		return reg, err
	}
	switch {
	case out.Completion != nil:
		f := out.Completion.Fields
		reg.StatusByte, _ = f.StatusByte()
		reg.TID, _ = out.Completion.TID()
		reg.Currency, _ = f.Currency()
	case out.Abort != nil:
		reg.Result = d.result(out)
	}
	return reg, nil
}

// Status sends Status Enquiry asking for the software version and TLV, and
// maps the status-form Completion (research/zvt.md §5 V6).
func (d *Driver) Status(ctx context.Context) (terminal.Status, error) {
	m := &StatusEnquiry{Password: d.opts.Password}
	m.Fields.SetByte(BMPServiceByte, ServiceSendTLV)
	out, err := d.s.Run(ctx, m)
	st := terminal.Status{DeviceState: terminal.DeviceUnknown}
	if err != nil {
		return st, err
	}
	c := out.Completion
	if c == nil {
		if out.Abort != nil {
			return st, &terminal.Error{Op: "status", Kind: terminal.KindRejected, Code: out.Abort.ResultCode,
				Err: fmt.Errorf("the terminal aborted the status enquiry: %s", ResultCodeText(out.Abort.ResultCode))}
		}
		return st, &terminal.Error{Op: "status", Kind: terminal.KindProtocol, Err: errors.New("no completion")}
	}
	cs := d.opts.Charset
	st.Code = c.TerminalStatus
	st.Text = TerminalStatusText(c.TerminalStatus)
	st.SoftwareVersion = strings.TrimSpace(c.SoftwareVersion(cs))
	st.TID, _ = c.TID()
	if v, ok := c.Fields.TLVValue(TagDeviceName); ok {
		st.Model = strings.TrimRight(cs.DecodeText(v), "\x00 ")
	}
	if v, ok := c.Fields.TLVValue(TagSerialNumber); ok {
		st.Serial = serialText(v, cs)
	}
	if v, ok := c.Fields.TLVValue(TagDeviceState); ok && len(v) == 1 && v[0] <= 3 {
		st.DeviceState = terminal.DeviceState(v[0])
	} else if c.TerminalStatus == 0x51 {
		st.DeviceState = terminal.DeviceNeedsInit
	}
	date, okD := c.Fields.TLVValue(TagDate)
	clock, okT := c.Fields.TLVValue(TagTime)
	if okD && okT {
		if t, err := time.ParseInLocation("20060102150405", digitString(date)+digitString(clock), time.Local); err == nil {
			st.Time = t
		}
	}
	return st, nil
}

// serialText reads TLV 1F42: 4 bytes binary (Feig, research/zvt.md §5 V6)
// or text.
func serialText(v []byte, cs Charset) string {
	if printableASCII(v) {
		return string(v)
	}
	if len(v) == 4 {
		return strconv.FormatUint(uint64(v[0])<<24|uint64(v[1])<<16|uint64(v[2])<<8|uint64(v[3]), 10)
	}
	return strings.TrimRight(cs.DecodeText(v), "\x00 ")
}

// Diagnose sends Diagnosis (default type, extended); the host check passed
// when it completes, and the PT's 04 01 carries the host's clock.
func (d *Driver) Diagnose(ctx context.Context) (terminal.HostCheck, error) {
	out, err := d.s.Run(ctx, NewDiagnosis(0))
	var hc terminal.HostCheck
	hc.Lines = out.Lines
	if err != nil {
		return hc, err
	}
	hc.Result = d.result(out)
	if out.SetTime != nil {
		if t, ok := out.SetTime.Time(time.Local); ok {
			hc.Time = t
		}
	}
	return hc, nil
}

// ReadCard sends Read Card with timeout (seconds, at most 255) and, once the
// PT returned the card data, Abort 06 B0 to release the card.
func (d *Driver) ReadCard(ctx context.Context, timeout time.Duration) (terminal.Card, error) {
	secs := int(timeout / time.Second)
	if secs < 1 {
		secs = 1
	}
	if secs > 255 {
		secs = 255
	}
	m := &ReadCard{HasTimeout: true, Timeout: byte(secs)}
	t4 := max(d.s.opts.T4, time.Duration(secs)*time.Second+d.s.opts.T3)
	out, err := d.s.run(ctx, m, t4)
	var card terminal.Card
	if err != nil {
		return card, err
	}
	if si := out.LastStatus(); si != nil {
		f := si.Fields
		c := CardOf(f) // BMP 22 and 0E, or track 2 / 1, or EMV 5A / 57
		card.PAN, card.Expiry = c.PAN, c.Expiry
		card.Name = cardName(f, d.opts.Charset)
		card.Technology = technology(f)
	}
	card.Result = d.result(out)
	if out.Abort == nil {
		// Release the card (it stays in until 06 B0, research/zvt.md §3).
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*d.s.opts.T3)
		if _, aerr := d.s.Run(actx, &AbortECR{}); aerr != nil {
			d.s.Notice("abort after read card: " + aerr.Error())
		}
		cancel()
	}
	return card, nil
}

// panOf returns the card's masked PAN: BMP 22, else track 2 or 1, else
// EMV 5A / 57 ([CardOf]).
func panOf(f Fields) terminal.PAN { return CardOf(f).PAN }

// cardName is BMP 8B, else the name of the first application id the card
// offered (TLV 43: "girocard", "Maestro"), so a terminal that sends only
// track 2 and its application list still names the card.
func cardName(f Fields, cs Charset) string {
	if n, ok := f.CardName(cs); ok {
		if n = strings.TrimRight(n, "\x00 "); n != "" {
			return n
		}
	}
	if l, ok := f.TLV(); ok {
		if aid, ok := l.Value(TagAID); ok {
			return AIDName(aid)
		}
	}
	return ""
}

func technology(f Fields) terminal.Technology {
	v, ok := f.TLVValue(TagTechnology)
	if !ok || len(v) != 1 {
		return terminal.TechUnknown
	}
	switch v[0] {
	case 0:
		return terminal.TechStripe
	case 1:
		return terminal.TechChip
	case 2:
		return terminal.TechContactless
	}
	return terminal.TechUnknown
}

// Authorize runs a payment (06 01) of amount minor units.
func (d *Driver) Authorize(ctx context.Context, amount int64) (terminal.Payment, error) {
	return d.money(ctx, "authorize", NewAuthorization(amount, d.opts.Currency), amount)
}

// Reverse cancels the payment with receipt number receipt (06 30).
func (d *Driver) Reverse(ctx context.Context, receipt int, amount int64) (terminal.Payment, error) {
	return d.money(ctx, "reverse", NewReversal(d.opts.Password, receipt, amount), amount)
}

// RepeatReceipt asks for the last transaction's 04 0F again without
// printing (service byte 03), the resync tool after a lost outcome.
func (d *Driver) RepeatReceipt(ctx context.Context) (terminal.Payment, error) {
	m := &RepeatReceipt{Password: d.opts.Password}
	m.Fields.SetByte(BMPServiceByte, 0x03)
	out, err := d.s.Run(ctx, m)
	p := d.payment(out, 0)
	if err != nil {
		return p, err
	}
	return p, nil
}

// Initialise runs the terminal's initialisation with the host (06 93).
func (d *Driver) Initialise(ctx context.Context) (terminal.Result, error) {
	out, err := d.s.Run(ctx, &Initialisation{Password: d.opts.Password})
	if err != nil {
		return terminal.Result{}, err
	}
	return d.result(out), nil
}

// Abort sends Abort 06 B0 (ECR master): it ends a card prompt or releases a
// card left in the reader.
func (d *Driver) Abort(ctx context.Context) error {
	_, err := d.s.Run(ctx, &AbortECR{})
	return err
}

// money runs a command that moves money and applies the outcome-unknown
// rule: once the PT may have acted on it, a missing Completion/Abort is
// KindOutcomeUnknown, never a plain failure.
func (d *Driver) money(ctx context.Context, op string, m ECRMessage, amount int64) (terminal.Payment, error) {
	out, err := d.s.Run(ctx, m)
	p := d.payment(out, amount)
	if err == nil {
		return p, nil
	}
	var te *terminal.Error
	if !errors.As(err, &te) {
		te = &terminal.Error{Kind: terminal.KindLink, Err: err}
	}
	te.Op = op
	switch {
	case te.Kind == terminal.KindRejected:
		p.Result.Code = te.Code
	case out.Abort != nil && out.Canceled:
		// We aborted and the PT confirmed: nothing was paid.
	case out.MaybeDelivered && out.Completion == nil && out.Abort == nil:
		return p, &terminal.Error{Op: op, Kind: terminal.KindOutcomeUnknown, Accepted: te.Accepted, Wait: te.Wait, Dropped: te.Dropped,
			Err: fmt.Errorf("the terminal accepted the command but its outcome was not heard (%v): run a Repeat Receipt or check the terminal's journal before trying again", te.Err)}
	}
	return p, te
}

// payment maps what the PT said about a payment to terminal.Payment.
func (d *Driver) payment(out *Outcome, amount int64) terminal.Payment {
	p := terminal.Payment{Amount: amount, Currency: d.opts.Currency}
	if si := out.LastStatus(); si != nil {
		f := si.Fields
		if a, ok := f.Amount(); ok {
			p.Amount = a
		}
		if c, ok := f.Currency(); ok {
			p.Currency = c
		}
		p.Receipt, _ = f.Receipt()
		p.Trace, _ = f.Trace()
		p.PAN = panOf(f)
		p.CardName, _ = f.CardName(d.opts.Charset)
		p.CardName = strings.TrimRight(p.CardName, "\x00 ")
		p.Technology = technology(f)
		p.AuthCode, _ = f.AuthCode()
		p.Time = d.txTime(f)
	}
	p.Result = d.result(out)
	p.Approved = out.Completion != nil && out.Abort == nil && p.Result.Code == 0
	return p
}

// txTime reads BMP 0D (MMDD) and 0C (HHMMSS), taking the year from the
// clock (the year before when the date would be in the future).
func (d *Driver) txTime(f Fields) time.Time {
	md, ok1 := f.Digits(BMPDate)
	hms, ok2 := f.Digits(BMPTime)
	if !ok1 || !ok2 || len(md) != 4 || len(hms) != 6 {
		return time.Time{}
	}
	now := d.opts.Now()
	t, err := time.ParseInLocation("2006"+"0102150405", strconv.Itoa(now.Year())+md+hms, now.Location())
	if err != nil {
		return time.Time{}
	}
	if t.After(now.Add(24 * time.Hour)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t
}

// result applies the host-code rules of the team contract ("Host response
// codes on the ZVT wire"): Code is the ZVT result code (BMP 27 of the last
// 04 0F, else the 06 1E code); HostCode is TLV 13, else BMP 27 01–63 as two
// decimal digits; Text is TLV 1F17, else BMP 3C, else (for a non-zero code)
// the last intermediate status text.
func (d *Driver) result(out *Outcome) terminal.Result {
	var r terminal.Result
	var lists []Fields
	if si := out.LastStatus(); si != nil {
		lists = append(lists, si.Fields)
	}
	if out.Abort != nil {
		lists = append(lists, out.Abort.Fields)
	}
	haveCode := false
	if si := out.LastStatus(); si != nil {
		if c, ok := si.Fields.ResultCode(); ok {
			r.Code, haveCode = c, true
		}
	}
	if !haveCode && out.Abort != nil {
		r.Code = out.Abort.ResultCode
	}
	for _, f := range lists {
		if v, ok := f.TLVValue(TagExtraResult); ok && r.HostCode == "" {
			r.HostCode = strings.TrimSpace(string(v))
		}
	}
	if r.HostCode == "" && r.Code >= 0x01 && r.Code <= 0x63 {
		r.HostCode = fmt.Sprintf("%02d", r.Code)
	}
	cs := d.opts.Charset
	for _, f := range lists {
		if v, ok := f.TLVValue(TagExtErrorText); ok && r.Text == "" {
			r.Text = strings.TrimRight(cs.DecodeText(v), "\x00 ")
		}
	}
	for _, f := range lists {
		if t, ok := f.Text(BMPText, cs); ok && r.Text == "" {
			r.Text = t
		}
	}
	if r.Text == "" && r.Code != 0 {
		// Only for a failure: after success the last prompt is usually
		// "waiting for FEP response", which would mislead.
		r.Text = out.LastPromptText(cs)
	}
	r.Text = terminal.ScrubString(r.Text) // the terminal's or host's words
	return r
}

// EndOfDay closes the batch (06 50). Not part of terminal.Driver.
func (d *Driver) EndOfDay(ctx context.Context) (terminal.Result, error) {
	out, err := d.s.Run(ctx, &EndOfDay{Password: d.opts.Password})
	if err != nil {
		return terminal.Result{}, err
	}
	return d.result(out), nil
}

// PrintSystemConfig asks the PT for its configuration printout (06 1A) and
// returns the printed lines (they arrive as print lines with the default
// config byte). Not part of terminal.Driver.
func (d *Driver) PrintSystemConfig(ctx context.Context) ([]string, terminal.Result, error) {
	out, err := d.s.Run(ctx, &PrintSystemConfig{})
	if err != nil {
		return out.Lines, terminal.Result{}, err
	}
	return out.Lines, d.result(out), nil
}

// SetDateTime sets the PT's clock (06 91). Not part of terminal.Driver.
func (d *Driver) SetDateTime(ctx context.Context, t time.Time) (terminal.Result, error) {
	out, err := d.s.Run(ctx, NewSetDateTime(d.opts.Password, t))
	if err != nil {
		return terminal.Result{}, err
	}
	return d.result(out), nil
}
