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

// EvidenceHostLatencyMS is the network check's evidence key for how long
// the terminal's own host check took, in milliseconds (the exporter's
// posdoctor_host_latency_seconds reads it).
const EvidenceHostLatencyMS = "host_latency_ms"

// setFact records fact f in a check's evidence: the keys the diagnosis
// reads are model's ([model.Facts]), never spelled here.
func setFact(ev map[string]string, f model.Fact, v string) { ev[string(f)] = v }

func hex2(b byte) string { return fmt.Sprintf("%02X", b) }

func boolStr(b bool) string { return strconv.FormatBool(b) }

// Terminal commands, as describeErr names them.
var (
	opRegistration  = tx("registration", "连接终端")
	opStatus        = tx("status enquiry", "状态查询")
	opDiagnosis     = tx("terminal diagnosis", "终端诊断")
	opReadCard      = tx("read card", "读卡")
	opAuthorization = tx("authorization", "授权")
)

// describeErr says in plain words what went wrong with a terminal command.
// The driver's own error text stays as it is (English) in both languages.
func describeErr(op model.Text, err error, timeout time.Duration) model.Text {
	var te *terminal.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) && !errors.As(err, &te):
		return model.Text{En: fmt.Sprintf("%s: no answer within %s", op.En, secs(timeout, "s")), Zh: fmt.Sprintf("%s：%s内没有应答", op.Zh, secs(timeout, " 秒"))}
	case errors.Is(err, terminal.ErrNotProtocol):
		return cat(op, tx(": this is not a ZVT terminal on this port (check the port and the terminal's ECR interface setting)",
			"：这个端口上不是 ZVT 终端（请检查端口，以及终端的收银机接口设置）"))
	case terminal.SilenceOf(err) != terminal.SilenceNone:
		t, _ := silenceText(op, err)
		return t
	case errors.Is(err, terminal.ErrNoAnswer):
		return model.Text{En: fmt.Sprintf("%s: the terminal did not answer within %s", op.En, secs(timeout, "s")), Zh: fmt.Sprintf("%s：终端在 %s内没有应答", op.Zh, secs(timeout, " 秒"))}
	case errors.Is(err, terminal.ErrRejected) && errors.As(err, &te):
		return model.Text{En: fmt.Sprintf("%s: the terminal refused the command with code %02X", op.En, te.Code),
			Zh: fmt.Sprintf("%s：终端拒绝了该命令，代码 %02X", op.Zh, te.Code)}
	case errors.Is(err, terminal.ErrCanceled):
		return cat(op, tx(": canceled", "：已取消"))
	case errors.Is(err, terminal.ErrLink) && errors.As(err, &te):
		// The link's own words (EOF, connection reset) go to the journal
		// and --debug; the user reads what it means.
		return cat(op, tx(": the connection to the terminal broke", "：与终端的连接断开了"))
	}
	return cat(op, tx(": ", "："), same(ScrubString(err.Error())))
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
	setFact(ev, model.FactZVTResult, hex2(res.Code))
	if res.HostCode != "" {
		setFact(ev, model.FactHostCode, res.HostCode)
	}
	if res.Text != "" {
		ev["terminal_text"] = res.Text
	}
}

// resultText is "host code 55 (text)" or "code 6C (text)" for summaries.
func resultText(res terminal.Result) string { return resultTexts(res).En }

// resultTexts is resultText in both languages; the terminal's text stays as
// the terminal sent it.
func resultTexts(res terminal.Result) model.Text {
	var t model.Text
	if res.HostCode != "" && res.HostCode != "00" {
		t = txf("host code %s", "主机返回码 %s", res.HostCode)
	} else {
		t = txf("code %02X", "结果码 %02X", res.Code)
	}
	if res.Text != "" {
		zh := res.Text
		if res.HostCode != "" && res.HostCode != "00" {
			zh = kbDisplay(model.SchemeUnionPay, res.HostCode, res.Text)
		} else {
			zh = kbDisplay(model.SchemeZVT, hex2(res.Code), res.Text)
		}
		t = cat(t, model.Text{En: fmt.Sprintf(" (%s)", res.Text), Zh: fmt.Sprintf("（%s）", zh)})
	}
	return t
}

