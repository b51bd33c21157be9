package iso8583_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal/iso8583"
)

// FuzzDecode: no panic; a decoded message encodes back to the same bytes and
// decodes again to the same fields; its view and text never fail and never
// show the PIN block.
func FuzzDecode(f *testing.F) {
	for _, name := range vectorNames(f) {
		raw := vector(f, name)
		f.Add(raw)
		f.Add(raw[2:])
		f.Add(raw[13:])
		f.Add(raw[:len(raw)/2])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := iso8583.Decode(b)
		if err != nil {
			return
		}
		got, err := m.Encode(nil)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("encode %X, %v; want %X", got, err, b)
		}
		m2, err := iso8583.DecodeParts(got, m.Parts)
		if err != nil || len(m2.Fields) != len(m.Fields) || m2.MTI != m.MTI {
			t.Fatalf("second decode %v: %d fields, want %d", err, len(m2.Fields), len(m.Fields))
		}
		v := iso8583.Explain(m, iso8583.ViewOptions{})
		if err := iso8583.WriteText(&bytes.Buffer{}, v, "zh"); err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatal(err)
		}
		if pin, ok := m.Field(52); ok && len(pin.Value) == 8 && !bytes.Equal(pin.Value, bytes.Repeat([]byte{0xEE}, 8)) &&
			strings.Contains(v.Hex, hexSpaced(pin.Value)) && !strings.Contains(hexSpaced(b[:len(b)-len(pin.Value)]), hexSpaced(pin.Value)) {
			t.Fatalf("PIN block %X in the view's hex", pin.Value)
		}
	})
}

func hexSpaced(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strings.ToUpper(hexOf([]byte{c})))
	}
	return sb.String()
}

// FuzzReadLog: no panic and no hang on any text; every entry is a message
// or an error, and exchanges point at entries of the right direction.
func FuzzReadLog(f *testing.F) {
	b, err := fs.ReadFile(fixtures.FS, "traces/iso8583-host.log")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add("14:00:00 0800\n  00\n\n[2026-12-02T14:00:00.1+08:00] send: 0x60 00\n")
	for _, name := range vectorNames(f) {
		vb, _ := fs.ReadFile(fixtures.FS, "vectors/iso8583/"+name)
		f.Add(string(vb))
	}
	f.Fuzz(func(t *testing.T, text string) {
		l, err := iso8583.ReadLog(strings.NewReader(text))
		if err != nil {
			return
		}
		for _, e := range l.Entries {
			if (e.Msg == nil) == (e.Err == nil) {
				t.Fatalf("line %d: msg %v err %v", e.Line, e.Msg, e.Err)
			}
		}
		for _, x := range l.Exchanges {
			if x.Request >= 0 && l.Entries[x.Request].Direction() != iso8583.ToHost ||
				x.Answer >= 0 && l.Entries[x.Answer].Direction() != iso8583.FromHost || x.Request < 0 && x.Answer < 0 {
				t.Fatalf("exchange %+v", x)
			}
			_ = iso8583.ExchangeText(l, x, "en")
		}
	})
}
