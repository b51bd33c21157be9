package zvt_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func fieldsOf(set func(f *zvt.Fields)) zvt.Fields {
	var f zvt.Fields
	set(&f)
	return f
}

// messages is one value of every message type, as the console or the
// simulator builds them.
func messages(t testing.TB) []zvt.Message {
	tb, err := zvt.NewPrintTextBlock(0x01, []string{"Kartenzahlung", "", "Betrag EUR 25,00"}, zvt.CP437)
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 11, 21, 16, 30, 5, 0, time.UTC)
	return []zvt.Message{
		&zvt.Registration{Password: "000000", Config: 0x9E, Currency: 978, Fields: fieldsOf(func(f *zvt.Fields) {
			f.SetByte(zvt.BMPServiceByte, 0x00)
			f.SetTLV(zvt.TLVList{zvt.NewConstructed(zvt.TagPermittedCmds, zvt.NewTLV(zvt.TagZVTCommand, []byte{0x06, 0xD3}))})
		})},
		&zvt.Registration{Password: "123456", Config: 0x8E},
		&zvt.LogOff{},
		&zvt.StatusEnquiry{},
		&zvt.StatusEnquiry{Password: "000000", Fields: fieldsOf(func(f *zvt.Fields) { f.SetByte(zvt.BMPServiceByte, zvt.ServiceSendTLV) })},
		zvt.NewAuthorization(2500, 978),
		zvt.NewReversal("000000", 231, 2500),
		&zvt.Refund{Password: "000000", Fields: fieldsOf(func(f *zvt.Fields) { f.SetAmount(100) })},
		&zvt.ReadCard{HasTimeout: true, Timeout: 15, Fields: fieldsOf(func(f *zvt.Fields) {
			f.SetByte(zvt.BMPStatusByte, 0x10)
			f.SetByte(zvt.BMPDialogControl, 0x02)
		})},
		&zvt.ReadCard{},
		zvt.NewDiagnosis(zvt.DiagnosisExtended),
		zvt.NewDiagnosis(0),
		&zvt.RepeatReceipt{Password: "000000"},
		&zvt.AbortECR{},
		&zvt.EndOfDay{Password: "000000"},
		&zvt.PrintSystemConfig{},
		&zvt.Initialisation{Password: "000000"},
		zvt.NewSetDateTime("000000", ts),
		&zvt.Selftest{},
		&zvt.Completion{Open: zvt.CmdAuthorization},
		&zvt.Completion{Open: zvt.CmdRegistration, Fields: fieldsOf(func(f *zvt.Fields) {
			f.SetByte(zvt.BMPStatusByte, 0)
			f.SetDigits(zvt.BMPTID, "52523535")
			f.SetCurrency(978)
		})},
		&zvt.Completion{Open: zvt.CmdStatusEnquiry, HasVersion: true, Version: []byte("SIM-1.0"), TerminalStatus: 0x51,
			Fields: fieldsOf(func(f *zvt.Fields) {
				f.SetTLV(zvt.TLVList{
					zvt.NewTLV(zvt.TagTID, []byte("52523535")),
					zvt.NewConstructed(zvt.TagDeviceInfo, zvt.NewTLV(zvt.TagDeviceName, []byte("sim")), zvt.NewTLV(zvt.TagDeviceState, []byte{1})),
				})
			})},
		&zvt.AbortPT{ResultCode: 0x6C},
		&zvt.AbortPT{ResultCode: 0xFF, Fields: fieldsOf(func(f *zvt.Fields) {
			f.SetTLV(zvt.TLVList{zvt.NewTLV(zvt.TagExtErrorText, []byte("Abbruch"))})
		})},
		&zvt.StatusInfo{Fields: fieldsOf(func(f *zvt.Fields) {
			f.SetByte(zvt.BMPResultCode, 0)
			f.SetAmount(2500)
			f.SetDigits(zvt.BMPPAN, "559883******8074")
			f.SetUint(zvt.BMPReceipt, 231)
			f.SetUint(zvt.BMPTrace, 975)
			f.SetText(zvt.BMPCardName, "MasterCard", zvt.CP437)
		})},
		&zvt.IntermediateStatus{Code: 0x0A},
		&zvt.IntermediateStatus{Code: 0xFF, HasTimeout: true, Timeout: 5, Fields: fieldsOf(func(f *zvt.Fields) {
			f.SetTLV(zvt.TLVList{zvt.NewConstructed(zvt.TagDisplayTexts, zvt.NewTLV(zvt.TagTextLine, []byte("Karte")))})
		})},
		&zvt.PrintLine{Attribute: 0x00, Text: []byte("Betrag")},
		&zvt.PrintLine{Attribute: 0x40, Text: []byte("** H\xc4NDLERBELEG **"), TLV: zvt.TLVList{zvt.NewTLV(zvt.TagReceiptType, []byte{1})}},
		tb,
		zvt.NewSetTimeECR(ts),
		&zvt.Ack{},
		&zvt.Ack{Fields: fieldsOf(func(f *zvt.Fields) {
			f.SetTLV(zvt.TLVList{zvt.NewTLV(zvt.TagMsgSeqID, []byte{0, 0, 1})})
		})},
		&zvt.Nack{Code: 0x83},
		&zvt.Nack{Code: 0x9D, Data: []byte{0x07, 0x04}},
		&zvt.RawAPDU{Class: 0x08, Instr: 0x50, Data: []byte{1, 2, 3}},
	}
}

