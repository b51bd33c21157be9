package zvt_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func TestDecodeBMPs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         []byte
		wantBMPs   []byte // ids in order
		wantValues [][]byte
		wantRest   []byte
		wantErr    error
		wantOffset int
	}{
		{
			name: "fixed, BCD, LLVAR, LLLVAR",
			in: []byte{
				0x27, 0x00, // result code
				0x04, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34, // amount 12.34
				0x8B, 0xF0, 0xF2, 'V', 'P', // card name, LL 02
				0x3C, 0xF0, 0xF0, 0xF1, 'x', // text, LLL 001
			},
			wantBMPs:   []byte{0x27, 0x04, 0x8B, 0x3C},
			wantValues: [][]byte{{0x00}, {0, 0, 0, 0, 0x12, 0x34}, []byte("VP"), []byte("x")},
		},
		{
			name:       "empty LLVAR",
			in:         []byte{0x22, 0xF0, 0xF0, 0x27, 0x6C}, // PAN length 0, result 6C
			wantBMPs:   []byte{0x22, 0x27},
			wantValues: [][]byte{{}, {0x6C}},
		},
		{
			name:       "masked BCD digits E",
			in:         []byte{0x22, 0xF0, 0xF8, 0x55, 0x98, 0x83, 0xEE, 0xEE, 0xEE, 0x80, 0x74},
			wantBMPs:   []byte{0x22},
			wantValues: [][]byte{{0x55, 0x98, 0x83, 0xEE, 0xEE, 0xEE, 0x80, 0x74}},
		},
		{
			name:       "odd-length F padding",
			in:         []byte{0x22, 0xF0, 0xF3, 0x12, 0x34, 0x5F, 0x3A, 0x12, 0x3F},
			wantBMPs:   []byte{0x22, 0x3A},
			wantValues: [][]byte{{0x12, 0x34, 0x5F}, {0x12, 0x3F}},
		},
		{
			name:       "unknown BMP keeps rest",
			in:         []byte{0x27, 0x00, 0x99, 0x01, 0x02, 0x27, 0x05},
			wantBMPs:   []byte{0x27},
			wantValues: [][]byte{{0x00}},
			wantRest:   []byte{0x99, 0x01, 0x02, 0x27, 0x05},
		},
		{
			name:       "TLV container with 81 length",
			in:         append([]byte{0x06, 0x81, 0x83, 0x07, 0x81, 0x80}, bytes.Repeat([]byte{'a'}, 0x80)...),
			wantBMPs:   []byte{0x06},
			wantValues: [][]byte{append([]byte{0x07, 0x81, 0x80}, bytes.Repeat([]byte{'a'}, 0x80)...)},
		},
		{
			name:       "LLVAR high nibble not F",
			in:         []byte{0x8B, 0xF0, 0x02, 'a', 'b'},
			wantErr:    zvt.ErrLength,
			wantOffset: 2,
		},
		{
			name:       "LLVAR low nibble not a digit",
			in:         []byte{0x8B, 0xFA, 0xF0},
			wantErr:    zvt.ErrLength,
			wantOffset: 1,
		},
		{
			name:       "LLVAR length past end",
			in:         []byte{0x8B, 0xF0, 0xF5, 'a', 'b'},
			wantErr:    zvt.ErrShort,
			wantOffset: 3,
		},
		{
			name:       "LLLVAR cut in its length",
			in:         []byte{0x3C, 0xF0, 0xF0},
			wantErr:    zvt.ErrShort,
			wantOffset: 1,
		},
		{
			name:       "fixed BMP past end",
			in:         []byte{0x27, 0x00, 0x04, 0x00, 0x00},
			wantErr:    zvt.ErrShort,
			wantOffset: 3,
		},
		{
			name:       "BCD nibble A rejected",
			in:         []byte{0x49, 0x09, 0x7A},
			wantErr:    zvt.ErrBCD,
			wantOffset: 2,
		},
		{
			name:       "TLV length form 80 rejected",
			in:         []byte{0x06, 0x80},
			wantErr:    zvt.ErrLength,
			wantOffset: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := zvt.DecodeBMPs(tt.in)
			if wantDecodeErr(t, err, tt.wantErr, tt.wantOffset) {
				return
			}
			if len(f.List) != len(tt.wantBMPs) {
				t.Fatalf("%d BMPs, want %d", len(f.List), len(tt.wantBMPs))
			}
			for i, fd := range f.List {
				if fd.BMP == zvt.BMPTLV {
					fd.Value, _ = zvt.AppendTLV(nil, fd.TLV)
				}
				if fd.BMP != tt.wantBMPs[i] || !bytes.Equal(fd.Value, tt.wantValues[i]) {
					t.Errorf("BMP %d = %02X % X, want %02X % X", i, fd.BMP, fd.Value, tt.wantBMPs[i], tt.wantValues[i])
				}
			}
			if !bytes.Equal(f.Rest, tt.wantRest) {
				t.Errorf("rest % X, want % X", f.Rest, tt.wantRest)
			}
			back, err := zvt.AppendBMPs(nil, f)
			if err != nil || !bytes.Equal(back, tt.in) {
				t.Errorf("AppendBMPs = % X, %v; want the input back", back, err)
			}
		})
	}
}

