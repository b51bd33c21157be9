package zvt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/posdoctor/posdoctor/terminal"
)

// Item is one decoded field as Trace, Describe and the JSON output show it.
// BMP or Tag says where it came from; Hex is the raw value (masked for PAN,
// left out for track data unless unmasked); Value is the decoded value (a
// number, a string or a masked PAN); Text is the name of a code; Items are
// nested TLV objects.
type Item struct {
	Name  string `json:"name"`
	BMP   string `json:"bmp,omitempty"`
	Tag   string `json:"tag,omitempty"`
	Hex   string `json:"hex,omitempty"`
	Value any    `json:"value,omitempty"`
	Text  string `json:"text,omitempty"`
	Items []Item `json:"items,omitempty"`
}

// View is a decoded message for people and for JSON (posdoctor decode
// --json). Field names are the JSON contract (README "posdoctor decode").
type View struct {
	Type    string `json:"type"`          // snake_case message type, e.g. "status_info"
	Command string `json:"command"`       // "04 0F"
	Name    string `json:"name"`          // "Status Information"
	Dir     string `json:"dir,omitempty"` // "ecr->pt" or "pt->ecr" when known
	Length  int    `json:"length"`        // data bytes (without header and length)
	Hex     string `json:"hex"`           // the whole APDU, masked unless unmasked
	Fields  []Item `json:"fields"`
	Error   string `json:"error,omitempty"`
}

// ViewOptions says how to show a message.
type ViewOptions struct {
	Charset Charset
	// Unmask shows PAN, track data and passwords in full. Only for a
	// technician's own terminal: never in logs or reports.
	Unmask bool
	// Open is the command a Completion answers; NoVersion as in
	// [Completion].
	Open      Command
	NoVersion bool
}

type viewer struct {
	cs     Charset
	unmask bool
	arena  []byte      // the message's ASCII texts (text)
	lists  *slab[Item] // where item lists are cut from; nil: allocated
}

// items returns an empty item list with room for n.
func (v *viewer) items(n int) []Item { return v.lists.list(n) }

// Explain decodes apdu and returns its view. On a decode error the view
// still has the command, the (masked) hex and Error, and the error is
// returned as well.
func Explain(apdu []byte, opts ViewOptions) (View, error) {
	var e Explainer
	return e.explain(apdu, opts, false)
}

// An Explainer is Explain for a caller that explains message after
// message and is done with each view before it asks for the next (decode
// --json and its tracer write each one out): it keeps its memory, the
// decoded message's field and TLV lists, the item lists, the texts and the
// masked copy, from one message to the next, so that a day's trace makes
// little garbage. A view it returns, and Masked, are
// valid until its next Explain. The zero value is ready; an Explainer is
// not safe for concurrent use.
type Explainer struct {
	// OmitHex leaves View.Hex empty: the caller shows Masked itself
	// (zvt.AppendHex), without the string.
	OmitHex bool
	mem     decodeMem  // the message decoded, dropped once it is shown
	items   slab[Item] // the view's item lists
	arena   []byte
	copy    []byte // the masked copy's memory
	masked  []byte // the copy, or the APDU itself when unmasked
}

// Explain is [Explain], in the Explainer's memory.
func (e *Explainer) Explain(apdu []byte, opts ViewOptions) (View, error) {
	e.items.reset()     // the last view's items let go of its strings
	defer e.mem.reset() // the decoded message is dropped once shown: its fields (card data) are not kept
	return e.explain(apdu, opts, true)
}

// Masked is the APDU of the last Explain as its view shows it: masked
// unless ViewOptions.Unmask.
func (e *Explainer) Masked() []byte { return e.masked }