func TestRoundTripAllMessages(t *testing.T) {
	t.Parallel()
	for _, m := range messages(t) {
		t.Run(m.Command().String(), func(t *testing.T) {
			b1, err := m.Encode(nil)
			if err != nil {
				t.Fatal(err)
			}
			open := zvt.CmdAuthorization
			if c, ok := m.(*zvt.Completion); ok {
				open = c.Open
			}
			m2, err := zvt.DecodeMessage(b1, open)
			if err != nil {
				t.Fatalf("decode % X: %v", b1, err)
			}
			if reflect.TypeOf(m2) != reflect.TypeOf(m) {
				t.Fatalf("decoded as %T, want %T", m2, m)
			}
			b2, err := m2.Encode(nil)
			if err != nil || !bytes.Equal(b1, b2) {
				t.Fatalf("re-encode = % X, %v\nwant % X", b2, err, b1)
			}
			m3, err := zvt.DecodeMessage(b2, open)
			if err != nil || !reflect.DeepEqual(m2, m3) {
				t.Fatalf("decode→encode→decode differs: %v\n%+v\n%+v", err, m2, m3)
			}
			// Encode appends.
			b3, _ := m.Encode([]byte{0xAA})
			if b3[0] != 0xAA || !bytes.Equal(b3[1:], b1) {
				t.Fatalf("Encode does not append")
			}
		})
	}
}

func TestDecodeSides(t *testing.T) {
	t.Parallel()
	for _, m := range messages(t) {
		b, _ := m.Encode(nil)
		_, isECR := m.(zvt.ECRMessage)
		_, isPT := m.(zvt.PTMessage)
		e, errE := zvt.DecodeECR(b)
		p, errP := zvt.DecodePT(b, zvt.CmdAuthorization)
		switch {
		case isECR && isPT: // Ack, Nack, RawAPDU
			if errE != nil || errP != nil {
				t.Errorf("%s: %v %v", m.Command(), errE, errP)
			}
		case isECR:
			if errE != nil || reflect.TypeOf(e) != reflect.TypeOf(m) {
				t.Errorf("%s: DecodeECR = %T %v", m.Command(), e, errE)
			}
			if _, raw := p.(*zvt.RawAPDU); errP == nil && !raw {
				t.Errorf("%s: DecodePT = %T, want RawAPDU", m.Command(), p)
			}
		case isPT:
			if _, isC := m.(*zvt.Completion); !isC && (errP != nil || reflect.TypeOf(p) != reflect.TypeOf(m)) {
				t.Errorf("%s: DecodePT = %T %v", m.Command(), p, errP)
			}
		}
	}
}

