package zvt_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

func TestAppendAPDULengths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		n       int
		header  []byte
		wantErr error
	}{
		{"empty", 0, []byte{0x06, 0xD3, 0x00}, nil},
		{"ext length 254", 254, []byte{0x06, 0xD3, 0xFE}, nil},
		{"ext length 255", 255, []byte{0x06, 0xD3, 0xFF, 0xFF, 0x00}, nil},
		{"ext length 256", 256, []byte{0x06, 0xD3, 0xFF, 0x00, 0x01}, nil},
		{"ext length 861 little-endian (spec example 5D 03)", 861, []byte{0x06, 0xD3, 0xFF, 0x5D, 0x03}, nil},
		{"ext length 65535", 65535, []byte{0x06, 0xD3, 0xFF, 0xFF, 0xFF}, nil},
		{"ext length 65536", 65536, nil, zvt.ErrLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := bytes.Repeat([]byte{0xAB}, tt.n)
			got, err := zvt.AppendAPDU([]byte{0x99}, 0x06, 0xD3, data)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if !bytes.Equal(got, []byte{0x99}) {
					t.Fatalf("dst changed on error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[1:1+len(tt.header)], tt.header) {
				t.Fatalf("header % X, want % X", got[1:1+len(tt.header)], tt.header)
			}
			a, n, err := zvt.ReadAPDU(got[1:])
			if err != nil || n != len(got)-1 || len(a.Data) != tt.n || a.Command() != zvt.CmdPrintTextBlock {
				t.Fatalf("ReadAPDU: n %d len %d err %v", n, len(a.Data), err)
			}
		})
	}
}

// TestFinishAPDUBoundaries checks that message encoders switch to the
// extended length exactly at 255 body bytes and refuse 65536.
func TestFinishAPDUBoundaries(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		text    int // print line text bytes; body = 1 + text
		hdr     []byte
		wantErr bool
	}{
		{"ext length 254", 253, []byte{0x06, 0xD1, 0xFE}, false},
		{"ext length 255", 254, []byte{0x06, 0xD1, 0xFF, 0xFF, 0x00}, false},
		{"ext length 65535", 65534, []byte{0x06, 0xD1, 0xFF, 0xFF, 0xFF}, false},
		{"ext length 65536", 65535, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := &zvt.PrintLine{Attribute: 0x01, Text: bytes.Repeat([]byte{'x'}, tt.text)}
			got, err := m.Encode([]byte{0x42})
			if tt.wantErr {
				if !errors.Is(err, zvt.ErrLength) || !bytes.Equal(got, []byte{0x42}) {
					t.Fatalf("err %v, got %d bytes; want ErrLength and dst unchanged", err, len(got))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[1:1+len(tt.hdr)], tt.hdr) {
				t.Fatalf("header % X, want % X", got[1:1+len(tt.hdr)], tt.hdr)
			}
			var back zvt.PrintLine
			if err := back.Decode(got[1:]); err != nil || len(back.Text) != tt.text || back.Text[0] != 'x' {
				t.Fatalf("decode back: %v (%d bytes)", err, len(back.Text))
			}
		})
	}
}

func TestReadAPDUErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      []byte
		field   string
		offset  int
		wantErr error
	}{
		{"empty", nil, "header", 0, zvt.ErrShort},
		{"two bytes", []byte{0x80, 0x00}, "header", 0, zvt.ErrShort},
		{"ext length cut", []byte{0x06, 0xD3, 0xFF, 0x01}, "extended length", 3, zvt.ErrShort},
		{"data cut", []byte{0x06, 0x0F, 0x02, 0x19}, "data", 3, zvt.ErrShort},
		{"ext data cut", []byte{0x06, 0xD3, 0xFF, 0x00, 0x01, 0x00}, "data", 5, zvt.ErrShort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := zvt.ReadAPDU(tt.in)
			var de *zvt.DecodeError
			if !errors.Is(err, tt.wantErr) || !errors.As(err, &de) || de.Field != tt.field || de.Offset != tt.offset {
				t.Fatalf("err = %v, want %v in %s at %d", err, tt.wantErr, tt.field, tt.offset)
			}
		})
	}
}

func TestReadAPDUKeepsRest(t *testing.T) {
	t.Parallel()
	in := []byte{0x80, 0x00, 0x00, 0x06, 0x0F, 0x00}
	a, n, err := zvt.ReadAPDU(in)
	if err != nil || n != 3 || a.Command() != zvt.CmdAck {
		t.Fatalf("ReadAPDU = %v %d %v", a, n, err)
	}
	got, err := zvt.SplitAPDUs(in)
	if err != nil || len(got) != 2 {
		t.Fatalf("SplitAPDUs = %d, %v", len(got), err)
	}
	// Data is capped: appending to it must not write into the input.
	a, _, _ = zvt.ReadAPDU([]byte{0x06, 0x0F, 0x01, 0x00, 0x77})
	_ = append(a.Data, 0x55)
	if cap(a.Data) != 1 {
		t.Errorf("cap(Data) = %d, want 1", cap(a.Data))
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	t.Parallel()
	// 06 0F, 11 bytes: 04 amount (7), 49 currency (3), then BMP 27 with no value.
	in := unhex(t, "06 0F 0B 04 00 00 00 00 01 00 49 09 78 27")
	_, err := zvt.DecodeCompletion(zvt.CmdAuthorization, in)
	const want = "zvt: completion 06 0F: BMP 27 at offset 14: short: need 1 byte, have 0"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant  %s", err, want)
	}
	if !errors.Is(err, zvt.ErrShort) {
		t.Errorf("not ErrShort")
	}
}

func TestParseHex(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"06 0F 00", "06 0F 00", false},
		{"060f00", "06 0F 00", false},
		{"06:0f:00", "06 0F 00", false},
		{"0x06 0x0F 0x00", "06 0F 00", false},
		{"0x060F00", "06 0F 00", false},
		{"# comment 12\n80 00 00 # trailing\n", "80 00 00", false},
		{"06 0", "", true},
		{"0 6", "", true},
		{"06 0G", "", true},
	}
	for _, tt := range tests {
		got, err := zvt.ParseHex(tt.in)
		if (err != nil) != tt.wantErr || err == nil && zvt.Hex(got) != tt.want {
			t.Errorf("ParseHex(%q) = % X, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestCommandNames(t *testing.T) {
	t.Parallel()
	for c, want := range map[zvt.Command]string{
		zvt.CmdCompletion:     "06 0F Completion",
		zvt.CmdStatusEnquiry:  "05 01 Status Enquiry",
		zvt.CmdPrintTextBlock: "06 D3 Print Text-Block",
		zvt.Command(0x8483):   "84 83 Nack",
		zvt.Command(0x0999):   "09 99 unknown",
	} {
		if c.String() != want {
			t.Errorf("%04X.String() = %q, want %q", uint16(c), c.String(), want)
		}
	}
	if c, err := zvt.ParseCommand("0x0501"); err != nil || c != zvt.CmdStatusEnquiry {
		t.Errorf("ParseCommand = %v %v", c, err)
	}
	if _, err := zvt.ParseCommand("05"); err == nil {
		t.Errorf("ParseCommand(05) accepted")
	}
}