// explain explains apdu, in e's memory when reuse is set (Explainer.Explain)
// and in memory of its own otherwise (Explain: the view is the caller's).
func (e *Explainer) explain(apdu []byte, opts ViewOptions, reuse bool) (View, error) {
	if cap(e.arena) < len(apdu) {
		e.arena = make([]byte, 0, len(apdu))
	}
	v := &viewer{cs: opts.Charset, unmask: opts.Unmask, arena: e.arena[:0]}
	var mem *decodeMem
	if reuse {
		v.lists, mem = &e.items, &e.mem
		defer func() { e.arena = v.arena }() // grown, it is kept for the next message
	}
	var m Message
	var err error
	if a, _, rerr := ReadAPDU(apdu); rerr == nil && a.Command() == CmdCompletion && opts.Open == CmdStatusEnquiry {
		c := &Completion{Open: CmdStatusEnquiry, NoVersion: opts.NoVersion}
		if err = c.decodeIn(apdu, mem); err == nil {
			m = c
		}
	} else {
		m, err = decodeMessageIn(apdu, opts.Open, mem)
	}
	if opts.Unmask {
		e.masked = apdu
	} else {
		e.copy = maskOpen(e.copy, apdu, opts.Open, opts.NoVersion)
		e.masked = e.copy
	}
	view := View{Fields: []Item{}}
	if !e.OmitHex {
		view.Hex = Hex(e.masked)
	}
	if a, _, rerr := ReadAPDU(apdu); rerr == nil {
		view.Command, view.Name, view.Length = a.Command().Hex(), a.Command().Name(), len(a.Data)
		view.Dir = dirOf(a.Command())
	} else if len(apdu) >= 2 {
		c := Command(uint16(apdu[0])<<8 | uint16(apdu[1]))
		view.Command, view.Name, view.Dir = c.Hex(), c.Name(), dirOf(c)
	}
	if err != nil {
		view.Type = "malformed"
		view.Error = err.Error()
		return view, err
	}
	view.Type = m.typeName()
	view.Fields = m.items(v)
	if view.Fields == nil {
		view.Fields = []Item{}
	}
	if !opts.Unmask {
		scrubItems(view.Fields)
	}
	return view, nil
}

// namedCommand is the command apdu names: its class and instruction, even
// when the rest of it does not read.
func namedCommand(apdu []byte) (Command, bool) {
	if a, _, err := ReadAPDU(apdu); err == nil {
		return a.Command(), true
	}
	if len(apdu) >= 2 {
		return Command(uint16(apdu[0])<<8 | uint16(apdu[1])), true
	}
	return 0, false
}

func dirOf(c Command) string {
	switch {
	case c == CmdAck || c.Class() == 0x84:
		return ""
	case isPTCommand(c):
		return string(terminal.FromTerminal)
	case commandNames[c] != "":
		return string(terminal.ToTerminal)
	}
	return ""
}

// marshalMessage is every message's MarshalJSON: the masked view.
func marshalMessage(m Message) ([]byte, error) {
	b, err := m.Encode(nil)
	if err != nil {
		return nil, err
	}
	view := View{
		Type: m.typeName(), Command: m.Command().Hex(), Name: m.Command().Name(),
		Dir: dirOf(m.Command()), Hex: Hex(maskMessage(m, b)), Fields: m.items(&viewer{}),
	}
	scrubItems(view.Fields)
	if a, _, err := ReadAPDU(b); err == nil {
		view.Length = len(a.Data)
	}
	if view.Fields == nil {
		view.Fields = []Item{}
	}
	return json.Marshal(view)
}

func maskMessage(m Message, b []byte) []byte {
	if c, ok := m.(*Completion); ok {
		return maskOpen(nil, b, c.Open, c.NoVersion)
	}
	return Mask(b)
}

func (v *viewer) password(p string) Item {
	if !v.unmask && p != "" {
		p = "******"
	}
	return Item{Name: "password", Value: p}
}

func (v *viewer) byteItem(name string, b byte, text string) Item {
	return Item{Name: name, Hex: byteHex[b], Text: text}
}

// fields shows a BMP list.
func (v *viewer) fields(f Fields) []Item {
	out := v.items(len(f.List) + 1)
	for _, fd := range f.List {
		out = append(out, v.field(fd))
	}
	if len(f.Rest) > 0 {
		out = append(out, Item{Name: "unparsed", BMP: byteHex[f.Rest[0]], Hex: v.looseHex(f.Rest),
			Text: fmt.Sprintf("unknown BMP %02X: the rest is kept raw", f.Rest[0])})
	}
	return out
}

