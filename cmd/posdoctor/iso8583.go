package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/posdoctor/posdoctor/model"
	"github.com/posdoctor/posdoctor/terminal/iso8583"
)

// The meaning of CUP ISO 8583 messages: the codec (terminal/iso8583) names
// fields, MTIs, EMV tags and bits; the knowledge base says what field 39
// means, the likely causes and who acts. They are joined here, for decode
// --proto iso8583, explain of a whole message and the console's trace view.

// isoTopCauses is how many causes an explanation lists.
const isoTopCauses = 3

// isoCause is one likely cause of a response code.
type isoCause struct {
	ID    string      `json:"id"`
	Title model.Text  `json:"title"`
	Actor model.Actor `json:"actor"`
	Who   model.Text  `json:"who"`
}

// isoExplanation is field 39 explained with the knowledge base.
type isoExplanation struct {
	Code    string          `json:"code"`
	Scheme  model.Scheme    `json:"scheme"`
	Known   bool            `json:"known"`
	Display model.Text      `json:"display,omitzero"`
	Meaning model.Text      `json:"meaning,omitzero"`
	Outcome model.Outcome   `json:"outcome,omitempty"`
	Fix     model.Text      `json:"fix,omitzero"`
	Symptom model.SymptomID `json:"symptom,omitempty"`
	// SymptomTitle names the symptom the code (or a refused sign-in) points to.
	SymptomTitle model.Text `json:"symptom_title,omitzero"`
	Causes       []isoCause `json:"causes"`
	// Note says why a refused sign-in points to the keys.
	Note model.Text `json:"note,omitzero"`
}

// isoSignInNote is why a refused sign-in answer is read as a key problem.
var isoSignInNote = model.Text{
	Zh: "签到应答（0810）未成功：终端未拿到新的工作密钥，先查密钥与签到。",
	En: "A refused sign-in answer (0810): the terminal got no new working keys; look at keys and sign-in first.",
}

// isoInput is the diagnosis input of a message with field 39: the code, and
// for a refused sign-in the sign-in symptom, which ranks the keys first.
func isoInput(m *iso8583.Message) (model.Input, bool) {
	if !m.Has(39) || !iso8583.IsAnswer(m.MTI) {
		return model.Input{}, false
	}
	code := strings.ToUpper(strings.TrimSpace(m.Text(39)))
	in := model.Input{Codes: []model.Code{{Scheme: model.SchemeUnionPay, Value: code}}}
	if isoSignInRefused(m) {
		in.Symptom = model.SignInFailure
	}
	return in, true
}

func isoSignInRefused(m *iso8583.Message) bool {
	return (m.MTI == "0810" || m.MTI == "0830") && strings.ToUpper(m.Text(39)) != "00"
}

// explainISO explains field 39 of an answer (nil for a request or an answer
// without one; a 0400's field 39 is a reversal reason, named by the codec).
func explainISO(kb *model.KB, m *iso8583.Message) *isoExplanation {
	in, ok := isoInput(m)
	if !ok {
		return nil
	}
	code := in.Codes[0].Value
	x := &isoExplanation{Code: code, Scheme: model.SchemeUnionPay, Causes: []isoCause{}}
	if c, ok := kb.LookupCode(model.SchemeUnionPay, code); ok {
		x.Known, x.Display, x.Meaning, x.Outcome, x.Symptom = true, c.Display, c.Meaning, c.Outcome, c.Symptom
		x.Fix, _ = model.LabelText(model.KindFixHint, string(c.Fix))
	}
	if x.Outcome == model.OutcomeApproved && !isoSignInRefused(m) {
		return x
	}
	d := kb.Diagnose(in)
	if d.Symptom != "" {
		x.Symptom = d.Symptom
	}
	if s, ok := kb.Symptom(x.Symptom); ok {
		x.SymptomTitle = s.Title
	}
	for i, c := range d.Causes {
		if i >= isoTopCauses || c.Score <= 0 && i > 0 {
			break
		}
		who, _ := model.LabelText(model.KindActor, string(c.Actor))
		x.Causes = append(x.Causes, isoCause{ID: c.ID, Title: c.Title, Actor: c.Actor, Who: who})
	}
	if isoSignInRefused(m) {
		x.Note = isoSignInNote
		x.Causes = withKeysCause(kb, x.Causes)
	}
	return x
}