func (r *run) link(ctx context.Context) Result {
	r.linkRan = true
	t := r.e.cfg.Timeouts.Command
	cctx, cancel := r.cmdCtx(ctx, t)
	defer cancel()
	reg, took, err := r.register(cctx)
	ev := map[string]string{"link": r.e.d.Info().Link, "protocol": r.e.d.Info().Protocol}
	if err != nil {
		r.linkErr = err
		if canceled(ctx) {
			r.abort(ctx)
		}
		silenceEvidence(ev, err)
		if refusedNotPossible(err) && r.refusesAll(cctx) {
			setFact(ev, model.FactRefusedAll, "true")
			return Result{Status: model.StatusError, Text: cat(opRegistration, tx(": ", "："), refusedAllText), Evidence: ev}
		}
		return Result{Status: model.StatusError, Text: cat(describeErr(opRegistration, err, t), linkHint(err)), Evidence: ev}
	}
	ev["latency_ms"] = strconv.FormatInt(took.Milliseconds(), 10)
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
		rt := resultTexts(reg.Result)
		return Result{Status: model.StatusError, Evidence: ev, Codes: r.resultCodes(reg.Result),
			Text: model.Text{
				En: fmt.Sprintf("the terminal refused registration with %s: check the terminal password (password in the config file or POSDOCTOR_PASSWORD) and that the ECR interface (ZVT) is switched on at the terminal", rt.En),
				Zh: fmt.Sprintf("终端拒绝连接登记，%s：请检查终端密码（配置文件中的 password 或 POSDOCTOR_PASSWORD），并确认终端已打开收银机接口（ZVT）", rt.Zh),
			}}
	}
	sum := tx("registered", "已连接终端")
	if reg.TID != "" {
		sum = cat(sum, txf(", TID %s", "，终端号 %s", reg.TID))
	}
	st := model.StatusOK
	switch {
	case reg.StatusByte&0x01 != 0:
		st, sum = model.StatusWarn, cat(sum, tx("; the terminal says it needs initialisation", "；终端提示需要初始化"))
	case reg.StatusByte&0x02 != 0:
		st, sum = model.StatusWarn, cat(sum, tx("; the terminal says it needs a diagnosis", "；终端提示需要诊断"))
	}
	return Result{Status: st, Text: sum, Evidence: ev}
}

func linkHint(err error) model.Text {
	switch {
	case errors.Is(err, terminal.ErrRejected):
		return tx(": check the terminal password (password in the config file or POSDOCTOR_PASSWORD) and that the ECR interface (ZVT) is switched on at the terminal",
			"：请检查终端密码（配置文件中的 password 或 POSDOCTOR_PASSWORD），并确认终端已打开收银机接口（ZVT）")
	case errors.Is(err, terminal.ErrNoAnswer), errors.Is(err, context.DeadlineExceeded):
		return tx("; check the cable or address, the port, and that the terminal's ECR interface is on",
			"；请检查连接线或地址、端口，并确认终端已打开收银机接口")
	}
	return model.Text{}
}