func (v *viewer) field(fd Field) Item {
	spec, ok := bmps[fd.BMP]
	it := Item{Name: BMPName(fd.BMP), BMP: byteHex[fd.BMP]}
	if !ok {
		it.Hex = v.looseHex(fd.Value)
		return it
	}
	switch spec.kind {
	case kindTLV:
		it.Items = v.tlv(fd.TLV, 0)
		if fd.TLV == nil {
			it.Hex = v.looseHex(fd.Value)
		}
		return it
	case kindSecret:
		if v.unmask {
			it.Hex = Hex(fd.Value)
		} else {
			it.Text = fmt.Sprintf("%d bytes, masked", len(fd.Value))
		}
		if c, ok := TrackCard(fd.BMP, fd.Value); ok {
			it.Items = cardItems(c) // the PAN masked, the expiry: what may be shown
		}
		return it
	case kindPAN:
		digits := digitString(fd.Value)
		if v.unmask {
			it.Hex, it.Value = Hex(fd.Value), digits
		} else {
			it.Hex, it.Value = Hex(maskPANBytes(fd.Value)), terminal.NewPAN(digits).String()
		}
		return it
	case kindPassword:
		it.Value = v.password(digitString(fd.Value)).Value
		return it
	}
	it.Hex = Hex(fd.Value)
	if spec.kind == kindText {
		it.Hex = v.textHex(fd.Value)
	}
	switch spec.kind {
	case kindByte:
		if len(fd.Value) == 1 {
			if fd.BMP == BMPCardType {
				it.Text = CardTypeText(fd.Value[0])
			}
		}
	case kindResult:
		if len(fd.Value) == 1 {
			it.Text = ResultCodeText(fd.Value[0])
		}
	case kindNumber:
		if n, ok := bcdUint(fd.Value); ok {
			it.Value = n
		} else if d := digitString(fd.Value); d != "" {
			it.Value = d
		}
	case kindAmount:
		if n, ok := bcdUint(fd.Value); ok {
			it.Value = n
			it.Text = fmt.Sprintf("%d.%02d", n/100, n%100)
		} else {
			it.Value = digitString(fd.Value)
		}
	case kindDigits:
		it.Value = digitString(fd.Value)
		if fd.BMP == BMPExpiry {
			it.Text = expiryText(it.Value.(string))
		}
	case kindText:
		it.Value = trimText(v.cs.DecodeText(fd.Value))
	}
	return it
}

// tlvText lists the tags whose values are text.
var tlvText = map[Tag]bool{
	0x07: true, 0x13: true, 0x1F17: true, 0x1F40: true, 0x1F41: true, 0x1F42: false, 0x1F44: true, 0x61: true,
}

func (v *viewer) tlv(l TLVList, depth int) []Item {
	out := v.items(len(l))
	for _, o := range l {
		// it is filled in place: a pointer to a local would escape
		// through tlvViews and cost an allocation per object.
		sp := tagSpecs[o.Tag]
		out = append(out, Item{Name: specName(sp, o.Tag), Tag: specString(sp, o.Tag)})
		it := &out[len(out)-1]
		switch {
		case o.Children != nil:
			it.Items = v.tlv(o.Children, depth+1)
		case sp != nil && sp.text:
			if o.Tag == TagTID {
				it.Value = tidText(o.Value)
			} else {
				it.Value = v.text(o.Value)
			}
		case o.Tag == TagDeviceState && len(o.Value) == 1:
			it.Hex, it.Text = Hex(o.Value), DeviceStateText(o.Value[0])
		case o.Tag == TagZVTCommand && len(o.Value) == 2:
			c := Command(uint16(o.Value[0])<<8 | uint16(o.Value[1]))
			it.Hex, it.Text = Hex(o.Value), c.Name()
		case o.Tag == TagDate || o.Tag == TagTime:
			it.Hex, it.Value = Hex(o.Value), digitString(o.Value)
		case o.Tag == TagSerialNumber:
			// binary (Feig) or text, as the status enquiry reads it
			it.Hex, it.Value = Hex(o.Value), serialText(o.Value, v.cs)
		case sp != nil && sp.view != nil:
			sp.view(v, o.Value, it)
		case sp == nil || sp.name == "" || o.Tag == 0x5A || sp.secret:
			it.Hex = v.tlvHex(o.Tag, o.Value) // may be EMV 5A or 57
		default:
			it.Hex = Hex(o.Value)
		}
	}
	return out
}

