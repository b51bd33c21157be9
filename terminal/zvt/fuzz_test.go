package zvt_test

import (
	"bytes"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/terminal/link"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// seedAPDUs returns every APDU in fixtures/vectors (serial frames unframed)
// plus the raw files, for fuzz seeds.
func seedAPDUs(f *testing.F) [][]byte {
	entries, err := fs.ReadDir(fixtures.FS, "vectors")
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".hex") {
			continue
		}
		b := vector(f, e.Name())
		out = append(out, b)
		if len(b) > 1 && b[0] == 0x10 && b[1] == 0x02 {
			for len(b) > 0 {
				apdu, n, err := link.Unframe(b)
				if err != nil || n == 0 {
					break
				}
				out = append(out, apdu)
				b = b[n:]
			}
			continue
		}
		msgs, _ := zvt.SplitAPDUs(b)
		out = append(out, msgs...)
	}
	return out
}

var fuzzOpens = []zvt.Command{0, zvt.CmdStatusEnquiry, zvt.CmdAuthorization, zvt.CmdRegistration}

func FuzzDecodeAPDU(f *testing.F) {
	for _, b := range seedAPDUs(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, n, err := zvt.ReadAPDU(b)
		if err != nil {
			return
		}
		enc, err := a.Append(nil)
		if err != nil {
			t.Fatalf("Append: %v", err)
		}
		a2, n2, err := zvt.ReadAPDU(enc)
		if err != nil || n2 != len(enc) || a2.Class != a.Class || a2.Instr != a.Instr || !bytes.Equal(a2.Data, a.Data) {
			t.Fatalf("APDU round trip: %v", err)
		}
		apdu := b[:n]
		orig := append([]byte(nil), apdu...)
		if m := zvt.Mask(apdu); len(m) != len(apdu) || !bytes.Equal(apdu, orig) {
			t.Fatalf("Mask changed the length (%d → %d) or its input", len(apdu), len(m))
		}
		if m := zvt.Mask(b); len(m) != len(b) {
			t.Fatalf("Mask of the whole input changed its length (%d → %d)", len(b), len(m))
		}
		for _, open := range fuzzOpens {
			_, _ = zvt.Describe(apdu, open, zvt.CP437)
			m, err := zvt.DecodeMessage(apdu, open)
			if err != nil {
				continue
			}
			if _, err := m.MarshalJSON(); err != nil {
				t.Fatalf("MarshalJSON of a decoded %T: %v", m, err)
			}
			checkMessageRoundTrip(t, m, open)
		}
	})
}

// checkMessageRoundTrip is the oracle: decode→encode→decode gives the same
// value.
func checkMessageRoundTrip(t *testing.T, m zvt.Message, open zvt.Command) {
	t.Helper()
	enc, err := m.Encode(nil)
	if err != nil {
		t.Fatalf("%T.Encode: %v", m, err)
	}
	m2, err := zvt.DecodeMessage(enc, open)
	if err != nil {
		t.Fatalf("decode of re-encoded %T (% X): %v", m, enc, err)
	}
	if !reflect.DeepEqual(m, m2) {
		t.Fatalf("decode→encode→decode differs:\n%+v\n%+v", m, m2)
	}
}

func FuzzDecodeBMPs(f *testing.F) {
	for _, b := range seedAPDUs(f) {
		f.Add(b)
		if len(b) > 3 {
			f.Add(b[3:])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, err := zvt.DecodeBMPs(b)
		if err != nil {
			return
		}
		enc, err := zvt.AppendBMPs(nil, fs)
		if err != nil {
			t.Fatalf("AppendBMPs: %v", err)
		}
		fs2, err := zvt.DecodeBMPs(enc)
		if err != nil {
			t.Fatalf("decode of re-encoded BMPs (% X): %v", enc, err)
		}
		if !reflect.DeepEqual(fs, fs2) {
			t.Fatalf("BMP round trip differs:\n%+v\n%+v", fs, fs2)
		}
	})
}

func FuzzDecodeTLV(f *testing.F) {
	f.Add([]byte{0x25, 0x07, 0x09, 0x01, 0x00, 0x07, 0x02, 'o', 'k'})
	f.Add([]byte{0x1F, 0x44, 0x82, 0x00, 0x01, 0x00})
	for _, b := range seedAPDUs(f) {
		if i := bytes.IndexByte(b, 0x06); i >= 0 && i+2 < len(b) {
			f.Add(b[i+2:])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := zvt.DecodeTLV(b)
		if err != nil {
			return
		}
		enc, err := zvt.AppendTLV(nil, l)
		if err != nil {
			t.Fatalf("AppendTLV: %v", err)
		}
		l2, err := zvt.DecodeTLV(enc)
		if err != nil {
			t.Fatalf("decode of re-encoded TLV (% X): %v", enc, err)
		}
		if !reflect.DeepEqual(l, l2) {
			t.Fatalf("TLV round trip differs:\n%+v\n%+v", l, l2)
		}
	})
}

func FuzzDecodeCompletion(f *testing.F) {
	for _, b := range seedAPDUs(f) {
		if len(b) > 3 && b[0] == 0x06 && b[1] == 0x0F {
			f.Add(byte(0), b)
			f.Add(zvt.ServiceNoVersion, b)
		}
	}
	f.Add(zvt.ServiceNoVersion, []byte{0x06, 0x0F, 0x01, 0xF0})
	f.Fuzz(func(t *testing.T, service byte, b []byte) {
		for _, open := range fuzzOpens {
			var c *zvt.Completion
			var err error
			if open == zvt.CmdStatusEnquiry {
				c, err = zvt.DecodeStatusCompletion(b, service)
			} else {
				c, err = zvt.DecodeCompletion(open, b)
			}
			if err != nil {
				continue
			}
			enc, err := c.Encode(nil)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			c2 := &zvt.Completion{Open: c.Open, NoVersion: c.NoVersion}
			if err := c2.Decode(enc); err != nil {
				t.Fatalf("decode of re-encoded completion (% X): %v", enc, err)
			}
			if !reflect.DeepEqual(c, c2) {
				t.Fatalf("completion round trip differs:\n%+v\n%+v", c, c2)
			}
		}
	})
}

// FuzzExplainerEqualsExplain: an Explainer that has explained one message
// explains the next as Explain does, view and error, and its Masked is the
// view's hex: nothing of the first (its items, texts, decoded fields and
// TLV lists, all kept in the Explainer's memory) shows in the second.
func FuzzExplainerEqualsExplain(f *testing.F) {
	seeds := seedAPDUs(f)
	for i, s := range seeds {
		f.Add(s, seeds[(i+1)%len(seeds)], byte(i))
	}
	f.Fuzz(func(t *testing.T, first, next []byte, open byte) {
		opts := zvt.ViewOptions{Open: fuzzOpens[int(open)%len(fuzzOpens)], Unmask: open&0x80 != 0}
		var e zvt.Explainer
		e.Explain(first, opts) //nolint:errcheck // only its memory matters
		want, wantErr := zvt.Explain(next, opts)
		got, gotErr := e.Explain(next, opts)
		if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("after % X, % X: Explainer gives\n%+v, %v\nExplain gives\n%+v, %v", first, next, got, gotErr, want, wantErr)
		}
		if zvt.Hex(e.Masked()) != want.Hex {
			t.Fatalf("% X: Masked is %s, the view shows %s", next, zvt.Hex(e.Masked()), want.Hex)
		}
	})
}