// refusesAll reports whether the terminal, which refused Registration with
// 84 83, refuses a Status Enquiry the same way: then it refuses every
// command (ZVT switched off, or a wrong password), not just this one.
func (r *run) refusesAll(ctx context.Context) bool {
	_, err := r.e.d.Status(ctx)
	return refusedNotPossible(err)
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
	r.e.progress(r.e.current(), tx("registering at the terminal", "正在连接终端"))
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

// register sends the Registration, or takes the answer Connect got just
// before this run (primed), and says how long it took.
func (r *run) register(ctx context.Context) (terminal.Registration, time.Duration, error) {
	if p := r.primed; p != nil && !p.regUsed {
		p.regUsed = true
		return p.reg, p.regTime, p.regErr
	}
	start := r.e.now()
	reg, err := r.e.d.Register(ctx)
	return reg, r.e.now().Sub(start), err
}

func (r *run) fetchStatus(ctx context.Context) (terminal.Status, error) {
	if s, ok := r.e.knownIdentity(); ok && r.haveStatus {
		return s, nil
	}
	var s terminal.Status
	var err error
	if p := r.primed; p != nil && p.haveStatus && !p.statusUsed {
		// Connect asked a moment ago: its answer is this run's.
		p.statusUsed = true
		s = p.status
	} else {
		if err := r.ready(ctx); err != nil {
			return terminal.Status{}, err
		}
		cctx, cancel := r.cmdCtx(ctx, r.e.cfg.Timeouts.Command)
		s, err = r.e.d.Status(cctx)
		cancel()
	}
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
		if canceled(ctx) {
			r.abort(ctx)
		}
		return Result{Status: errStatus(err), Text: describeErr(opStatus, err, t)}
	}
	ev := map[string]string{
		string(model.FactDeviceState): s.DeviceState.String(),
		string(model.FactStatusCode):  hex2(s.Code),
	}
	if s.SoftwareVersion != "" {
		setFact(ev, model.FactSoftwareVersion, s.SoftwareVersion)
	}
	for k, v := range map[string]string{"tid": s.TID, "model": s.Model, "serial": s.Serial, "status_text": s.Text} {
		if v != "" {
			ev[k] = v
		}
	}
	var codes []model.Code
	st := statusSeverity(s.Code)
	var notes []model.Text
	if s.Code != 0 {
		codes = append(codes, model.Code{Scheme: model.SchemeZVTStatus, Value: hex2(s.Code)})
		txt := model.Text{En: s.Text, Zh: kbDisplay(model.SchemeZVTStatus, hex2(s.Code), s.Text)}
		if s.Text == "" && txt.Zh == "" {
			txt = txf("status %s", "状态 %s", hex2(s.Code))
		}
		notes = append(notes, model.Text{En: fmt.Sprintf("terminal status %02X %s", s.Code, txt.En), Zh: fmt.Sprintf("终端状态 %02X %s", s.Code, txt.Zh)})
	}
	switch s.DeviceState {
	case terminal.DeviceReady, terminal.DeviceUnknown:
	default:
		st = model.StatusFail
		notes = append(notes, cat(tx("device state ", "设备状态："), deviceStateText(s.DeviceState)))
	}
	if !s.Time.IsZero() {
		ev["terminal_time"] = s.Time.Format(time.RFC3339)
		skew := s.Time.Sub(r.e.now())
		ev["clock_skew_s"] = strconv.FormatInt(int64(skew.Round(time.Second)/time.Second), 10)
		if abs(skew) > r.e.cfg.Timeouts.ClockSkew {
			st = worse(st, model.StatusWarn)
			notes = append(notes, txf("terminal clock is %s off the laptop's", "终端时钟与本机相差 %s", abs(skew).Round(time.Second)))
		}
	}
	sum := tx("ready", "就绪")
	if s.TID != "" {
		sum = cat(sum, txf(", TID %s", "，终端号 %s", s.TID))
	}
	if len(notes) > 0 {
		sum = joinText(notes)
		if s.TID != "" {
			sum = cat(sum, txf(" (TID %s)", "（终端号 %s）", s.TID))
		}
	}
	return Result{Status: st, Text: sum, Evidence: ev, Codes: codes}
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
		if canceled(ctx) {
			r.abort(ctx)
		}
		return Result{Status: model.StatusError, Text: describeErr(opStatus, err, r.e.cfg.Timeouts.Command)}
	}
	ev := map[string]string{}
	if s.Model != "" {
		ev["model"] = s.Model
	}
	if s.SoftwareVersion == "" {
		return Result{Status: model.StatusWarn, Text: tx("the terminal did not report its software version", "终端没有报告软件版本"), Evidence: ev}
	}
	setFact(ev, model.FactSoftwareVersion, s.SoftwareVersion)
	have, ok := parseVersion(s.SoftwareVersion)
	if !ok {
		return Result{Status: model.StatusWarn, Text: txf("software version %q has no version number to compare", "软件版本 %q 里没有可比较的版本号", s.SoftwareVersion), Evidence: ev}
	}
	b, ok := matchBaseline(r.e.cfg.Baselines, s.Model)
	if !ok {
		m := same(s.Model)
		if s.Model == "" {
			m = tx("unknown model", "未知型号")
		}
		return Result{Status: model.StatusWarn, Evidence: ev, Text: model.Text{
			En: fmt.Sprintf("software %s on %s: no baseline for this model (add one under baselines in the config)", s.SoftwareVersion, m.En),
			Zh: fmt.Sprintf("%s 的软件版本 %s：该型号没有基线版本（请在配置的 baselines 中添加）", m.Zh, s.SoftwareVersion),
		}}
	}
	want, _ := parseVersion(b.MinVersion)
	ev["baseline"] = b.MinVersion
	ev["baseline_model"] = b.Model
	if compareVersions(have, want) < 0 {
		setFact(ev, model.FactVersionBelowBaseline, "true")
		mn := modelName(s.Model)
		return Result{Status: model.StatusFail, Evidence: ev, Text: model.Text{
			En: fmt.Sprintf("software %s is older than the minimum %s for %s: update the terminal software", s.SoftwareVersion, b.MinVersion, mn.En),
			Zh: fmt.Sprintf("软件版本 %s 低于%s的最低版本 %s：请升级终端软件", s.SoftwareVersion, mn.Zh, b.MinVersion),
		}}
	}
	setFact(ev, model.FactVersionBelowBaseline, "false")
	return Result{Status: model.StatusOK, Evidence: ev,
		Text: txf("software %s (minimum %s)", "软件版本 %s（最低 %s）", s.SoftwareVersion, b.MinVersion)}
}