// isoKeysCause is the knowledge base's cause a refused sign-in points to.
const isoKeysCause = "terminal_keys"

// withKeysCause makes sure a refused sign-in lists the keys cause.
func withKeysCause(kb *model.KB, causes []isoCause) []isoCause {
	for _, c := range causes {
		if c.ID == isoKeysCause {
			return causes
		}
	}
	c, ok := kb.Cause(isoKeysCause)
	if !ok {
		return causes
	}
	who, _ := model.LabelText(model.KindActor, string(c.Actor))
	return append(causes, isoCause{ID: c.ID, Title: c.Title, Actor: c.Actor, Who: who})
}

// isoLabels are the words of the explanation block.
var isoLabels = map[string]model.Text{
	"f39":        {Zh: "应答码（39域）", En: "Response code (field 39)"},
	"unknown":    {Zh: "知识库中没有这个代码", En: "not in the knowledge base"},
	"exchanges":  {Zh: "请求与应答配对（按终端号 41 和流水号 11）", En: "Requests and answers (paired by TID 41 and STAN 11)"},
	"unanswered": {Zh: "无应答的请求", En: "unanswered requests"},
}

func isoLabel(k string, l model.Lang) string { return isoLabels[k].In(l) }

// writeISOExplanation writes the field 39 block under a decoded message.
func writeISOExplanation(w *textWriter, l model.Lang, x *isoExplanation) {
	colon, _, _ := punctuation(l)
	if !x.Known {
		w.para("  ", isoLabel("f39", l)+colon+x.Code+" — "+isoLabel("unknown", l))
		return
	}
	w.para("  ", isoLabel("f39", l)+colon+x.Code+" "+x.Display.In(l))
	if m := x.Meaning.In(l); m != "" && m != x.Display.In(l) {
		w.para("    ", label("meaning", l)+colon+m)
	}
	if x.Outcome == model.OutcomeApproved && len(x.Causes) == 0 {
		w.para("    ", label("approved", l))
		return
	}
	if x.SymptomTitle.En != "" {
		w.para("    ", label("symptom", l)+colon+x.SymptomTitle.In(l)+" ["+string(x.Symptom)+"]")
	}
	if x.Note.En != "" {
		w.para("    ", label("note", l)+colon+x.Note.In(l))
	}
	if len(x.Causes) > 0 {
		w.para("    ", label("causes", l))
		for i, c := range x.Causes {
			w.hang(fmt.Sprintf("      %d. ", i+1), c.Title.In(l)+" ["+c.Who.In(l)+"]")
		}
	}
	if x.Fix.En != "" {
		w.para("    ", label("fix", l)+colon+x.Fix.In(l))
	}
}

// isoDecodedMessage is one message of decode --proto iso8583 --json.
type isoDecodedMessage struct {
	Index       int             `json:"index"` // 1-based
	Line        int             `json:"line"`
	Time        string          `json:"time,omitempty"`
	Label       string          `json:"label,omitempty"`
	Error       string          `json:"error,omitempty"`
	Explanation *isoExplanation `json:"explanation,omitempty"`
	*iso8583.View
}

// isoExchange is one request/answer pair of the --json output (1-based
// message indexes; 0 when that side is missing).
type isoExchange struct {
	Request      int    `json:"request"`
	Answer       int    `json:"answer"`
	RequestMTI   string `json:"request_mti,omitempty"`
	AnswerMTI    string `json:"answer_mti,omitempty"`
	STAN         string `json:"stan"`
	TID          string `json:"tid"`
	ResponseCode string `json:"response_code,omitempty"`
	LatencyMS    *int64 `json:"latency_ms,omitempty"`
	Unanswered   bool   `json:"unanswered,omitempty"`
}

