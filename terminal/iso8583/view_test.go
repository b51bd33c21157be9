package iso8583_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/iso8583"
)

func explainVector(t *testing.T, name string, opts iso8583.ViewOptions) (iso8583.View, string, string) {
	t.Helper()
	m, err := iso8583.Decode(vector(t, name))
	if err != nil {
		t.Fatal(err)
	}
	v := iso8583.Explain(m, opts)
	var en, zh bytes.Buffer
	if err := iso8583.WriteText(&en, v, "en"); err != nil {
		t.Fatal(err)
	}
	_ = iso8583.WriteText(&zh, v, "zh")
	js, _ := json.Marshal(v)
	return v, en.String() + zh.String(), string(js)
}

// TestCardDataMasked: the PAN shows first 6 / last 4, track 2 is hidden,
// the PIN block, MAC and keys never appear (text, JSON, hex), with and without
// --unmask; --unmask shows PAN and track in full.
func TestCardDataMasked(t *testing.T) {
	t.Parallel()
	secrets := []string{"7F3E9A0B4C5D6E21", "7F 3E 9A 0B 4C 5D 6E 21", "4F1E2D3C", "34 46 31 45 32 44 33 43",
		"A1 B2 C3 D4", "A1B2C3D4", "0F 1E 2D 3C"}
	for _, name := range []string{"0200-purchase.hex", "0810-sign-in-answer.hex"} {
		for _, unmask := range []bool{false, true} {
			v, text, js := explainVector(t, name, iso8583.ViewOptions{Unmask: unmask})
			for _, s := range secrets {
				if strings.Contains(text, s) || strings.Contains(js, s) || strings.Contains(v.Hex, s) {
					t.Errorf("%s unmask=%v: %q shown", name, unmask, s)
				}
			}
			for _, f := range v.Fields {
				if (f.No == 52 || f.No == 64) && (!f.Hidden || f.Value != "" || f.Hex != "" || f.Length != 8) {
					t.Errorf("%s: field %d = %+v, want hidden with length 8", name, f.No, f)
				}
			}
		}
	}
	v, text, js := explainVector(t, "0200-purchase.hex", iso8583.ViewOptions{})
	for _, s := range []string{pan, "12345678901", "2812220123456789", "62 17 00 12 34"} {
		if strings.Contains(text, s) || strings.Contains(js, s) || strings.Contains(v.Hex, s) {
			t.Errorf("%q shown masked", s)
		}
	}
	if !strings.Contains(text, "621700*********0123") || !strings.Contains(js, `"value":"621700*********0123"`) {
		t.Errorf("masked PAN missing:\n%s", text)
	}
	if !strings.Contains(text, "898440154110001") {
		t.Errorf("the merchant ID is not a PAN and stays:\n%s", text)
	}
	_, text, _ = explainVector(t, "0200-purchase.hex", iso8583.ViewOptions{Unmask: true})
	if !strings.Contains(text, pan) || !strings.Contains(text, track2) {
		t.Errorf("--unmask hides PAN or track:\n%s", text)
	}
}

// TestExplainMeaning: TVR and TSI bits named in both languages, 60's
// sub-fields, the reversal reason and the key block of the sign-in answer.
func TestExplainMeaning(t *testing.T) {
	t.Parallel()
	_, text, _ := explainVector(t, "0200-purchase.hex", iso8583.ViewOptions{})
	for _, s := range []string{"Cardholder verification was not successful", "PIN try limit exceeded", "持卡人验证未成功",
		"PIN 重试次数超限", "byte 3 bit 8", "第3字节第8位", "Cardholder verification was performed", "60.1  Transaction type code       22  purchase",
		"051  contact IC, PIN entered", "123.45 CNY", "ARQC", "offline plaintext PIN, failed", "Purchase request", "消费请求"} {
		if !strings.Contains(text, s) {
			t.Errorf("purchase text lacks %q", s)
		}
	}
	_, text, _ = explainVector(t, "0400-reversal.hex", iso8583.ViewOptions{})
	if !strings.Contains(text, "reversal reason: no answer received") || !strings.Contains(text, "Reversal request (purchase)") {
		t.Errorf("reversal text:\n%s", text)
	}
	v, text, _ := explainVector(t, "0810-sign-in-answer.hex", iso8583.ViewOptions{})
	if !strings.Contains(text, "PIN key (PIK)") || !strings.Contains(text, "1C 2D 3E 4F") || v.ResponseCode != "00" || v.STAN != "000122" || v.TID != tid {
		t.Errorf("sign-in answer:\n%s\n%+v", text, v)
	}
	if bits := iso8583.DecodeBits("95", []byte{0, 0, 0x80 | 0x20, 0, 0}); len(bits) != 2 || bits[1].Text.En != "PIN try limit exceeded" || bits[0].Byte != 3 || bits[0].Bit != 8 {
		t.Errorf("TVR bits %+v", bits)
	}
	if bits := iso8583.DecodeBits("9B", []byte{0x40, 0x01}); len(bits) != 2 || bits[0].Text.En != "Cardholder verification was performed" || bits[1].Text.En != "RFU bit" {
		t.Errorf("TSI bits %+v", bits)
	}
}