func modelName(m string) model.Text {
	if m == "" {
		return tx("this model", "该型号")
	}
	return model.Text{En: m, Zh: " " + m + " "}
}

// deviceStateText is a device state in words.
func deviceStateText(s terminal.DeviceState) model.Text {
	switch s {
	case terminal.DeviceReady:
		return tx(s.String(), "就绪")
	case terminal.DeviceNeedsInit:
		return tx(s.String(), "需要初始化")
	case terminal.DeviceNoKeys:
		return tx(s.String(), "没有密钥")
	case terminal.DeviceFraud:
		return tx(s.String(), "欺诈锁定")
	}
	return same(s.String())
}

// commFailure are ZVT result codes meaning the terminal could not reach the
// host (research/zvt.md §4.1).
var commFailure = map[byte]bool{0x7D: true, 0x9B: true, 0xA0: true, 0xA1: true, 0xA3: true, 0x6C: true}

func (r *run) network(ctx context.Context) Result {
	ev := map[string]string{}
	var codes []model.Code
	st := model.StatusOK
	var notes []model.Text
	if r.linkErr == nil {
		t := r.e.cfg.Timeouts.Command
		r.e.progress(model.CheckNetwork, tx("terminal is checking its host connection", "终端正在检测与主机的连接"))
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
			if canceled(ctx) {
				r.abort(ctx)
			}
			st = errStatus(err)
			notes = append(notes, describeErr(opDiagnosis, err, t))
		case hc.Result.OK():
			setFact(ev, model.FactHostReachable, "true")
			ev[EvidenceHostLatencyMS] = strconv.FormatInt(lat.Milliseconds(), 10)
			setFact(ev, model.FactZVTResult, "00")
			notes = append(notes, txf("terminal reached its host in %s", "终端连通主机，用时 %s", fmtDuration(lat, 0)))
			if lat > r.e.cfg.Timeouts.SlowHost {
				st = model.StatusWarn
				notes[len(notes)-1] = cat(notes[len(notes)-1], txf(" (slow: above %s)", "（偏慢：超过 %s）", r.e.cfg.Timeouts.SlowHost))
			}
		default:
			resultEvidence(ev, hc.Result)
			codes = r.resultCodes(hc.Result)
			st = model.StatusFail
			ev[EvidenceHostLatencyMS] = strconv.FormatInt(lat.Milliseconds(), 10)
			if hc.Result.HostCode != "" && hc.Result.HostCode != "00" {
				setFact(ev, model.FactHostReachable, "true")
				notes = append(notes, cat(tx("the host answered the terminal's diagnosis with ", "主机回应了终端的诊断："), resultTexts(hc.Result)))
			} else {
				if commFailure[hc.Result.Code] {
					setFact(ev, model.FactHostReachable, "false")
				}
				notes = append(notes, cat(tx("the terminal could not complete its host diagnosis: ", "终端未能完成主机诊断："), resultTexts(hc.Result)))
			}
		}
	} else {
		notes = append(notes, tx("terminal diagnosis skipped: no link", "未做终端诊断：没有连接"))
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
		if pnote.En != "" {
			notes = append(notes, pnote)
		}
	}
	return Result{Status: st, Text: joinText(notes), Evidence: ev, Codes: codes}
}