// isoDecodeJSON is the --json document of decode --proto iso8583.
type isoDecodeJSON struct {
	Proto      string              `json:"proto"`
	Messages   []isoDecodedMessage `json:"messages"`
	Exchanges  []isoExchange       `json:"exchanges"`
	Unanswered []int               `json:"unanswered"`
}

// decodeISO8583 decodes text (hex messages, one a line, optionally with a
// timestamp and a label) and prints them with field 39 explained.
func decodeISO8583(opts *DecodeOptions, text string) error {
	l, err := resolveLang(opts.Lang, nil)
	if err != nil {
		return err
	}
	lang := model.Lang(l)
	lg, err := iso8583.ReadLog(strings.NewReader(text))
	if err != nil {
		return cantRun(err)
	}
	if len(lg.Entries) == 0 {
		return flagErrorf("no input: give ISO 8583 hex as arguments or on stdin, one message a line")
	}
	doc := isoDocument(model.Knowledge(), lg, iso8583.ViewOptions{Unmask: opts.Unmask})
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else if err := writeISOText(opts.IO.Out, lang, lg, doc); err != nil {
		return err
	}
	for _, e := range lg.Entries {
		if e.Err != nil {
			return cantRun(fmt.Errorf("%w (fix the line or leave it out)", e.Err))
		}
	}
	return nil
}

// isoDocument decodes and explains every entry and pairs them.
func isoDocument(kb *model.KB, lg *iso8583.Log, vo iso8583.ViewOptions) isoDecodeJSON {
	doc := isoDecodeJSON{Proto: "iso8583", Messages: []isoDecodedMessage{}, Exchanges: []isoExchange{}, Unanswered: []int{}}
	for i, e := range lg.Entries {
		dm := isoDecodedMessage{Index: i + 1, Line: e.Line, Label: e.Label}
		if e.HasTime {
			dm.Time = e.Time.Format("15:04:05.000")
			if e.Time.Year() > 0 {
				dm.Time = e.Time.Format("2006-01-02T15:04:05.000Z07:00")
			}
		}
		if e.Err != nil {
			dm.Error = e.Err.Error()
		} else {
			v := iso8583.Explain(e.Msg, vo)
			dm.View, dm.Explanation = &v, explainISO(kb, e.Msg)
		}
		doc.Messages = append(doc.Messages, dm)
	}
	for _, x := range lg.Exchanges {
		ex := isoExchange{Request: x.Request + 1, Answer: x.Answer + 1, Unanswered: x.Answer < 0}
		if x.Request >= 0 {
			v := doc.Messages[x.Request].View
			ex.RequestMTI, ex.STAN, ex.TID = v.MTI, v.STAN, v.TID
		}
		if x.Answer >= 0 {
			v := doc.Messages[x.Answer].View
			ex.AnswerMTI, ex.STAN, ex.TID, ex.ResponseCode = v.MTI, v.STAN, v.TID, v.ResponseCode
		}
		if x.HasLatency {
			ms := x.Latency.Milliseconds()
			ex.LatencyMS = &ms
		}
		if ex.Unanswered {
			doc.Unanswered = append(doc.Unanswered, ex.Request)
		}
		doc.Exchanges = append(doc.Exchanges, ex)
	}
	return doc
}

// writeISOText writes each message, its explanation and, for more than one
// message, the pairs.
func writeISOText(out io.Writer, l model.Lang, lg *iso8583.Log, doc isoDecodeJSON) error {
	w := &textWriter{w: out, width: explainWidth}
	for i, dm := range doc.Messages {
		sep := ", "
		head := fmt.Sprintf("# message %d, line %d", dm.Index, dm.Line)
		if l == model.LangZh {
			sep, head = "，", fmt.Sprintf("# 报文 %d，第 %d 行", dm.Index, dm.Line)
		}
		if dm.Time != "" {
			head += sep + dm.Time
		}
		if dm.Label != "" {
			head += sep + dm.Label
		}
		w.line(head)
		if dm.Error != "" {
			w.line("  " + dm.Error)
			w.blank()
			continue
		}
		var sb strings.Builder
		if err := iso8583.WriteText(&sb, *dm.View, string(l)); err != nil {
			return err
		}
		_, _ = io.WriteString(out, sb.String())
		if dm.Explanation != nil {
			writeISOExplanation(w, l, dm.Explanation)
		}
		if i < len(doc.Messages)-1 {
			w.blank()
		}
	}
	if len(lg.Entries) > 1 && len(lg.Exchanges) > 0 {
		w.blank()
		w.line(isoLabel("exchanges", l))
		for _, x := range lg.Exchanges {
			side := x.Request
			if side < 0 {
				side = x.Answer
			}
			v := doc.Messages[side].View
			w.line(fmt.Sprintf("  %s STAN %s TID %s → %s", v.MTI, v.STAN, v.TID, iso8583.ExchangeText(lg, x, string(l))))
		}
	}
	return w.err
}

