package zvt_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// testPAN is a full test card number; it must never appear in output.
const testPAN = "5598830123458074"

func cardInfo(t *testing.T) []byte {
	t.Helper()
	var si zvt.StatusInfo
	si.Fields.SetByte(zvt.BMPResultCode, 0)
	si.Fields.SetDigits(zvt.BMPPAN, testPAN)
	si.Fields.Set(zvt.BMPTrack2, []byte{0x55, 0x98, 0x83, 0x01, 0x23, 0x45, 0x80, 0x74, 0xD2, 0x51, 0x22, 0x01})
	si.Fields.Set(zvt.BMPTrack1, []byte("B5598830123458074^TEST/CARD^2512"))
	si.Fields.SetDigits(zvt.BMPCVV, "123")
	si.Fields.SetAmount(100)
	b, err := si.Encode(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMask(t *testing.T) {
	t.Parallel()
	in := cardInfo(t)
	orig := append([]byte(nil), in...)
	got := zvt.Mask(in)
	if !bytes.Equal(in, orig) {
		t.Fatalf("Mask modified its input")
	}
	var si zvt.StatusInfo
	if err := si.Decode(got); err != nil {
		t.Fatalf("masked APDU does not decode: %v", err)
	}
	if v, _ := si.Fields.Get(zvt.BMPPAN); zvt.Hex(v.Value) != "55 98 83 EE EE EE 80 74" {
		t.Errorf("masked PAN % X", v.Value)
	}
	for _, id := range []byte{zvt.BMPTrack2, zvt.BMPCVV} {
		v, _ := si.Fields.Get(id)
		if !bytes.Equal(v.Value, bytes.Repeat([]byte{0xEE}, len(v.Value))) {
			t.Errorf("BMP %02X not fully masked: % X", id, v.Value)
		}
	}
	if v, _ := si.Fields.Get(zvt.BMPTrack1); strings.Trim(string(v.Value), "*") != "" {
		t.Errorf("track 1 not masked: %q", v.Value)
	}
	if a, _ := si.Fields.Amount(); a != 100 {
		t.Errorf("amount changed: %d", a)
	}
	if strings.Contains(zvt.Hex(got), "01 23 45") {
		t.Errorf("masked hex still holds the middle digits: %s", zvt.Hex(got))
	}
	// Unparseable input is copied unchanged, never panics.
	for _, b := range [][]byte{nil, {0x04}, {0x04, 0x0F, 0x05, 0x22}} {
		if got := zvt.Mask(b); !bytes.Equal(got, b) {
			t.Errorf("Mask(% X) = % X", b, got)
		}
	}
}

func TestMaskShortPAN(t *testing.T) {
	t.Parallel()
	var si zvt.StatusInfo
	si.Fields.SetDigits(zvt.BMPPAN, "123456789") // 9 digits: only the last 4 stay
	b, _ := si.Encode(nil)
	var back zvt.StatusInfo
	_ = back.Decode(zvt.Mask(b))
	if d, _ := back.Fields.Get(zvt.BMPPAN); zvt.Hex(d.Value) != "EE EE E6 78 9F" {
		t.Errorf("masked short PAN % X", d.Value)
	}
}

// TestNoFullPANInOutput checks every way a decoded message leaves the
// package: JSON, Describe, Explain, Trace.
func TestNoFullPANInOutput(t *testing.T) {
	t.Parallel()
	in := cardInfo(t)
	var si zvt.StatusInfo
	if err := si.Decode(in); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(&si)
	if err != nil {
		t.Fatal(err)
	}
	sum, detail := zvt.Describe(in, zvt.CmdReadCard, zvt.CP437)
	view, _ := zvt.Explain(in, zvt.ViewOptions{})
	vj, _ := json.Marshal(view)
	var tr bytes.Buffer
	_ = zvt.Trace(&tr, zvt.TraceOptions{}).Message(time.Now(), terminal.FromTerminal, in)
	p, _ := si.Fields.PAN()
	fj, _ := json.Marshal(struct{ F zvt.Fields }{si.Fields})
	fd, _ := si.Fields.Get(zvt.BMPPAN)
	for name, out := range map[string]string{
		"json": string(js), "summary": sum, "detail": detail, "view": string(vj), "trace": tr.String(), "pan": p.String(),
		"fields json": string(fj), "%v": fmt.Sprintf("%v %+v", si, &si), "field": fd.String(),
	} {
		for _, leak := range []string{testPAN, "0123458074", "01 23 45", "TEST/CARD", "D2 51"} {
			if strings.Contains(out, leak) {
				t.Errorf("%s contains %q:\n%s", name, leak, out)
			}
		}
	}
	if !strings.Contains(string(js), `"559883******8074"`) || !strings.Contains(detail, "559883******8074") {
		t.Errorf("masked PAN missing:\n%s\n%s", js, detail)
	}
	// Unmask is explicit.
	view, _ = zvt.Explain(in, zvt.ViewOptions{Unmask: true})
	vj, _ = json.Marshal(view)
	if !strings.Contains(string(vj), testPAN) {
		t.Errorf("Unmask does not show the PAN: %s", vj)
	}
}

func TestMessageJSON(t *testing.T) {
	t.Parallel()
	apdu := vector(t, "v07-status-info-feig-auth.hex")
	var si zvt.StatusInfo
	if err := si.Decode(apdu); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(&si)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Type    string `json:"type"`
		Command string `json:"command"`
		Length  int    `json:"length"`
		Fields  []struct {
			Name  string `json:"name"`
			BMP   string `json:"bmp"`
			Hex   string `json:"hex"`
			Value any    `json:"value"`
			Text  string `json:"text"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	if got.Type != "status_info" || got.Command != "04 0F" || got.Length != 90 || len(got.Fields) != 16 {
		t.Fatalf("json %s", js)
	}
	want := map[string]any{"amount": 2500.0, "currency": 978.0, "pan": "559883******8074", "receipt_no": 231.0, "card_name": "MasterCard", "tid": "52523535"}
	for _, f := range got.Fields {
		if w, ok := want[f.Name]; ok && f.Value != w {
			t.Errorf("%s = %v, want %v", f.Name, f.Value, w)
		}
		if f.Name == "result_code" && (f.Hex != "00" || f.Text != "no error" || f.BMP != "27") {
			t.Errorf("result_code %+v", f)
		}
	}
	// A status completion has its own type.
	c, _ := zvt.DecodeStatusCompletion(vector(t, "v06-status-completion-feig-cvend.hex"), 0)
	js, _ = json.Marshal(c)
	if !strings.Contains(string(js), `"type":"status_completion"`) || !strings.Contains(string(js), `"value":"cVEND plug"`) {
		t.Errorf("status completion json: %s", js)
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in    string
		open        zvt.Command
		wantSummary string
	}{
		{"status info", "04 0F 09 27 6C 22 F0 F0 8B F0 F1 00", zvt.CmdAuthorization, "04 0F Status Information: result 6C abort via timeout or abort key"},
		{"intermediate", "04 FF 01 0A", zvt.CmdAuthorization, "04 FF Intermediate Status: 0A insert card"},
		{"ingenico", "04 FF 01 A1", zvt.CmdAuthorization, "04 FF Intermediate Status: A1 payment processed, please remove card (Ingenico)"},
		{"status completion", "06 0F 07 F0 F0 F3 62 6C 61 00", zvt.CmdStatusEnquiry, "06 0F Completion: version bla, status 00 ready"},
		{"nack", "84 83 00", zvt.CmdAuthorization, "84 83 Nack: result 83 function not possible"},
		{"abort", "06 1E 01 6C", zvt.CmdAuthorization, "06 1E Abort: result 6C abort via timeout or abort key"},
		{"malformed", "04 0F 05 27", zvt.CmdAuthorization, "04 0F Status Information (malformed)"},
		{"garbage", "04", 0, "malformed (malformed)"},
		{"text block", "06 D3 10 06 0E 1F 07 01 02 25 08 07 01 41 07 00 09 01 FF", 0, "06 D3 Print Text-Block: 2 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sum, _ := zvt.Describe(unhex(t, tt.in), tt.open, zvt.CP437)
			if sum != tt.wantSummary {
				t.Errorf("summary %q\nwant    %q", sum, tt.wantSummary)
			}
		})
	}
}

func TestCodeTables(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ got, want string }{
		{zvt.ResultCodeText(0x00), "no error"},
		{zvt.ResultCodeText(0x37), "host response code 55"},
		{zvt.ResultCodeText(0x78), "card expired"},
		{zvt.ResultCodeText(0x70), "unknown (0x70)"},
		{zvt.TerminalStatusText(0xF0), "reconciliation required"},
		{zvt.TerminalStatusText(0x01), "unknown (0x01)"},
		{zvt.IntermediateText(0x0A), "insert card"},
		{zvt.IntermediateText(0x4A), "insert card, please remove card"},
		{zvt.IntermediateText(0xA0), "payment processed (Ingenico)"},
		{zvt.IntermediateText(0xA5), "cancellation not possible, please remove card (Ingenico)"},
		{zvt.IntermediateText(0x30), "unknown (0x30)"},
		{zvt.DeviceStateText(2), "no keys"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestCharsets(t *testing.T) {
	t.Parallel()
	if got := zvt.CP437.DecodeText([]byte{0x47, 0x81, 0x6C, 0x74, 0x69, 0x67}); got != "Gültig" {
		t.Errorf("CP437 %q", got)
	}
	if got := zvt.ISO88591.DecodeText([]byte{0x48, 0xC4, 0x4E}); got != "HÄN" {
		t.Errorf("ISO-8859-1 %q", got)
	}
	if got := zvt.UTF8.DecodeText([]byte{0xC3, 0xA4, 0xFF}); got != "ä\uFFFD" {
		t.Errorf("UTF-8 %q", got)
	}
	for _, cs := range []zvt.Charset{zvt.CP437, zvt.ISO88591, zvt.UTF8} {
		b, err := cs.EncodeText("Händler ü")
		if err != nil || cs.DecodeText(b) != "Händler ü" {
			t.Errorf("%s round trip: %q %v", cs, b, err)
		}
		back, err := zvt.ParseCharset(cs.String())
		if err != nil || back != cs {
			t.Errorf("ParseCharset(%s) = %v %v", cs, back, err)
		}
	}
	if _, err := zvt.ISO88591.EncodeText("€"); err == nil {
		t.Errorf("€ in ISO-8859-1 accepted")
	}
	if _, err := zvt.ParseCharset("ebcdic"); err == nil || !strings.Contains(err.Error(), "cp437, iso8859-1, utf8") {
		t.Errorf("ParseCharset error %v", err)
	}
}

func TestMaskPassword(t *testing.T) {
	t.Parallel()
	for _, m := range []zvt.Message{
		&zvt.Registration{Password: "123456", Config: 0x8E},
		zvt.NewReversal("123456", 7, 0),
		&zvt.StatusEnquiry{Password: "123456"},
	} {
		b, _ := m.Encode(nil)
		masked := zvt.Mask(b)
		if bytes.Contains(masked, []byte{0x12, 0x34, 0x56}) || !bytes.Contains(masked, []byte{0xEE, 0xEE, 0xEE}) {
			t.Errorf("%s: % X", m.Command(), masked)
		}
		// A masked trace still decodes, and round-trips.
		back, err := zvt.DecodeECR(masked)
		if err != nil {
			t.Fatalf("%s: masked APDU does not decode: %v", m.Command(), err)
		}
		again, err := back.Encode(nil)
		if err != nil || !bytes.Equal(again, masked) {
			t.Errorf("%s: re-encode % X %v", m.Command(), again, err)
		}
	}
}
