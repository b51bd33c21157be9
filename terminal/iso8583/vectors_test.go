package iso8583_test

import (
	"bytes"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal/iso8583"
)

// vector reads fixtures/vectors/iso8583/NAME (annotated hex).
func vector(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS, path.Join("vectors/iso8583", name))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := iso8583.ParseHex(string(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return raw
}

// vectorNames lists every vector file.
func vectorNames(t testing.TB) []string {
	t.Helper()
	ents, err := fs.ReadDir(fixtures.FS, "vectors/iso8583")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".hex") {
			out = append(out, e.Name())
		}
	}
	return out
}

const (
	pan    = "6217001234567890123"
	track2 = "6217001234567890123=2812220123456789"
	tid    = "12345678"
	mid    = "898440154110001"
)

// Shared field values of the vectors (README.md lists them byte for byte).
var (
	purchaseFields = map[int]string{2: pan, 3: "000000", 4: "000000012345", 11: "000123", 14: "2812", 22: "051", 23: "001",
		25: "00", 26: "06", 35: track2, 41: tid, 42: mid, 49: "156", 52: "7F3E9A0B4C5D6E21", 53: "2600000000000000",
		60: "2200000100050", 64: "4F1E2D3C"}
	answerFields = map[int]string{2: pan, 3: "000000", 4: "000000012345", 11: "000123", 12: "143015", 13: "1202", 15: "1202",
		25: "00", 32: "48020000", 37: "120214301501", 41: tid, 42: mid, 44: "03080000   48020000   ", 49: "156",
		60: "22000001000", 63: "CUP", 64: "8E7D6C5B"}
)

func with(base map[int]string, set map[int]string, drop ...int) map[int]string {
	out := map[int]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range set {
		out[k] = v
	}
	for _, k := range drop {
		delete(out, k)
	}
	return out
}

// fieldText is how a field is compared: n/z digits, ans text, b hex (55, 62
// by their length and hex below).
func fieldText(m *iso8583.Message, n int) string {
	switch n {
	case 64:
		f, _ := m.Field(n)
		return string(f.Value) // the ASCII form of the MAC
	case 52, 55, 62:
		f, _ := m.Field(n)
		return strings.ToUpper(hexOf(f.Value))
	}
	return m.Text(n)
}

func hexOf(b []byte) string {
	const d = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, d[c>>4], d[c&15])
	}
	return string(out)
}

const (
	f55Purchase = "9F26081A2B3C4D5E6F70819F2701809F100F07010103A0A802010A0100000000009F37045A3C9E019F360200" +
		"2A95050000A080009A032612029C01009F02060000000123455F2A02015682027C009F1A0201569F03060000000000009F3303E0E1C8" +
		"9F34030103019F3501229F1E084E4C3132333435368408A0000003330101019F090200209F4104000001239B02E800"
	f55Reversal = "95050000A080009F1E084E4C3132333435369F100F07010103A0A802010A0100000000009F3602002A"
	f62Keys     = "A1B2C3D4E5F60718293A4B5C6D7E8F901C2D3E4F0F1E2D3C4B5A697800000000000000005E6F7A8B"
)