// looksISO8583 reports whether text reads as CUP ISO 8583 messages without
// a doubt: most of its entries decode with no problem (a ZVT APDU never
// does; a log may hold a line that is not a message).
func looksISO8583(text string) bool {
	lg, err := iso8583.ReadLog(strings.NewReader(text))
	if err != nil || len(lg.Entries) == 0 {
		return false
	}
	clean := 0
	for _, e := range lg.Entries {
		if e.Err == nil && e.Msg.Err() == nil {
			clean++
		}
	}
	return 2*clean > len(lg.Entries)
}

// isoMessageRef is the message explain was given, in its --json "message".
type isoMessageRef struct {
	Proto        string       `json:"proto"`
	MTI          string       `json:"mti"`
	Name         iso8583.Text `json:"name"`
	STAN         string       `json:"stan,omitempty"`
	TID          string       `json:"tid,omitempty"`
	ResponseCode string       `json:"response_code"`
}

// isoMinMessage is the fewest hex digits taken for a whole message (MTI
// and bitmap alone are 20): shorter input is a code or a text.
const isoMinMessage = 20

// resolveISOMessage reads query as a whole CUP ISO 8583 message when it is
// one (long hex that decodes cleanly) and returns the diagnosis input of its
// field 39. msg is nil when the query is not a message: the caller resolves
// it as a code or text. A message without field 39 is an error that says so.
func resolveISOMessage(query, scheme string, lang model.Lang) (model.Input, *isoMessageRef, error) {
	if scheme != "" && scheme != string(model.SchemeUnionPay) {
		return model.Input{}, nil, nil
	}
	b, err := iso8583.ParseHex(query)
	if err != nil || 2*len(b) < isoMinMessage {
		return model.Input{}, nil, nil
	}
	m, err := iso8583.Decode(b)
	if err != nil || m.Err() != nil {
		return model.Input{}, nil, nil
	}
	ref := &isoMessageRef{Proto: "iso8583", MTI: m.MTI, Name: m.Name(), STAN: m.Digits(11),
		TID: strings.TrimRight(m.Text(41), " "), ResponseCode: strings.ToUpper(m.Text(39))}
	in, ok := isoInput(m)
	if !ok {
		t := model.Text{
			Zh: "ISO 8583 " + m.MTI + "（" + m.Name().Zh + "）没有应答码可解释：请给出主机的应答报文（0210、0410、0810 …），或用 posdoctor decode 解析",
			En: "ISO 8583 " + m.MTI + " (" + m.Name().En + ") has no response code to explain: give the host's answer (0210, 0410, 0810 …), or decode it with posdoctor decode",
		}
		return model.Input{}, ref, errors.New(t.In(lang))
	}
	return in, ref, nil
}

// writeISOMessageRef writes the line naming the message explained.
func writeISOMessageRef(w *textWriter, l model.Lang, ref *isoMessageRef) {
	if ref == nil {
		return
	}
	colon, _, _ := punctuation(l)
	s := "ISO 8583 " + ref.MTI + " " + ref.Name.In(string(l))
	if ref.STAN != "" {
		s += " · STAN " + ref.STAN
	}
	if ref.TID != "" {
		s += " · TID " + ref.TID
	}
	w.para("", s+" · "+isoLabel("f39", l)+colon+ref.ResponseCode)
	w.blank()
}