// TestMalformedKeptRaw: a field that does not fit, or one the profile does
// not know, keeps the rest raw with an error naming the field and offset;
// encode writes the bytes back.
func TestMalformedKeptRaw(t *testing.T) {
	t.Parallel()
	good := vector(t, "0810-sign-in-answer.hex")
	tests := []struct {
		name    string
		edit    func([]byte) []byte
		field   string
		offset  int
		wantErr error
		fields  int
	}{
		{"LLL length not BCD", func(b []byte) []byte { b[81] = 0x0A; return b }, "field 62 length", 81, iso8583.ErrLength, 9},
		{"field 62 cut", func(b []byte) []byte { b = b[:len(b)-3]; b[0], b[1] = 0, byte(len(b)-2); return b }, "field 62", 83, iso8583.ErrShort, 9},
		{"field 5 not in the profile", func(b []byte) []byte { b[15] |= 0x08; return b }, "field 5", 23, iso8583.ErrUnknownField, 0},
		{"bytes after the last field", func(b []byte) []byte { b = append(b, 0xAB); b[1]++; return b }, "end", 123, iso8583.ErrLength, 10},
		{"nibble A in STAN", func(b []byte) []byte { b[23] = 0x0A; return b }, "field 11", 23, iso8583.ErrBCD, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := tt.edit(append([]byte(nil), good...))
			m, err := iso8583.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			var de *iso8583.DecodeError
			if !errors.As(m.Err(), &de) || de.Field != tt.field || de.Offset != tt.offset || !errors.Is(de, tt.wantErr) || de.Msg != "0810" {
				t.Fatalf("problem %v, want %s at offset %d (%v)", m.Err(), tt.field, tt.offset, tt.wantErr)
			}
			if len(m.Fields) != tt.fields {
				t.Errorf("%d fields read, want %d", len(m.Fields), tt.fields)
			}
			got, err := m.Encode(nil)
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("encode %X %v, want %X", got, err, b)
			}
			v := iso8583.Explain(m, iso8583.ViewOptions{})
			if len(v.Problems) == 0 || !strings.Contains(v.Problems[0], "offset") {
				t.Errorf("view problems %v", v.Problems)
			}
		})
	}
	for _, bad := range [][]byte{nil, {0x00}, {0x60, 0x00, 0x05}, good[:20], []byte("hello world, not 8583")} {
		if _, err := iso8583.Decode(bad); err == nil {
			t.Errorf("Decode(%X) = nil error", bad)
		}
	}
}

// TestEncodeBuilt builds a sign-in request with the setters and reads it back.
func TestEncodeBuilt(t *testing.T) {
	t.Parallel()
	m := &iso8583.Message{Parts: iso8583.Parts{Length: true, TPDU: true, Header: true},
		TPDU: []byte{0x60, 0, 5, 0, 0}, Header: []byte{0x60, 0x31, 0, 0x31, 0x11, 0x08}, MTI: "0800"}
	for _, err := range []error{m.SetDigits(11, "000122"), m.SetText(41, tid), m.SetText(42, mid), m.SetDigits(60, "00000001003"),
		m.SetText(62, "Sequence No12306NL1234567"), m.SetText(63, "001")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := m.Encode(nil)
	if err != nil || !bytes.Equal(got, vector(t, "0800-sign-in.hex")) {
		t.Errorf("encode %X %v", got, err)
	}
	if err := m.SetDigits(11, "12"); !errors.Is(err, iso8583.ErrLength) {
		t.Errorf("short STAN: %v", err)
	}
	if err := m.SetDigits(2, "62x"); !errors.Is(err, iso8583.ErrBCD) {
		t.Errorf("bad PAN: %v", err)
	}
}