// TestVectors decodes every golden vector and asserts its framing, MTI and
// every field (fixtures/vectors/iso8583/README.md).
func TestVectors(t *testing.T) {
	t.Parallel()
	full := iso8583.Parts{Length: true, TPDU: true, Header: true}
	tests := []struct {
		file   string
		mti    string
		name   string
		tpdu   string
		header string
		fields map[int]string
	}{
		{"0200-purchase.hex", "0200", "Purchase request", "6000050000", "613100311108",
			with(purchaseFields, map[int]string{55: f55Purchase})},
		{"0210-approved-00.hex", "0210", "Purchase answer", "6000000005", "613100311108",
			with(answerFields, map[int]string{38: "654321", 39: "00", 55: "910A11223344556677883030"})},
		{"0210-declined-05.hex", "0210", "Purchase answer", "6000000005", "613100311108", with(answerFields, map[int]string{39: "05"})},
		{"0210-declined-55.hex", "0210", "Purchase answer", "6000000005", "613100311108", with(answerFields, map[int]string{39: "55"})},
		{"0210-declined-41.hex", "0210", "Purchase answer", "6000000005", "613100311108", with(answerFields, map[int]string{39: "41"})},
		{"0210-declined-A0.hex", "0210", "Purchase answer", "6000000005", "613100311108", with(answerFields, map[int]string{39: "A0"}, 64)},
		{"0400-reversal.hex", "0400", "Reversal request (purchase)", "6000050000", "613100311108",
			with(purchaseFields, map[int]string{39: "98", 55: f55Reversal, 64: "5A4B3C2D"}, 26, 35, 52, 53)},
		{"0410-reversal-answer.hex", "0410", "Reversal answer (purchase)", "6000000005", "613100311108",
			with(answerFields, map[int]string{12: "143101", 37: "120214310102", 39: "00", 64: "1F2E3D4C"}, 44, 63)},
		{"0800-sign-in.hex", "0800", "Sign-in request (sign-in, double-length keys)", "6000050000", "603100311108",
			map[int]string{11: "000122", 41: tid, 42: mid, 60: "00000001003", 62: hexOf([]byte("Sequence No12306NL1234567")), 63: "001"}},
		{"0810-sign-in-answer.hex", "0810", "Sign-in answer (sign-in, double-length keys)", "6000000005", "603100311108",
			map[int]string{11: "000122", 12: "142958", 13: "1202", 32: "48020000", 37: "120214295801", 39: "00", 41: tid, 42: mid,
				60: "00000002003", 62: f62Keys}},
		{"0810-sign-in-refused-97.hex", "0810", "Sign-in answer (sign-in, double-length keys)", "6000000005", "603100311108",
			map[int]string{11: "000122", 12: "142958", 13: "1202", 32: "48020000", 37: "120214295801", 39: "97", 41: tid, 42: mid,
				60: "00000002003"}},
	}
	if len(tests) != len(vectorNames(t)) {
		t.Errorf("%d vectors asserted, %d files", len(tests), len(vectorNames(t)))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			raw := vector(t, tt.file)
			m, err := iso8583.Decode(raw)
			if err != nil {
				t.Fatal(err)
			}
			if m.Parts != full || m.Length != len(raw)-2 || m.MTI != tt.mti || m.Name().En != tt.name {
				t.Errorf("parts %+v length %d mti %s name %q, want %+v %d %s %q", m.Parts, m.Length, m.MTI, m.Name().En, full, len(raw)-2, tt.mti, tt.name)
			}
			if hexOf(m.TPDU) != tt.tpdu || hexOf(m.Header) != tt.header {
				t.Errorf("tpdu %X header %X, want %s %s", m.TPDU, m.Header, tt.tpdu, tt.header)
			}
			if m.Err() != nil || m.Rest != nil {
				t.Errorf("problems %v rest %X", m.Problems, m.Rest)
			}
			if len(m.Fields) != len(tt.fields) {
				t.Errorf("%d fields, want %d", len(m.Fields), len(tt.fields))
			}
			for n, want := range tt.fields {
				if got := fieldText(m, n); got != want {
					t.Errorf("field %d = %q, want %q", n, got, want)
				}
			}
		})
	}
}

// TestRoundTrip: decode → encode gives the same bytes for every vector, and
// for each with its length, TPDU and header cut off.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range vectorNames(t) {
		raw := vector(t, name)
		for _, cut := range []struct {
			name  string
			b     []byte
			parts iso8583.Parts
		}{
			{"whole", raw, iso8583.Parts{Length: true, TPDU: true, Header: true}},
			{"no length", raw[2:], iso8583.Parts{TPDU: true, Header: true}},
			{"no length, no TPDU", raw[7:], iso8583.Parts{Header: true}},
			{"MTI first", raw[13:], iso8583.Parts{}},
		} {
			m, err := iso8583.Decode(cut.b)
			if err != nil {
				t.Fatalf("%s %s: %v", name, cut.name, err)
			}
			if m.Parts != cut.parts || m.Err() != nil {
				t.Errorf("%s %s: parts %+v problems %v, want %+v", name, cut.name, m.Parts, m.Problems, cut.parts)
			}
			got, err := m.Encode(nil)
			if err != nil || !bytes.Equal(got, cut.b) {
				t.Errorf("%s %s: encode = %X, %v\nwant %X", name, cut.name, got, err, cut.b)
			}
		}
	}
}
