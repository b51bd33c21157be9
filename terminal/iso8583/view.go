package iso8583

import (
	"strconv"
	"strings"

	"github.com/posdoctor/posdoctor/terminal"
)

// ViewOptions controls [Explain].
type ViewOptions struct {
	// Unmask shows the PAN and track data in full (posdoctor decode
	// --unmask). The PIN block, the MAC and the keys of field 62 stay hidden
	// whatever it says.
	Unmask bool
}

// Item is one decoded field, sub-field, data object or bit, card data
// masked.
type Item struct {
	No    int    `json:"no,omitempty"`  // field number
	Sub   string `json:"sub,omitempty"` // sub-field: "60.1"
	Tag   string `json:"tag,omitempty"` // EMV tag
	Bit   string `json:"bit,omitempty"` // "byte 3 bit 8"
	Name  string `json:"name"`
	Title Text   `json:"title"`
	// Length is the declared length: digits for n and z fields, bytes
	// otherwise.
	Length int    `json:"length,omitempty"`
	Value  string `json:"value,omitempty"`
	Hex    string `json:"hex,omitempty"`
	// Hidden is true when the value is never shown (PIN block, MAC, keys):
	// only that it is present and its length.
	Hidden  bool   `json:"hidden,omitempty"`
	Meaning *Text  `json:"meaning,omitempty"`
	Items   []Item `json:"items,omitempty"`

	bitByte, bitNo int // Bit as numbers, for the text form
}

// TPDUView is the TPDU's parts.
type TPDUView struct {
	ID          string `json:"id"`
	Destination string `json:"destination"`
	Source      string `json:"source"`
}

// HeaderView is the 6-byte header's parts (research/iso8583.md §1.4).
type HeaderView struct {
	Hex        string `json:"hex"`
	AppClass   string `json:"app_class"`
	Version    string `json:"version"`
	Status     string `json:"terminal_status"`
	Request    string `json:"host_request"`
	SubVersion string `json:"sub_version"`
	// RequestMeaning names a host request to the terminal (3: sign in
	// again).
	RequestMeaning *Text `json:"host_request_meaning,omitempty"`
}

// View is a message decoded for people and for JSON, card data masked.
type View struct {
	Proto     string      `json:"proto"` // "iso8583"
	MTI       string      `json:"mti"`
	Name      Text        `json:"name"`
	Direction string      `json:"direction"` // "request" or "answer"
	Found     Parts       `json:"found"`
	Length    int         `json:"length,omitempty"` // the 2-byte length, when found
	Size      int         `json:"size"`             // bytes decoded
	TPDU      *TPDUView   `json:"tpdu,omitempty"`
	Header    *HeaderView `json:"header,omitempty"`
	Bitmap    string      `json:"bitmap"`
	Fields    []Item      `json:"fields"`
	// STAN (11), TID (41) and the response code (39) for pairing and
	// explaining.
	STAN         string   `json:"stan,omitempty"`
	TID          string   `json:"tid,omitempty"`
	ResponseCode string   `json:"response_code,omitempty"`
	Rest         string   `json:"rest,omitempty"` // raw bytes not read, masked
	Problems     []string `json:"problems,omitempty"`
	Hex          string   `json:"hex"` // the whole message, masked
}

// hostRequests name the header's 处理要求 nibble (research/iso8583.md §1.4).
var hostRequests = map[string]Text{
	"1": {"下载终端参数", "download terminal parameters"}, "2": {"上传终端状态", "upload terminal status"},
	"3": {"重新签到", "sign in again"}, "4": {"更新 IC 卡公钥", "update CA public keys"},
	"5": {"下载 IC 卡参数", "download IC parameters"}, "6": {"TMS 参数下载", "TMS parameter download"},
	"7": {"卡 BIN 黑名单下载", "card BIN blacklist download"}, "8": {"币种汇率下载", "currency rate download"},
}

// Explain decodes m for people: names, values and meanings, card data masked
// unless opts.Unmask (PIN block, MAC and keys never shown).
func Explain(m *Message, opts ViewOptions) View {
	masked := Mask(m, opts)
	v := View{Proto: "iso8583", MTI: m.MTI, Name: m.Name(), Direction: "request", Found: m.Parts,
		Bitmap: hexString(m.Bitmap), Fields: []Item{}}
	if IsAnswer(m.MTI) {
		v.Direction = "answer"
	}
	if m.Parts.Length {
		v.Length = m.Length
	}
	if raw, err := masked.Encode(nil); err == nil {
		v.Size, v.Hex = len(raw), spacedHex(raw)
	}
	if m.Parts.TPDU && len(m.TPDU) == tpduSize {
		v.TPDU = &TPDUView{ID: hexString(m.TPDU[:1]), Destination: hexString(m.TPDU[1:3]), Source: hexString(m.TPDU[3:5])}
	}
	if m.Parts.Header && len(m.Header) == headerSize {
		v.Header = headerView(m.Header)
	}
	for _, f := range masked.Fields {
		v.Fields = append(v.Fields, fieldItem(m, f, &v, opts.Unmask))
	}
	v.STAN, v.TID = m.Digits(11), strings.TrimRight(m.Text(41), " ")
	if m.Has(39) {
		v.ResponseCode = strings.ToUpper(m.Text(39))
	}
	if len(masked.Rest) > 0 {
		v.Rest = spacedHex(masked.Rest)
	}
	for _, p := range m.Problems {
		v.Problems = append(v.Problems, p.Error())
	}
	return v
}

func headerView(h []byte) *HeaderView {
	d := hexString(h)
	hv := &HeaderView{Hex: d, AppClass: d[0:2], Version: d[2:4], Status: d[4:5], Request: d[5:6], SubVersion: d[6:12]}
	if t, ok := hostRequests[hv.Request]; ok {
		hv.RequestMeaning = &t
	}
	return hv
}

