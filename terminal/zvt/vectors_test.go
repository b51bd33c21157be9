package zvt_test

import (
	"bytes"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal/link"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// vector reads fixtures/vectors/NAME as bytes.
func vector(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS, "vectors/"+name)
	if err != nil {
		t.Fatal(err)
	}
	v, err := zvt.ParseHex(string(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// apdus splits a vector file into its APDUs.
func apdus(t testing.TB, name string) [][]byte {
	t.Helper()
	out, err := zvt.SplitAPDUs(vector(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := zvt.ParseHex(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// roundTrip encodes m and checks the bytes equal want.
func roundTrip(t *testing.T, m zvt.Message, want []byte) {
	t.Helper()
	got, err := m.Encode(nil)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Encode =\n% X\nwant\n% X", got, want)
	}
}

func field(t *testing.T, f zvt.Fields, id byte) []byte {
	t.Helper()
	fd, ok := f.Get(id)
	if !ok {
		t.Fatalf("BMP %02X missing", id)
	}
	return fd.Value
}

func TestVectorV4Registration(t *testing.T) {
	t.Parallel()
	msgs := apdus(t, "v04-registration-spec.hex")
	if len(msgs) != 3 {
		t.Fatalf("%d APDUs, want 3", len(msgs))
	}
	m, err := zvt.DecodeECR(msgs[0])
	if err != nil {
		t.Fatal(err)
	}
	reg, ok := m.(*zvt.Registration)
	if !ok {
		t.Fatalf("DecodeECR = %T, want *Registration", m)
	}
	if reg.Password != "000000" || reg.Config != 0x9E || reg.Currency != 978 {
		t.Errorf("password %q config %02X currency %d, want 000000 9E 978", reg.Password, reg.Config, reg.Currency)
	}
	l, ok := reg.Fields.TLV()
	if !ok || len(l) != 2 {
		t.Fatalf("TLV = %v, want 2 objects", l)
	}
	if cmd, ok := l.Value(zvt.TagZVTCommand); !ok || !bytes.Equal(cmd, []byte{0x06, 0xD3}) {
		t.Errorf("TLV 26/0A = % X, want 06 D3", cmd)
	}
	if l[0].Tag != zvt.TagPermittedCmds || len(l[0].Children) != 1 {
		t.Errorf("first TLV = %v, want 26 with one child", l[0])
	}
	if seq, _ := l.Value(zvt.TagMsgSeqID); !bytes.Equal(seq, []byte{0, 0, 0}) {
		t.Errorf("1F73 = % X, want 00 00 00", seq)
	}
	roundTrip(t, reg, msgs[0])

	pm, err := zvt.DecodePT(msgs[1], zvt.CmdRegistration)
	if err != nil {
		t.Fatal(err)
	}
	if ack, ok := pm.(*zvt.Ack); !ok || len(ack.Fields.List) != 0 {
		t.Errorf("second = %#v, want empty Ack", pm)
	}

	c, err := zvt.DecodeCompletion(zvt.CmdRegistration, msgs[2])
	if err != nil {
		t.Fatal(err)
	}
	if sb, _ := c.Fields.StatusByte(); sb != 0 {
		t.Errorf("status byte %02X, want 00", sb)
	}
	if tid, _ := c.TID(); tid != "65000028" {
		t.Errorf("TID %q, want 65000028", tid)
	}
	if cc, _ := c.Fields.Currency(); cc != 978 {
		t.Errorf("currency %d, want 978", cc)
	}
	if cmd, _ := c.Fields.TLVValue(zvt.TagZVTCommand); !bytes.Equal(cmd, []byte{0x06, 0xD3}) {
		t.Errorf("completion TLV 0A = % X, want 06 D3", cmd)
	}
	roundTrip(t, c, msgs[2])
}

func TestVectorV6StatusCompletion(t *testing.T) {
	t.Parallel()
	apdu := vector(t, "v06-status-completion-feig-cvend.hex")
	c, err := zvt.DecodeStatusCompletion(apdu, 0)
	if err != nil {
		t.Fatal(err)
	}
	const ver = "GER-APP-v2.0.9;cS02.01.01-10.10-2-2;CC26"
	if !c.HasVersion || c.SoftwareVersion(zvt.CP437) != ver {
		t.Errorf("version %q, want %q", c.Version, ver)
	}
	if c.TerminalStatus != 0x00 {
		t.Errorf("terminal status %02X, want 00", c.TerminalStatus)
	}
	// 1F44 is BCD: 52 52 35 35 is TID 52523535, as the same terminal's
	// BMP 29 and receipts show (issue 12), not the ASCII "RR55".
	if tid, _ := c.TID(); tid != "52523535" {
		t.Errorf("TID %q, want 52523535", tid)
	}
	l, _ := c.Fields.TLV()
	for _, tt := range []struct {
		tag  zvt.Tag
		want string
	}{
		{zvt.TagDeviceName, "cVEND plug"},
		{zvt.TagSoftwareVersion, ver},
		{zvt.TagSerialNumber, "\x17\xFD\x1E\x3C"},
		{zvt.TagDeviceState, "\x00"},
		{zvt.TagDate, "\x20\x23\x04\x05"},
		{zvt.TagTime, "\x22\x56\x55"},
	} {
		if v, ok := l.Value(tt.tag); !ok || string(v) != tt.want {
			t.Errorf("TLV %s = %q, want %q", tt.tag, v, tt.want)
		}
	}
	if dev, _ := l.Find(zvt.TagDeviceInfo); len(dev.Children) != 4 {
		t.Errorf("E4 has %d children, want 4", len(dev.Children))
	}
	roundTrip(t, c, apdu)

	// Read as an ordinary BMP Completion the same bytes make no sense:
	// the form depends on the open command.
	other, err := zvt.DecodeCompletion(zvt.CmdAuthorization, apdu)
	if err == nil && len(other.Fields.Rest) == 0 {
		t.Errorf("as a BMP completion: no error and nothing left raw")
	}
}

func TestVectorV7StatusInfo(t *testing.T) {
	t.Parallel()
	apdu := vector(t, "v07-status-info-feig-auth.hex")
	m, err := zvt.DecodePT(apdu, zvt.CmdAuthorization)
	if err != nil {
		t.Fatal(err)
	}
	si := m.(*zvt.StatusInfo)
	f := si.Fields
	if rc, ok := f.ResultCode(); !ok || rc != 0 {
		t.Errorf("result %02X %v, want 00", rc, ok)
	}
	if a, _ := f.Amount(); a != 2500 {
		t.Errorf("amount %d, want 2500", a)
	}
	if cc, _ := f.Currency(); cc != 978 {
		t.Errorf("currency %d, want 978", cc)
	}
	if d, _ := f.Digits(zvt.BMPTime); d != "225558" {
		t.Errorf("time %q, want 225558", d)
	}
	if d, _ := f.Digits(zvt.BMPDate); d != "0405" {
		t.Errorf("date %q, want 0405", d)
	}
	if d, _ := f.Digits(zvt.BMPPAN); d != "559883******8074" {
		t.Errorf("PAN digits %q, want 559883******8074", d)
	}
	if p, _ := f.PAN(); p.String() != "559883******8074" {
		t.Errorf("PAN %q, want 559883******8074", p)
	}
	if r, _ := f.Receipt(); r != 231 {
		t.Errorf("receipt %d, want 231", r)
	}
	if a, _ := f.AuthCode(); a != "750071" {
		t.Errorf("auth code %q, want 750071", a)
	}
	if tr, _ := f.Trace(); tr != 975 {
		t.Errorf("trace %d, want 975", tr)
	}
	if sb, _ := f.StatusByte(); sb != 0x60 {
		t.Errorf("payment type %02X, want 60 (online)", sb)
	}
	if tid, _ := f.TID(); tid != "52523535" {
		t.Errorf("TID %q, want 52523535", tid)
	}
	if e, _ := f.Expiry(); e != "2405" {
		t.Errorf("expiry %q, want 2405", e)
	}
	if ct, _ := f.CardType(); ct != 6 || zvt.CardTypeText(ct) != "Mastercard" {
		t.Errorf("card type %d, want 6 Mastercard", ct)
	}
	if b, _ := f.Byte(0x8C); b != 1 {
		t.Errorf("8C = %d, want 1", b)
	}
	if n, _ := f.CardName(zvt.CP437); n != "MasterCard" {
		t.Errorf("card name %q, want MasterCard", n)
	}
	if vu, _ := f.Text(zvt.BMPVUNumber, zvt.CP437); vu != "804011926" {
		t.Errorf("VU %q, want 804011926", vu)
	}
	if len(f.List) != 16 || len(f.Rest) != 0 {
		t.Errorf("%d BMPs, %d raw bytes, want 16 and 0", len(f.List), len(f.Rest))
	}
	roundTrip(t, si, apdu)
}

func TestVectorV9EmptyLLVAR(t *testing.T) {
	t.Parallel()
	apdu := vector(t, "v09-empty-llvar.hex")
	var si zvt.StatusInfo
	if err := si.Decode(apdu); err != nil {
		t.Fatal(err)
	}
	if rc, _ := si.Fields.ResultCode(); rc != 0x6C {
		t.Errorf("result %02X, want 6C", rc)
	}
	if v := field(t, si.Fields, zvt.BMPPAN); len(v) != 0 {
		t.Errorf("PAN % X, want empty", v)
	}
	if p, ok := si.Fields.PAN(); !ok || !p.IsZero() {
		t.Errorf("PAN %q %v, want zero and present", p, ok)
	}
	if n, ok := si.Fields.CardName(zvt.CP437); !ok || n != "" {
		t.Errorf("card name %q, want empty", n)
	}
	if v := field(t, si.Fields, zvt.BMPCardName); !bytes.Equal(v, []byte{0}) {
		t.Errorf("8B % X, want 00", v)
	}
	roundTrip(t, &si, apdu)

	_, err := zvt.DecodePT(vector(t, "v09-length-past-end.hex"), zvt.CmdAuthorization)
	var de *zvt.DecodeError
	if !errors.Is(err, zvt.ErrShort) || !errors.As(err, &de) || de.Offset != 3 || de.Field != "data" {
		t.Errorf("length past end: err = %v, want short data at offset 3", err)
	}
}

func TestVectorV10AbortExtraBMP(t *testing.T) {
	t.Parallel()
	apdu := vector(t, "v10-abort-extra-bmp.hex")
	m, err := zvt.DecodePT(apdu, zvt.CmdAuthorization)
	if err != nil {
		t.Fatal(err)
	}
	a := m.(*zvt.AbortPT)
	if a.ResultCode != 0xB8 || zvt.ResultCodeText(a.ResultCode) != "error pre-authorisation" {
		t.Errorf("result %02X, want B8", a.ResultCode)
	}
	if v := field(t, a.Fields, zvt.BMPReceipt); !bytes.Equal(v, []byte{0xFF, 0xFF}) {
		t.Errorf("87 = % X, want FF FF", v)
	}
	if _, ok := a.Fields.Receipt(); ok {
		t.Errorf("receipt FF FF read as a number")
	}
	roundTrip(t, a, apdu)
}

func TestVectorV12IntermediateTLV(t *testing.T) {
	t.Parallel()
	apdu := vector(t, "v12-intermediate-tlv.hex")
	m, err := zvt.DecodePT(apdu, zvt.CmdAuthorization)
	if err != nil {
		t.Fatal(err)
	}
	is := m.(*zvt.IntermediateStatus)
	if is.Code != 0x17 || !is.HasTimeout || is.Timeout != 3 {
		t.Errorf("code %02X timeout %v %d, want 17 and 3 minutes", is.Code, is.HasTimeout, is.Timeout)
	}
	if d, ok := is.T4(); !ok || d.Minutes() != 3 {
		t.Errorf("T4 %v, want 3m", d)
	}
	if lines := is.Lines(zvt.CP437); !reflect.DeepEqual(lines, []string{"00 Approved"}) {
		t.Errorf("lines %q, want [00 Approved]", lines)
	}
	if is.Text(zvt.CP437) != "00 Approved" {
		t.Errorf("text %q", is.Text(zvt.CP437))
	}
	if seq, _ := is.Fields.TLVValue(zvt.TagMsgSeqID); !bytes.Equal(seq, []byte{0, 0, 8}) {
		t.Errorf("1F73 % X, want 00 00 08", seq)
	}
	roundTrip(t, is, apdu)
}

func TestVectorV13PrintLineTrailingTLV(t *testing.T) {
	t.Parallel()
	apdu := vector(t, "v13-print-line-trailing-tlv.hex")
	m, err := zvt.DecodePT(apdu, zvt.CmdAuthorization)
	if err != nil {
		t.Fatal(err)
	}
	pl := m.(*zvt.PrintLine)
	if pl.Attribute != 0x40 {
		t.Errorf("attribute %02X, want 40", pl.Attribute)
	}
	if got := zvt.ISO88591.DecodeText(pl.Text); got != "** HÄNDLERBELEG **" {
		t.Errorf("text %q, want ** HÄNDLERBELEG **", got)
	}
	if rt, _ := pl.TLV.Value(zvt.TagReceiptType); !bytes.Equal(rt, []byte{1}) {
		t.Errorf("1F07 = % X, want 01", rt)
	}
	roundTrip(t, pl, apdu)
}

func TestVectorV14AckExtendedLength(t *testing.T) {
	t.Parallel()
	apdu := vector(t, "v14-ack-extended-length.hex")
	if len(apdu) != 5+0x441 {
		t.Fatalf("vector is %d bytes", len(apdu))
	}
	a, n, err := zvt.ReadAPDU(apdu)
	if err != nil || n != len(apdu) || len(a.Data) != 0x0441 {
		t.Fatalf("ReadAPDU: n %d data %d err %v, want little-endian 0x0441", n, len(a.Data), err)
	}
	m, err := zvt.DecodePT(apdu, 0)
	if err != nil {
		t.Fatal(err)
	}
	ack := m.(*zvt.Ack)
	l, _ := ack.Fields.TLV()
	file, ok := l.Find(0x2D)
	if !ok || len(file.Children) != 3 {
		t.Fatalf("TLV 2D = %v, want 3 children", file)
	}
	if v, _ := l.Value(0x1C); len(v) != 0x042C || v[0] != 0x7B {
		t.Errorf("1C is %d bytes, want 0x042C (big-endian 82 04 2C) starting 7B", len(v))
	}
	roundTrip(t, ack, apdu)
}

// TestExtendedPrintTextBlock builds a receipt above 1 KB the way Feig sends
// them (research/zvt.md §5 V5: 40-column lines, empty 07 00 lines, 09 FF at
// the end), checks the FF lo hi little-endian APDU length and the 82 hi lo
// big-endian TLV lengths, and decodes it back.
func TestExtendedPrintTextBlock(t *testing.T) {
	t.Parallel()
	apdu := bigTextBlock(t, 30)
	if len(apdu) <= 1024 {
		t.Fatalf("block is %d bytes, want > 1 KB", len(apdu))
	}
	n := len(apdu) - 5
	if apdu[2] != 0xFF || int(apdu[3])|int(apdu[4])<<8 != n {
		t.Fatalf("header % X, want FF %02X %02X", apdu[:5], byte(n), byte(n>>8))
	}
	if apdu[5] != 0x06 || apdu[6] != 0x82 || int(apdu[7])<<8|int(apdu[8]) != n-4 {
		t.Fatalf("TLV header % X, want 06 82 with big-endian %d", apdu[5:9], n-4)
	}
	var tb zvt.PrintTextBlock
	if err := tb.Decode(apdu); err != nil {
		t.Fatal(err)
	}
	lines := tb.Lines(zvt.CP437)
	if len(lines) != 60 || lines[0] != "Gültig   line 00 ................. end" || lines[1] != "" {
		t.Fatalf("lines: %d, first %q %q", len(lines), lines[0], lines[1])
	}
	if rt, _ := tb.ReceiptType(); rt != 2 {
		t.Errorf("receipt type %d, want 2", rt)
	}
	if attr, _ := tb.Fields.TLVValue(zvt.TagAttribute); !bytes.Equal(attr, []byte{0xFF}) {
		t.Errorf("attribute % X, want FF", attr)
	}
	roundTrip(t, &tb, apdu)
}

func bigTextBlock(t testing.TB, nlines int) []byte {
	t.Helper()
	var lines []string
	for i := range nlines {
		lines = append(lines, "Gültig   line "+twoDigits(i)+" ................. end", "")
	}
	tb, err := zvt.NewPrintTextBlock(0x02, lines, zvt.CP437)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tb.Encode(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func twoDigits(i int) string { return string([]byte{'0' + byte(i/10%10), '0' + byte(i%10)}) }

// TestVectorsSerial unframes V1–V3 with terminal/link and checks the APDUs.
func TestVectorsSerial(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want []string // APDUs
	}{
		{"v01-serial-auth-payone-p400.hex", []string{"06 01 07 04 00 00 00 00 01 90"}},
		{"v02-serial-registration-crc.hex", []string{"06 00 04 00 00 00 30"}},
		{"v03-serial-three-frames.hex", []string{"06 00 04 12 34 56 8E", "80 00 00", "06 0F 0A 19 10 29 52 52 35 35 49 09 78"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b := vector(t, tt.file)
			var got []string
			for len(b) > 0 {
				apdu, n, err := link.Unframe(b)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, zvt.Hex(apdu))
				b = b[n:]
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("APDUs %q, want %q", got, tt.want)
			}
		})
	}

	b := vector(t, "v01-serial-auth-payone-p400.hex")
	apdu, _, _ := link.Unframe(b)
	auth, err := zvt.DecodeECR(apdu)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := auth.(*zvt.Authorization).Fields.Amount(); a != 190 {
		t.Errorf("V1 amount %d, want 190", a)
	}
	b = vector(t, "v03-serial-three-frames.hex")
	var last []byte
	for len(b) > 0 {
		apdu, n, _ := link.Unframe(b)
		last, b = apdu, b[n:]
	}
	c, err := zvt.DecodeCompletion(zvt.CmdRegistration, last)
	if err != nil {
		t.Fatal(err)
	}
	if sb, _ := c.Fields.StatusByte(); sb != 0x10 {
		t.Errorf("V3 status byte %02X, want 10 (the DLE-doubled byte)", sb)
	}
	v2, err := zvt.DecodeECR(unhex(t, "06 00 04 00 00 00 30"))
	if err != nil || v2.(*zvt.Registration).Password != "000000" || v2.(*zvt.Registration).Config != 0x30 || v2.(*zvt.Registration).Currency != 0 {
		t.Errorf("V2 registration %#v %v", v2, err)
	}
	reg, err := zvt.DecodeECR(unhex(t, "06 00 04 12 34 56 8E"))
	if err != nil || reg.(*zvt.Registration).Password != "123456" || reg.(*zvt.Registration).Config != 0x8E {
		t.Errorf("V3 registration %#v %v", reg, err)
	}
}

// TestVectorFilesHaveProvenance checks each vector names its source.
func TestVectorFilesHaveProvenance(t *testing.T) {
	t.Parallel()
	entries, err := fs.ReadDir(fixtures.FS, "vectors")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".hex") {
			continue
		}
		b, _ := fs.ReadFile(fixtures.FS, "vectors/"+e.Name())
		if !strings.HasPrefix(string(b), "# ") || !strings.Contains(string(b), "zvt.md") {
			t.Errorf("%s: first line must be a comment naming its source (research/zvt.md §5)", e.Name())
		}
	}
}