func TestFieldsAccessors(t *testing.T) {
	t.Parallel()
	f, err := zvt.DecodeBMPs([]byte{
		0x22, 0xF0, 0xF9, 0x67, 0x25, 0x90, 0x44, 0x11, 0x00, 0x10, 0x00, 0x1F, // odd 17-digit PAN in 9 bytes
		0x0E, 0x99, 0x99, // masked expiry
		0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xEE, // masked amount
	})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := f.PAN(); p.String() != "672590*******0001" {
		t.Errorf("PAN %q, want 672590*******0001", p)
	}
	if d, _ := f.Digits(zvt.BMPPAN); d != "672590*******0001" {
		t.Errorf("Digits(22) %q must be masked", d)
	}
	if e, _ := f.Expiry(); e != "9999" {
		t.Errorf("expiry %q", e)
	}
	if _, ok := f.Amount(); ok {
		t.Errorf("masked amount read as a number")
	}
}

func TestFieldsSetters(t *testing.T) {
	t.Parallel()
	var f zvt.Fields
	f.SetAmount(1234)
	f.SetCurrency(978)
	f.SetByte(zvt.BMPStatusByte, 0x40)
	f.SetDigits(zvt.BMPPAN, "12345")
	f.SetText(zvt.BMPCardName, "Gültig", zvt.CP437)
	f.SetTLV(nil)
	f.SetAmount(99) // replaces
	got, err := zvt.AppendBMPs(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{
		0x04, 0, 0, 0, 0, 0, 0x99,
		0x49, 0x09, 0x78,
		0x19, 0x40,
		0x22, 0xF0, 0xF3, 0x12, 0x34, 0x5F,
		0x8B, 0xF0, 0xF6, 'G', 0x81, 'l', 't', 'i', 'g',
		0x06, 0x00,
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("got  % X\nwant % X", got, want)
	}

	for name, set := range map[string]func(*zvt.Fields){
		"amount too big":   func(f *zvt.Fields) { f.SetAmount(1_000_000_000_000) },
		"negative amount":  func(f *zvt.Fields) { f.SetAmount(-1) },
		"not a digit":      func(f *zvt.Fields) { f.SetDigits(zvt.BMPPAN, "12a") },
		"not in CP437":     func(f *zvt.Fields) { f.SetText(zvt.BMPText, "日本", zvt.CP437) },
		"SetUint on LLVAR": func(f *zvt.Fields) { f.SetUint(zvt.BMPPAN, 1) },
	} {
		var f zvt.Fields
		set(&f)
		if _, err := zvt.AppendBMPs(nil, f); err == nil || f.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	var long zvt.Fields
	long.Set(zvt.BMPCardName, bytes.Repeat([]byte{'a'}, 100))
	if _, err := zvt.AppendBMPs(nil, long); !errors.Is(err, zvt.ErrLength) {
		t.Errorf("LLVAR of 100 bytes: err %v, want ErrLength", err)
	}
	var fixed zvt.Fields
	fixed.Set(zvt.BMPAmount, []byte{1})
	if _, err := zvt.AppendBMPs(nil, fixed); !errors.Is(err, zvt.ErrLength) {
		t.Errorf("amount of 1 byte: err %v, want ErrLength", err)
	}
}

// wantDecodeErr checks err against a table case's expectation and reports
// whether the case ends there: with want set, err must match it and be a
// *zvt.DecodeError at offset off; with want nil, err must be nil.
func wantDecodeErr(t *testing.T, err, want error, off int) bool {
	t.Helper()
	if want != nil {
		var de *zvt.DecodeError
		if !errors.Is(err, want) || !errors.As(err, &de) || de.Offset != off {
			t.Fatalf("err = %v, want %v at offset %d", err, want, off)
		}
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	return false
}