// fieldItem builds the item of one field from its original and masked
// forms; problems in nested data go to v.
func fieldItem(m *Message, f Field, v *View, unmask bool) Item {
	spec := fields[f.No]
	it := Item{No: f.No, Name: spec.name, Title: spec.title, Length: f.Len}
	switch spec.kind {
	case kindSecret, kindMAC:
		it.Hidden = true
		return it
	case kindPAN, kindTrack:
		// Masked digits are E nibbles (Mask): shown as '*'.
		it.Value = strings.ReplaceAll(f.Digits(), "E", "*")
		return it
	case kindTLV:
		it.Hex = spacedHex(f.Value)
		l, err := DecodeTLV(f.Value, 0)
		if err != nil {
			v.Problems = append(v.Problems, withMsg(err, m.MTI).Error())
		}
		it.Items = tlvItems(l, unmask)
		return it
	case kindF62:
		return field62Item(m, f, it)
	}
	it.Value = f.Digits()
	if spec.enc == encB {
		it.Value, it.Hex = "", spacedHex(f.Value)
	}
	if spec.enc == encANS && !idFields[f.No] {
		it.Value = terminal.ScrubString(it.Value)
	}
	it.Meaning = fieldMeaning(m, spec.kind, it.Value)
	switch spec.kind {
	case kindF60:
		it.Items = subItems("60", m.Field60())
	case kindF61:
		it.Items = subItems("61", m.Field61())
	}
	return it
}

// idFields are the fixed text fields that hold identifiers, not free text:
// the last-line PAN rule would hide a 15-digit merchant ID.
var idFields = map[int]bool{37: true, 38: true, 39: true, 41: true, 42: true, 49: true}

// fieldMeaning names a field's value when the profile names it.
func fieldMeaning(m *Message, k kind, val string) *Text {
	var t Text
	var ok bool
	switch k {
	case kindProc:
		t, ok = processingCodes[val]
	case kindCondition:
		t, ok = conditionCodes[val]
	case kindAmount:
		if n, err := strconv.ParseInt(val, 10, 64); err == nil {
			s := strconv.FormatInt(n/100, 10) + "." + strconv.FormatInt(100+n%100, 10)[1:]
			t, ok = Text{s + " 元", s + " CNY"}, true
		}
	case kindEntry:
		if len(val) == 3 {
			e, eok := entryModes[val[:2]]
			p, pok := pinModes[val[2]]
			t, ok = Text{e.Zh + "，" + p.Zh, e.En + ", " + p.En}, eok && pok
		}
	case kindCode:
		if m.MTI == "0400" {
			t, ok = reversalReasons[strings.ToUpper(val)]
		}
	case kindSecurity:
		t, ok = securityMeaning(val)
	}
	if !ok {
		return nil
	}
	return &t
}

// securityMeaning names field 53's first three digits (research/iso8583.md
// §1.7: S1 UpdateEntryModeByPIN, S16a).
func securityMeaning(v string) (Text, bool) {
	if len(v) < 3 {
		return Text{}, false
	}
	pin := map[byte]Text{'0': {"无 PIN", "no PIN"}, '1': {"PIN 格式不带主账号", "PIN block without PAN"}, '2': {"PIN 格式带主账号（ANSI X9.8）", "PIN block with PAN (ANSI X9.8)"}}
	alg := map[byte]Text{'0': {"单倍长 DES", "single DES"}, '6': {"双倍长 3DES", "double-length 3DES"}}
	trk := map[byte]Text{'0': {"磁道不加密", "tracks not encrypted"}, '1': {"磁道加密", "tracks encrypted"}}
	p, pok := pin[v[0]]
	a, aok := alg[v[1]]
	k, kok := trk[v[2]]
	if !pok || !aok || !kok {
		return Text{}, false
	}
	return Text{p.Zh + "，" + a.Zh + "，" + k.Zh, p.En + ", " + a.En + ", " + k.En}, true
}

func subItems(field string, subs SubFields) []Item {
	out := make([]Item, 0, len(subs))
	for i, s := range subs {
		out = append(out, Item{Sub: field + "." + strconv.Itoa(i+1), Name: s.Name, Title: s.Title, Value: s.Value, Meaning: s.Meaning})
	}
	return out
}

// tlvItems names the data objects of field 55 (masked values), with the bits
// of TVR and TSI.
func tlvItems(l []TLV, unmask bool) []Item {
	out := make([]Item, 0, len(l))
	for _, o := range l {
		it := Item{Tag: o.Tag, Name: "tag_" + strings.ToLower(o.Tag), Title: TagName(o.Tag), Length: len(o.Value)}
		switch {
		case emvSecret[o.Tag] && !unmask:
			it.Hidden = true // track data
		case o.Tag == "5A":
			it.Value = strings.ReplaceAll(strings.TrimRight(hexString(o.Value), "F"), "E", "*")
		case o.Children != nil:
			it.Items = tlvItems(o.Children, unmask)
		default:
			it.Hex = spacedHex(o.Value)
			it.Meaning = tagMeaning(o.Tag, o.Value)
			for _, b := range DecodeBits(o.Tag, o.Value) {
				it.Items = append(it.Items, Item{Bit: "byte " + strconv.Itoa(b.Byte) + " bit " + strconv.Itoa(b.Bit),
					Name: "bit", Title: b.Text, bitByte: b.Byte, bitNo: b.Bit})
			}
		}
		out = append(out, it)
	}
	return out
}

// withMsg fills in the message name of a DecodeError that has none.
func withMsg(err error, msg string) error {
	if de, ok := err.(*DecodeError); ok && de.Msg == "" {
		de.Msg = msg
	}
	return err
}
