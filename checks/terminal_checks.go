package checks

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal"
)

// Fact keys the diagnosis engine reads from CheckEvidence.Facts (BRIEF
// section C). Checks put exactly these keys there.
const (
	FactDeviceState          = "device_state"
	FactStatusCode           = "status_code"
	FactVersionBelowBaseline = "version_below_baseline"
	FactSoftwareVersion      = "software_version"
	FactHostReachable        = "host_reachable"
	FactCardExpired          = "card_expired"
	FactCardReadable         = "card_readable"
	FactTechnology           = "technology"
	FactHostCode             = "host_code"
	FactZVTResult            = "zvt_result"
	FactKnownGoodCard        = "known_good_card"
)

// FactKeys lists the fact keys in a fixed order.
var FactKeys = []string{
	FactDeviceState, FactStatusCode, FactVersionBelowBaseline, FactSoftwareVersion,
	FactHostReachable, FactCardExpired, FactCardReadable, FactTechnology,
	FactHostCode, FactZVTResult, FactKnownGoodCard,
}

func sprint(v any) string { return fmt.Sprint(v) }

func hex2(b byte) string { return fmt.Sprintf("%02X", b) }

func boolStr(b bool) string { return strconv.FormatBool(b) }

// describeErr says in plain words what went wrong with a terminal command.
func describeErr(op string, err error, timeout time.Duration) string {
	var te *terminal.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) && !errors.As(err, &te):
		return fmt.Sprintf("%s: no answer within %s", op, timeout)
	case errors.Is(err, terminal.ErrNotProtocol):
		return op + ": this is not a ZVT terminal on this port (check the port and the terminal's ECR interface setting)"
	case errors.Is(err, terminal.ErrNoAnswer):
		return fmt.Sprintf("%s: the terminal did not answer (%s)", op, ScrubString(err.Error()))
	case errors.Is(err, terminal.ErrRejected) && errors.As(err, &te):
		return fmt.Sprintf("%s: the terminal refused the command with code %02X", op, te.Code)
	case errors.Is(err, terminal.ErrCanceled):
		return op + ": canceled"
	}
	return op + ": " + ScrubString(err.Error())
}

// errStatus is the status of a check whose terminal command failed: the
// check could not run (error), unless the terminal refused the command.
func errStatus(err error) model.Status {
	if errors.Is(err, terminal.ErrRejected) {
		return model.StatusFail
	}
	return model.StatusError
}

// resultCodes turns a terminal Result into diagnosis codes.
func (r *run) resultCodes(res terminal.Result) []model.Code {
	var out []model.Code
	if res.HostCode != "" && res.HostCode != "00" {
		out = append(out, model.Code{Scheme: r.e.cfg.HostScheme, Value: strings.ToUpper(res.HostCode)})
	}
	if res.Code != 0 {
		out = append(out, model.Code{Scheme: model.SchemeZVT, Value: hex2(res.Code)})
	}
	return out
}

// resultEvidence adds a Result's codes and text to ev.
func resultEvidence(ev map[string]string, res terminal.Result) {
	ev[FactZVTResult] = hex2(res.Code)
	if res.HostCode != "" {
		ev[FactHostCode] = res.HostCode
	}
	if res.Text != "" {
		ev["terminal_text"] = res.Text
	}
}

// resultText is "code 37 (host code 55: text)" for summaries.
func resultText(res terminal.Result) string {
	var b strings.Builder
	if res.HostCode != "" && res.HostCode != "00" {
		fmt.Fprintf(&b, "host code %s", res.HostCode)
	} else {
		fmt.Fprintf(&b, "code %02X", res.Code)
	}
	if res.Text != "" {
		fmt.Fprintf(&b, " (%s)", res.Text)
	}
	return b.String()
}