func (r *run) reader(ctx context.Context) Result {
	t := r.e.cfg.Timeouts.Card
	if err := r.ready(ctx); err != nil {
		return Result{Status: model.StatusError, Text: readyErrText(err)}
	}
	r.e.progress(model.CheckReader, txf("present a card at the terminal (within %s)", "请在终端上插卡、刷卡或挥卡（%s 内）", t))
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
		setFact(ev, model.FactKnownGoodCard, "true")
	}
	if err != nil {
		if errors.Is(err, terminal.ErrNoAnswer) || errors.Is(err, context.DeadlineExceeded) {
			return Result{Status: model.StatusError, Evidence: ev, Text: txf("no card was read within %s: present the card when the terminal asks, then run again",
				"%s 内没有读到卡：请在终端提示时出示卡片，然后重新运行", t)}
		}
		return Result{Status: errStatus(err), Evidence: ev, Text: describeErr(opReadCard, err, t)}
	}
	resultEvidence(ev, card.Result)
	if !card.PAN.IsZero() {
		ev["pan"] = card.PAN.String()
	}
	if card.Technology != terminal.TechUnknown {
		setFact(ev, model.FactTechnology, string(card.Technology))
	}
	if card.Name != "" {
		ev["card_name"] = card.Name
	}
	if card.Expiry != "" {
		setFact(ev, model.FactCardExpiry, card.Expiry)
	}
	codes := r.resultCodes(card.Result)
	switch card.Result.Code {
	case 0:
	case 0x6C:
		return Result{Status: model.StatusError, Evidence: ev, Text: tx("the card prompt timed out or was aborted at the terminal: present the card, then run again",
			"终端上的读卡提示超时或被取消：请出示卡片，然后重新运行")}
	case 0x78:
		setFact(ev, model.FactCardExpired, "true")
		setFact(ev, model.FactCardReadable, "true")
		rt := resultTexts(card.Result)
		return Result{Status: model.StatusFail, Evidence: ev, Codes: codes, Text: model.Text{En: "the card is expired (" + rt.En + ")", Zh: "卡片已过期（" + rt.Zh + "）"}}
	default:
		setFact(ev, model.FactCardReadable, "false")
		return Result{Status: model.StatusFail, Evidence: ev, Codes: codes, Text: cat(tx("the terminal could not read the card: ", "终端读不了这张卡："), resultTexts(card.Result))}
	}
	setFact(ev, model.FactCardReadable, "true")
	expired := expiredAt(card.Expiry, r.e.now())
	setFact(ev, model.FactCardExpired, boolStr(expired))
	desc := model.Text{
		En: strings.TrimSpace(fmt.Sprintf("%s card %s", card.Technology, card.PAN)),
		Zh: strings.TrimSpace(fmt.Sprintf("%s %s", techName(card.Technology), card.PAN)),
	}
	if len(card.Expiry) == 4 {
		mmyy := card.Expiry[2:] + "/" + card.Expiry[:2]
		desc = cat(desc, txf(", expires %s", "，有效期 %s", mmyy))
	}
	if expired {
		return Result{Status: model.StatusFail, Evidence: ev, Codes: codes, Text: cat(tx("the card is expired: ", "卡片已过期："), desc)}
	}
	return Result{Status: model.StatusOK, Evidence: ev, Codes: codes, Text: cat(tx("read ", "读到"), desc)}
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

// techName is "chip card" and the like in Chinese; an unknown technology
// is just "card".
func techName(t terminal.Technology) string {
	switch t {
	case terminal.TechChip:
		return "芯片卡"
	case terminal.TechContactless:
		return "非接卡"
	case terminal.TechStripe:
		return "磁条卡"
	}
	if t == terminal.TechUnknown {
		return "卡"
	}
	return string(t) + " 卡"
}

// readyErrText is the summary of a check that could not register first.
func readyErrText(err error) model.Text {
	e := ScrubString(err.Error())
	return model.Text{En: e, Zh: "无法连接终端：" + strings.TrimPrefix(e, "could not register at the terminal: ")}
}