// text is cs.DecodeText(b). ASCII text, all of most receipts, is copied
// into v.arena, one buffer for the message's texts instead of one
// allocation per line.
func (v *viewer) text(b []byte) string {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return v.cs.DecodeText(b)
		}
	}
	if len(b) == 0 {
		return ""
	}
	start := len(v.arena)
	v.arena = append(v.arena, b...)
	// v.arena only grows: the bytes before its end are never written
	// again, whether or not append moved it, so the string stays as is.
	return unsafe.String(&v.arena[start], len(b))
}

// Describe decodes apdu for a [terminal.Frame]: a one-line summary such as
// "04 0F Status Information: result 00 no error, amount 25.00" and a
// multi-line detail, both with card data masked. open is the command a
// Completion answers. A malformed APDU is described, not refused.
func Describe(apdu []byte, open Command, cs Charset) (summary, detail string) {
	d := describeCached(apdu, open, cs)
	return d.summary, d.detail
}

// describeFrame is what a [terminal.Frame] shows of apdu: the masked hex
// (Hex(Mask(apdu))) and Describe's summary and detail.
func describeFrame(apdu []byte, open Command, cs Charset) (hex, summary, detail string) {
	d := describeCached(apdu, open, cs)
	return d.hex, d.summary, d.detail
}

func describeCached(apdu []byte, open Command, cs Charset) described {
	if len(apdu) > maxCachedDescribe {
		return describeNew(apdu, open, cs)
	}
	k := describeKey{n: uint8(len(apdu)), open: open, cs: cs}
	copy(k.b[:], apdu)
	if m := describeCache.m.Load(); m != nil {
		if d, ok := (*m)[k]; ok {
			return d
		}
	}
	d := describeNew(apdu, open, cs)
	if m := Mask(apdu); !bytes.Equal(m, apdu) {
		return d // card data or a password: not kept in memory
	}
	// Copy on write: readers never lock, and new short APDUs are rare.
	describeCache.mu.Lock()
	defer describeCache.mu.Unlock()
	old := describeCache.m.Load()
	if old != nil && len(*old) >= maxDescribeEntries {
		return d
	}
	m := make(map[describeKey]described, 1+lenOf(old))
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[k] = d
	describeCache.m.Store(&m)
	return d
}

func lenOf(m *map[describeKey]described) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

func describeNew(apdu []byte, open Command, cs Charset) described {
	sum, detail, hex := describeHex(apdu, open, cs)
	if open == CmdStatusEnquiry {
		// A frame's hex is Mask's, which reads every Completion as a BMP
		// list; Explain masks a Status Enquiry's Completion by its form.
		hex = Hex(Mask(apdu))
	}
	return described{hex: hex, summary: sum, detail: detail}
}

// Short APDUs repeat all the time (80 00 00 answers every PT message;
// 84 xx, short intermediate status, plain Completion and Abort): every frame
// of every session is described for its trace, so their descriptions are
// kept. Describe is a pure function of its arguments, so a kept one is the
// same. APDUs that Mask changes (card data, passwords) are never kept.
const (
	maxCachedDescribe  = 8   // longest APDU kept
	maxDescribeEntries = 256 // no more are added once it holds this many
)

type describeKey struct {
	n    uint8
	b    [maxCachedDescribe]byte
	open Command
	cs   Charset
}

type described struct{ hex, summary, detail string }

// describeCache maps short APDUs to their descriptions; the map is never
// changed once stored (copy on write under mu).
var describeCache struct {
	mu sync.Mutex
	m  atomic.Pointer[map[describeKey]described]
}

func describe(apdu []byte, open Command, cs Charset) (summary, detail string) {
	summary, detail, _ = describeHex(apdu, open, cs)
	return summary, detail
}