func TestMessageDecodeRejects(t *testing.T) {
	t.Parallel()
	var si zvt.StatusInfo
	if err := si.Decode(unhex(t, "04 FF 01 0A")); err == nil {
		t.Errorf("StatusInfo.Decode accepted 04 FF")
	}
	if err := si.Decode(unhex(t, "04 0F 02 27 00 80 00 00")); err == nil {
		t.Errorf("StatusInfo.Decode accepted trailing bytes")
	}
	var lo zvt.LogOff
	if err := lo.Decode(unhex(t, "06 02 01 00")); err == nil {
		t.Errorf("LogOff.Decode accepted data")
	}
	var reg zvt.Registration
	if err := reg.Decode(unhex(t, "06 00 03 00 00 00")); err == nil {
		t.Errorf("Registration without config byte accepted")
	}
	if _, err := (&zvt.Registration{Password: "12345"}).Encode(nil); err == nil {
		t.Errorf("5-digit password accepted")
	}
	if _, err := (&zvt.StatusEnquiry{Fields: fieldsOf(func(f *zvt.Fields) { f.SetByte(3, 0) })}).Encode(nil); err == nil {
		t.Errorf("Status Enquiry with BMPs and no password accepted")
	}
	if _, err := (&zvt.IntermediateStatus{HasTimeout: true, Timeout: 100}).Encode(nil); err == nil {
		t.Errorf("T4 of 100 minutes accepted")
	}
}

func TestSetDateTime(t *testing.T) {
	t.Parallel()
	ts := time.Date(2026, 11, 21, 16, 30, 5, 0, time.UTC)
	m := zvt.NewSetDateTime("000000", ts)
	b, _ := m.Encode(nil)
	if want := "06 91 0B 00 00 00 AA 26 11 21 0C 16 30 05"; zvt.Hex(b) != want {
		t.Fatalf("encode %s, want %s", zvt.Hex(b), want)
	}
	if got, ok := m.Time(time.UTC); !ok || !got.Equal(ts) {
		t.Errorf("Time = %v %v", got, ok)
	}
	var st zvt.SetTimeECR
	if err := st.Decode(unhex(t, "04 01 08 AA 26 13 21 0C 16 30 05")); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Time(time.UTC); ok {
		t.Errorf("month 13 accepted")
	}
}

// TestAllMessagesJSONAndDescribe checks every message's JSON has the type
// key and snake_case names, and that Describe names it.
func TestAllMessagesJSONAndDescribe(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, m := range messages(t) {
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("%s: %v", m.Command(), err)
		}
		var v struct {
			Type    string `json:"type"`
			Command string `json:"command"`
			Fields  []struct {
				Name string `json:"name"`
			} `json:"fields"`
		}
		if err := json.Unmarshal(js, &v); err != nil || v.Type == "" || v.Command != m.Command().Hex() {
			t.Errorf("%s: json %s (%v)", m.Command(), js, err)
		}
		for _, f := range v.Fields {
			if f.Name != strings.ToLower(f.Name) || strings.ContainsAny(f.Name, " -") {
				t.Errorf("%s: field name %q is not snake_case", m.Command(), f.Name)
			}
		}
		seen[v.Type] = true
		b, _ := m.Encode(nil)
		open := zvt.CmdAuthorization
		if c, ok := m.(*zvt.Completion); ok {
			open = c.Open
		}
		if sum, _ := zvt.Describe(b, open, zvt.CP437); !strings.HasPrefix(sum, m.Command().Hex()+" "+m.Command().Name()) {
			t.Errorf("Describe = %q", sum)
		}
		_ = m.Command().String()
	}
	if len(seen) != 26 {
		t.Errorf("only %d message types seen: %v", len(seen), seen)
	}
}