func (r *run) link(ctx context.Context) Result {
	r.linkRan = true
	t := r.e.cfg.Timeouts.Command
	cctx, cancel := r.cmdCtx(ctx, t)
	defer cancel()
	start := r.e.now()
	reg, err := r.e.d.Register(cctx)
	ev := map[string]string{"link": r.e.d.Info().Link, "protocol": r.e.d.Info().Protocol}
	if err != nil {
		r.linkErr = err
		if canceled(ctx, err) {
			r.abort(ctx)
		}
		return Result{Status: model.StatusError, Summary: describeErr("registration", err, t) + linkHint(err), Evidence: ev}
	}
	ev["latency_ms"] = strconv.FormatInt(r.e.now().Sub(start).Milliseconds(), 10)
	if reg.TID != "" {
		ev["tid"] = reg.TID
	}
	if reg.Currency != 0 {
		ev["currency"] = strconv.Itoa(reg.Currency)
	}
	ev["registration_status"] = hex2(reg.StatusByte)
	if reg.Result.Code != 0 {
		resultEvidence(ev, reg.Result)
		r.linkErr = fmt.Errorf("registration refused with code %02X", reg.Result.Code)
		return Result{Status: model.StatusError, Evidence: ev, Codes: r.resultCodes(reg.Result),
			Summary: fmt.Sprintf("the terminal refused registration with %s: check the terminal password (password in the config file or POSDOCTOR_PASSWORD) and that the ECR interface (ZVT) is switched on at the terminal", resultText(reg.Result))}
	}
	sum := "registered"
	if reg.TID != "" {
		sum += ", TID " + reg.TID
	}
	st := model.StatusOK
	switch {
	case reg.StatusByte&0x01 != 0:
		st, sum = model.StatusWarn, sum+"; the terminal says it needs initialisation"
	case reg.StatusByte&0x02 != 0:
		st, sum = model.StatusWarn, sum+"; the terminal says it needs a diagnosis"
	}
	return Result{Status: st, Summary: sum, Evidence: ev}
}

func linkHint(err error) string {
	switch {
	case errors.Is(err, terminal.ErrRejected):
		return ": check the terminal password (password in the config file or POSDOCTOR_PASSWORD) and that the ECR interface (ZVT) is switched on at the terminal"
	case errors.Is(err, terminal.ErrNoAnswer), errors.Is(err, context.DeadlineExceeded):
		return ": check the cable or address and that the terminal's ECR interface is on"
	}
	return ""
}

// statusSeverity is how a terminal status byte (research/zvt.md §4.3) rates.
func statusSeverity(code byte) model.Status {
	switch code {
	case 0x00:
		return model.StatusOK
	case 0x51, 0xDF, 0xE2, 0xC0, 0xC1, 0xC2, 0xC4, 0xE4, 0xB1, 0xB2:
		return model.StatusFail
	}
	return model.StatusWarn
}

// noteErr remembers that a command failed: the link may have dropped and
// been reopened, so the next command registers again first.
func (r *run) noteErr(err error) error {
	if err != nil {
		r.needReg = true
	}
	return err
}

// ready registers before the first terminal command when the link check is
// not part of the run, and again after an earlier command failed (a
// reconnected link is a new session for many terminals).
func (r *run) ready(ctx context.Context) error {
	if !r.needReg {
		return nil
	}
	cctx, cancel := r.cmdCtx(ctx, r.e.cfg.Timeouts.Command)
	defer cancel()
	r.e.progress(r.e.current(), "registering at the terminal")
	reg, err := r.e.d.Register(cctx)
	if err == nil && reg.Result.Code != 0 {
		err = fmt.Errorf("registration refused with code %02X", reg.Result.Code)
	}
	if err != nil {
		return fmt.Errorf("could not register at the terminal: %w", err)
	}
	r.needReg = false
	return nil
}

