package iso8583

import "strconv"

// Field 62 in a sign-in answer (0810) carries the working keys, encrypted
// under the terminal master key, each followed by its 4-byte check value
// (research/iso8583.md §2.3: S5 spec table, S1 LogonDivKey; vectors S3,
// S16e). The layout follows 60.3:
//
//	001  PIK(8)  CV(4) MAK(8)  CV(4)                = 24 bytes
//	003  PIK(16) CV(4) MAK(16) CV(4)                = 40 bytes
//	004  PIK(16) CV(4) MAK(16) CV(4) TDK(16) CV(4)  = 60 bytes

// keyPart is one part of a key block: a key (hidden) or a check value.
type keyPart struct {
	name  string
	title Text
	size  int
	key   bool
}

// keyLayouts are the key blocks by 60.3.
var keyLayouts = map[string][]keyPart{
	"001": {pik(8), cv("pik"), mak(8), cv("mak")},
	"003": {pik(16), cv("pik"), mak(16), cv("mak")},
	"004": {pik(16), cv("pik"), mak(16), cv("mak"), {"tdk", Text{"磁道加密密钥", "Track data key (TDK)"}, 16, true}, cv("tdk")},
}

func pik(n int) keyPart {
	return keyPart{"pik", Text{"PIN 工作密钥", "PIN key (PIK)"}, n, true}
}
func mak(n int) keyPart { return keyPart{"mak", Text{"MAC 工作密钥", "MAC key (MAK)"}, n, true} }
func cv(of string) keyPart {
	return keyPart{of + "_check_value", Text{"校验值", "Check value"}, 4, false}
}

// isKeyAnswer reports whether field 62 of m holds keys: a sign-in answer.
func isKeyAnswer(m *Message) bool { return m.MTI == "0810" }

// maskKeys hides the key bytes of a sign-in answer's field 62 in place,
// keeping the check values; when the layout is not known every byte is
// hidden.
func maskKeys(m *Message, v []byte) {
	if !isKeyAnswer(m) {
		return
	}
	layout, ok := keyLayouts[m.Field60().Get("network_code")]
	if !ok || layoutSize(layout) != len(v) {
		fill(v)
		return
	}
	off := 0
	for _, p := range layout {
		if p.key {
			fill(v[off : off+p.size])
		}
		off += p.size
	}
}

func layoutSize(l []keyPart) int {
	n := 0
	for _, p := range l {
		n += p.size
	}
	return n
}

// KeyExchange reports whether m is a sign-in answer whose field 62 carries
// keys in the layout 60.3 names.
func (m *Message) KeyExchange() bool {
	f, ok := m.Field(62)
	if !ok || !isKeyAnswer(m) {
		return false
	}
	l, ok := keyLayouts[m.Field60().Get("network_code")]
	return ok && layoutSize(l) == len(f.Value)
}

// field62Item shows field 62: the key block of a sign-in answer as its
// parts (keys hidden), otherwise text or hex.
func field62Item(m *Message, f Field, it Item) Item {
	if !isKeyAnswer(m) {
		if printable(f.Value) {
			it.Value = string(f.Value)
		} else {
			it.Hex = spacedHex(f.Value)
		}
		return it
	}
	layout, ok := keyLayouts[m.Field60().Get("network_code")]
	if !ok || layoutSize(layout) != len(f.Value) {
		it.Hidden = true
		return it
	}
	it.Meaning = &Text{"工作密钥（已用主密钥加密）：" + strconv.Itoa(len(layout)/2) + " 个", "working keys (encrypted under the master key): " + strconv.Itoa(len(layout)/2)}
	off := 0
	for i, p := range layout {
		sub := Item{Sub: "62." + strconv.Itoa(i+1), Name: p.name, Title: p.title, Length: p.size}
		if p.key {
			sub.Hidden = true
		} else {
			sub.Hex = spacedHex(f.Value[off : off+p.size])
		}
		it.Items = append(it.Items, sub)
		off += p.size
	}
	return it
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return len(b) > 0
}