// describeHex is describe with the hex of apdu as masked for open (which is
// Hex(Mask(apdu)) unless open is Status Enquiry: the Completion's form).
func describeHex(apdu []byte, open Command, cs Charset) (summary, detail, hex string) {
	view, err := Explain(apdu, ViewOptions{Charset: cs, Open: open})
	hex = view.Hex
	summary = view.Command + " " + view.Name
	if view.Command == "" {
		summary = "malformed"
	}
	if err != nil {
		return summary + " (malformed)", err.Error(), hex
	}
	if s := shortText(view); s != "" {
		summary += ": " + s
	}
	var sb strings.Builder
	writeItems(&sb, view.Fields, 0)
	return summary, strings.TrimRight(sb.String(), "\n"), hex
}

// shortText picks the facts worth a summary line.
func shortText(view View) string {
	var parts []string
	if view.Type == "print_text_block" {
		parts = append(parts, fmt.Sprintf("%d lines", countItems(view.Fields, "text_line")))
	}
	for _, it := range view.Fields {
		switch it.Name {
		case "result_code", "code":
			parts = append(parts, "result "+it.Hex+" "+it.Text)
		case "terminal_status":
			parts = append(parts, "status "+it.Hex+" "+it.Text)
		case "status_code":
			parts = append(parts, it.Hex+" "+it.Text)
		case "amount":
			if it.Text != "" {
				parts = append(parts, "amount "+it.Text)
			}
		case "text":
			if s, ok := it.Value.(string); ok && view.Type == "print_line" {
				parts = append(parts, fmt.Sprintf("%q", s))
			}
		case "software_version":
			parts = append(parts, fmt.Sprintf("version %v", it.Value))
		}
	}
	return joinComma(parts)
}

// writeItems writes items one per line, indented by depth.
func writeItems(sb *strings.Builder, items []Item, depth int) {
	sb.Write(appendItems(nil, items, depth))
}

// appendItems appends items one per line, indented by depth, as
// writeItems writes them.
func appendItems(b []byte, items []Item, depth int) []byte {
	for i := range items {
		it := &items[i]
		for range depth + 1 {
			b = append(b, "  "...)
		}
		switch {
		case it.BMP != "":
			b = append(b, it.BMP...)
			b = append(b, ' ')
		case it.Tag != "":
			b = append(b, it.Tag...)
			b = append(b, ' ')
		}
		b = append(b, it.Name...)
		if it.Value != nil || it.Hex != "" || it.Text != "" {
			n := len(b)
			b = append(b, ": "...)
			if b = appendItemValue(b, it); len(b) == n+2 {
				b = b[:n] // an empty value: no ": "
			}
		}
		b = append(b, '\n')
		b = appendItems(b, it.Items, depth+1)
	}
	return b
}

// appendItemValue appends what a line shows of it: the value (a string
// quoted as %q), else the hex, and the text in brackets.
func appendItemValue(b []byte, it *Item) []byte {
	n := len(b)
	switch x := it.Value.(type) {
	case nil:
		b = append(b, it.Hex...)
	case string:
		b = appendQuoted(b, x)
	case uint64:
		b = strconv.AppendUint(b, x, 10)
	case int:
		b = strconv.AppendInt(b, int64(x), 10)
	default:
		b = fmt.Append(b, x)
	}
	if it.Text != "" {
		if len(b) > n {
			b = append(b, ' ')
		}
		b = append(b, '(')
		b = append(b, it.Text...)
		b = append(b, ')')
	}
	return b
}

// appendQuoted is strconv.AppendQuote, without its rune by rune work for
// the printable ASCII of most texts (which it copies as it is).
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7E || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func joinComma(s []string) string { return strings.Join(s, ", ") }
func joinSpace(s []string) string { return strings.Join(s, " ") }

func countItems(items []Item, name string) int {
	n := 0
	for _, it := range items {
		if it.Name == name {
			n++
		}
		n += countItems(it.Items, name)
	}
	return n
}

// byteHex is "%02X" of every byte.
var byteHex = func() (t [256]string) {
	const digits = "0123456789ABCDEF"
	for i := range t {
		t[i] = string([]byte{digits[i>>4], digits[i&15]})
	}
	return t
}()