func (r *run) fetchStatus(ctx context.Context) (terminal.Status, error) {
	if s, ok := r.e.knownIdentity(); ok && r.haveStatus {
		return s, nil
	}
	if err := r.ready(ctx); err != nil {
		return terminal.Status{}, err
	}
	cctx, cancel := r.cmdCtx(ctx, r.e.cfg.Timeouts.Command)
	defer cancel()
	s, err := r.e.d.Status(cctx)
	if err != nil {
		return s, r.noteErr(err)
	}
	s.TID, s.Model, s.Serial = ScrubString(s.TID), ScrubString(s.Model), ScrubString(s.Serial)
	r.e.setIdentity(s)
	r.haveStatus = true
	id := s
	r.e.publish(Event{Kind: IdentityKnown, Identity: &id})
	_ = r.e.j.Record(Entry{Kind: EntryIdentity, Target: r.opts.Target, Name: r.opts.Name, TID: s.TID, Identity: &id})
	return s, nil
}

func (r *run) status(ctx context.Context) Result {
	t := r.e.cfg.Timeouts.Command
	s, err := r.fetchStatus(ctx)
	if err != nil {
		if canceled(ctx, err) {
			r.abort(ctx)
		}
		return Result{Status: errStatus(err), Summary: describeErr("status enquiry", err, t)}
	}
	ev := map[string]string{
		FactDeviceState: s.DeviceState.String(),
		FactStatusCode:  hex2(s.Code),
	}
	if s.SoftwareVersion != "" {
		ev[FactSoftwareVersion] = s.SoftwareVersion
	}
	for k, v := range map[string]string{"tid": s.TID, "model": s.Model, "serial": s.Serial, "status_text": s.Text} {
		if v != "" {
			ev[k] = v
		}
	}
	var codes []model.Code
	st := statusSeverity(s.Code)
	var notes []string
	if s.Code != 0 {
		codes = append(codes, model.Code{Scheme: model.SchemeZVTStatus, Value: hex2(s.Code)})
		txt := s.Text
		if txt == "" {
			txt = "status " + hex2(s.Code)
		}
		notes = append(notes, fmt.Sprintf("terminal status %02X %s", s.Code, txt))
	}
	switch s.DeviceState {
	case terminal.DeviceReady, terminal.DeviceUnknown:
	default:
		st = model.StatusFail
		notes = append(notes, "device state "+s.DeviceState.String())
	}
	if !s.Time.IsZero() {
		ev["terminal_time"] = s.Time.Format(time.RFC3339)
		skew := s.Time.Sub(r.e.now())
		ev["clock_skew_s"] = strconv.FormatInt(int64(skew.Round(time.Second)/time.Second), 10)
		if abs(skew) > r.e.cfg.Timeouts.ClockSkew {
			st = worse(st, model.StatusWarn)
			notes = append(notes, fmt.Sprintf("terminal clock is %s off the laptop's", abs(skew).Round(time.Second)))
		}
	}
	sum := "ready"
	if s.TID != "" {
		sum += ", TID " + s.TID
	}
	if len(notes) > 0 {
		sum = strings.Join(notes, "; ")
		if s.TID != "" {
			sum += " (TID " + s.TID + ")"
		}
	}
	return Result{Status: st, Summary: sum, Evidence: ev, Codes: codes}
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// rank orders statuses for worse(): ok < skip < warn < error < fail.
var rank = map[model.Status]int{model.StatusOK: 0, model.StatusSkip: 1, model.StatusWarn: 2, model.StatusError: 3, model.StatusFail: 4}

func worse(a, b model.Status) model.Status {
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func (r *run) version(ctx context.Context) Result {
	s, err := r.fetchStatus(ctx)
	if err != nil {
		if canceled(ctx, err) {
			r.abort(ctx)
		}
		return Result{Status: model.StatusError, Summary: describeErr("status enquiry", err, r.e.cfg.Timeouts.Command)}
	}
	ev := map[string]string{}
	if s.Model != "" {
		ev["model"] = s.Model
	}
	if s.SoftwareVersion == "" {
		return Result{Status: model.StatusWarn, Summary: "the terminal did not report its software version", Evidence: ev}
	}
	ev[FactSoftwareVersion] = s.SoftwareVersion
	have, ok := parseVersion(s.SoftwareVersion)
	if !ok {
		return Result{Status: model.StatusWarn, Summary: fmt.Sprintf("software version %q has no version number to compare", s.SoftwareVersion), Evidence: ev}
	}
	b, ok := matchBaseline(r.e.cfg.Baselines, s.Model)
	if !ok {
		m := s.Model
		if m == "" {
			m = "unknown model"
		}
		return Result{Status: model.StatusWarn, Evidence: ev,
			Summary: fmt.Sprintf("software %s on %s: no baseline for this model (add one under baselines in the config)", s.SoftwareVersion, m)}
	}
	want, _ := parseVersion(b.MinVersion)
	ev["baseline"] = b.MinVersion
	ev["baseline_model"] = b.Model
	if compareVersions(have, want) < 0 {
		ev[FactVersionBelowBaseline] = "true"
		return Result{Status: model.StatusFail, Evidence: ev,
			Summary: fmt.Sprintf("software %s is older than the minimum %s for %s: update the terminal software", s.SoftwareVersion, b.MinVersion, modelName(s.Model))}
	}
	ev[FactVersionBelowBaseline] = "false"
	return Result{Status: model.StatusOK, Evidence: ev,
		Summary: fmt.Sprintf("software %s (minimum %s)", s.SoftwareVersion, b.MinVersion)}
}

func modelName(m string) string {
	if m == "" {
		return "this model"
	}
	return m
}

// commFailure are ZVT result codes meaning the terminal could not reach the
// host (research/zvt.md §4.1).
var commFailure = map[byte]bool{0x7D: true, 0x9B: true, 0xA0: true, 0xA1: true, 0xA3: true, 0x6C: true}

func (r *run) network(ctx context.Context) Result {
	ev := map[string]string{}
	var codes []model.Code
	st := model.StatusOK
	var notes []string
	if r.linkErr == nil {
		t := r.e.cfg.Timeouts.Command
		r.e.progress(model.CheckNetwork, "terminal is checking its host connection")
		start := r.e.now()
		var hc terminal.HostCheck
		err := r.ready(ctx)
		if err == nil {
			cctx, cancel := r.cmdCtx(ctx, t)
			hc, err = r.e.d.Diagnose(cctx)
			cancel()
			r.noteErr(err)
		}
		lat := r.e.now().Sub(start)
		switch {
		case err != nil:
			if canceled(ctx, err) {
				r.abort(ctx)
			}
			st = errStatus(err)
			notes = append(notes, describeErr("terminal diagnosis", err, t))
		case hc.Result.OK():
			ev[FactHostReachable] = "true"
			ev["host_latency_ms"] = strconv.FormatInt(lat.Milliseconds(), 10)
			ev[FactZVTResult] = "00"
			notes = append(notes, fmt.Sprintf("terminal reached its host in %s", lat.Round(time.Millisecond)))
			if lat > r.e.cfg.Timeouts.SlowHost {
				st = model.StatusWarn
				notes[len(notes)-1] += fmt.Sprintf(" (slow: above %s)", r.e.cfg.Timeouts.SlowHost)
			}
		default:
			resultEvidence(ev, hc.Result)
			codes = r.resultCodes(hc.Result)
			st = model.StatusFail
			ev["host_latency_ms"] = strconv.FormatInt(lat.Milliseconds(), 10)
			if hc.Result.HostCode != "" && hc.Result.HostCode != "00" {
				ev[FactHostReachable] = "true"
				notes = append(notes, "the host answered the terminal's diagnosis with "+resultText(hc.Result))
			} else {
				if commFailure[hc.Result.Code] {
					ev[FactHostReachable] = "false"
				}
				notes = append(notes, "the terminal could not complete its host diagnosis: "+resultText(hc.Result))
			}
		}
	} else {
		notes = append(notes, "terminal diagnosis skipped: no link")
		st = model.StatusSkip
	}
	if r.probes != nil {
		var ps []ProbeResult
		select {
		case ps = <-r.probes:
		case <-ctx.Done():
		}
		pst, pnote := probeEvidence(ev, ps)
		if st == model.StatusSkip {
			st = model.StatusOK
		}
		st = worse(st, pst)
		if pnote != "" {
			notes = append(notes, pnote)
		}
	}
	return Result{Status: st, Summary: strings.Join(notes, "; "), Evidence: ev, Codes: codes}
}

func (r *run) reader(ctx context.Context) Result {
	t := r.e.cfg.Timeouts.Card
	if err := r.ready(ctx); err != nil {
		return Result{Status: model.StatusError, Summary: err.Error()}
	}
	r.e.progress(model.CheckReader, fmt.Sprintf("present a card at the terminal (within %s)", t))
	cctx, cancel := r.cmdCtx(ctx, t+r.e.cfg.Timeouts.Command)
	card, err := r.e.d.ReadCard(cctx, t)
	cancel()
	r.noteErr(err)
	if err != nil {
		// The driver releases the card when the read completes; after a
		// failure the prompt may still be up, so remove it.
		defer r.abort(ctx)
	}
	ev := map[string]string{}
	if r.opts.KnownGoodCard {
		ev[FactKnownGoodCard] = "true"
	}
	if err != nil {
		if errors.Is(err, terminal.ErrNoAnswer) || errors.Is(err, context.DeadlineExceeded) {
			return Result{Status: model.StatusError, Evidence: ev, Summary: fmt.Sprintf("no card was read within %s: present the card when the terminal asks, then run again", t)}
		}
		return Result{Status: errStatus(err), Evidence: ev, Summary: describeErr("read card", err, t)}
	}
	resultEvidence(ev, card.Result)
	if !card.PAN.IsZero() {
		ev["pan"] = card.PAN.String()
	}
	if card.Technology != terminal.TechUnknown {
		ev[FactTechnology] = string(card.Technology)
	}
	if card.Name != "" {
		ev["card_name"] = card.Name
	}
	if card.Expiry != "" {
		ev["expiry"] = card.Expiry
	}
	codes := r.resultCodes(card.Result)
	switch card.Result.Code {
	case 0:
	case 0x6C:
		return Result{Status: model.StatusError, Evidence: ev, Summary: "the card prompt timed out or was aborted at the terminal: present the card, then run again"}
	case 0x78:
		ev[FactCardExpired] = "true"
		ev[FactCardReadable] = "true"
		return Result{Status: model.StatusFail, Evidence: ev, Codes: codes, Summary: "the card is expired (" + resultText(card.Result) + ")"}
	default:
		ev[FactCardReadable] = "false"
		return Result{Status: model.StatusFail, Evidence: ev, Codes: codes, Summary: "the terminal could not read the card: " + resultText(card.Result)}
	}
	ev[FactCardReadable] = "true"
	expired := expiredAt(card.Expiry, r.e.now())
	ev[FactCardExpired] = boolStr(expired)
	desc := strings.TrimSpace(fmt.Sprintf("%s card %s", card.Technology, card.PAN))
	if len(card.Expiry) == 4 {
		desc += ", expires " + card.Expiry[2:] + "/" + card.Expiry[:2]
	}
	if expired {
		return Result{Status: model.StatusFail, Evidence: ev, Codes: codes, Summary: "the card is expired: " + desc}
	}
	return Result{Status: model.StatusOK, Evidence: ev, Codes: codes, Summary: "read " + desc}
}

// expiredAt reports whether a YYMM expiry is before now's month.
func expiredAt(yymm string, now time.Time) bool {
	if len(yymm) != 4 {
		return false
	}
	yy, err1 := strconv.Atoi(yymm[:2])
	mm, err2 := strconv.Atoi(yymm[2:])
	if err1 != nil || err2 != nil || mm < 1 || mm > 12 {
		return false
	}
	y, m, _ := now.Date()
	yy += 2000
	return yy < y || yy == y && mm < int(m)
}
