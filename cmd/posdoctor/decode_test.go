package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/posdoctor/posdoctor/fixtures"
	"github.com/posdoctor/posdoctor/fixtures/golden"
	"github.com/posdoctor/posdoctor/terminal/link"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// decodeVector reads fixtures/vectors/NAME with its comments.
func decodeVector(t testing.TB, name string) string {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS, "vectors/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNewDecodeCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cli     string
		want    DecodeOptions
		wantErr string
	}{
		{"06 0F 00", DecodeOptions{Args: []string{"06", "0F", "00"}, Charset: "cp437"}, ""},
		{"--json --serial --unmask --charset iso8859-1 --open 0501 100280", DecodeOptions{Args: []string{"100280"}, JSON: true, Serial: true, Unmask: true, Charset: "iso8859-1", Open: "0501"}, ""},
		{"", DecodeOptions{Charset: "cp437"}, ""},
		{"--charset ebcdic 00", DecodeOptions{}, "valid values are cp437, iso8859-1, utf8"},
		{"--open 05 00", DecodeOptions{}, "--open"},
	}
	for _, tt := range tests {
		t.Run(tt.cli, func(t *testing.T) {
			t.Parallel()
			got, err := parseOptions(newDecodeCmd, strings.Fields(tt.cli))
			if tt.wantErr != "" {
				var fe *FlagError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a FlagError with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO = nil
			if strings.Join(got.Args, " ") != strings.Join(tt.want.Args, " ") || got.JSON != tt.want.JSON || got.Serial != tt.want.Serial ||
				got.Unmask != tt.want.Unmask || got.Charset != tt.want.Charset || got.Open != tt.want.Open {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// TestDecodeRunGolden decodes vectors for people and compares the output
// with fixtures/traces/decode-*.txt (POSDOCTOR_UPDATE=1 rewrites).
func TestDecodeRunGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		vector string
	}{
		{"decode-v04-registration", nil, "v04-registration-spec.hex"},
		{"decode-v03-serial-frames", nil, "v03-serial-three-frames.hex"},
		{"decode-v07-status-info", []string{"--charset", "cp437"}, "v07-status-info-feig-auth.hex"},
		{"decode-v06-open-0501", []string{"--open", "0501"}, "v06-status-completion-feig-cvend.hex"},
		{"decode-v13-iso8859-1", []string{"--charset", "iso8859-1"}, "v13-print-line-trailing-tlv.hex"},
		// The documented --json schema (README "posdoctor decode"); JSON has
		// no room for a header line.
		{"decode-v07-status-info.json", []string{"--json"}, "v07-status-info-feig-auth.hex"},
		{"decode-v12-intermediate.json", []string{"--json", "--charset", "iso8859-1"}, "v12-intermediate-tlv.hex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, out, errOut := testFactory()
			f.IO.In = strings.NewReader(decodeVector(t, tt.vector))
			args := append([]string{"decode"}, tt.args...)
			path := "../../fixtures/traces/" + tt.name
			if !strings.HasSuffix(path, ".json") {
				path += ".txt"
				out.WriteString("# " + strings.Join(args, " ") + " < fixtures/vectors/" + tt.vector + " (made by cmd/posdoctor TestDecodeRunGolden)\n")
			}
			code := run(context.Background(), args, f)
			if code != exitOK || errOut.Len() != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			golden.Check(t, path, out.Bytes())
		})
	}
}

func TestDecodeRunHuman(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		stdin   string
		want    []string
		wantErr string
	}{
		{
			name: "args with colons and 0x, two messages",
			args: []string{"0x80:00:00", "06", "0F", "00"},
			want: []string{"?        80 00  Ack  (0 bytes)", "06 0F  Completion  (0 bytes)"},
		},
		{
			name: "status completion inferred from the preceding enquiry",
			args: []string{"05 01 05 00 00 00 03 02  80 00 00  06 0F 01 F0"},
			want: []string{"06 0F  Completion (Status Enquiry)  (1 bytes)", "terminal_status: F0 (reconciliation required)"},
		},
		{
			name: "ack and nak bytes between serial frames",
			args: []string{"10 02 80 00 00 10 03 F5 1F 06 15"},
			want: []string{"# frame 1 at byte 0, CRC F5 1F ok", "# ACK (06) at byte 9", "# NAK (15) at byte 10"},
		},
		{
			name:    "bad CRC names expected and received",
			args:    []string{"10 02 06 01 07 04 00 00 00 00 01 90 10 03 76 58"},
			wantErr: "frame 1 at input byte 0: bad CRC at byte 14: expected 76 57, received 76 58",
		},
		{
			name:    "forced serial on raw bytes",
			args:    []string{"--serial", "0F 00"},
			wantErr: "frame 1 at input byte 0: byte 0: want DLE (10) to start a frame, got 0F",
		},
		{
			name:    "APDU longer than the input",
			args:    []string{"80 00 00 04 0F 09 27 6C"},
			wantErr: "message 2 at input byte 3: zvt: status information 04 0F: data at offset 3: short: need 9 bytes, have 2",
		},
		{
			name:    "malformed BMP still prints, then exit 3",
			args:    []string{"04 0F 09 27 6C 22 F0 F0 8B F0 F2 00"},
			want:    []string{"error: zvt: status information 04 0F: BMP 8B at offset 11: short: need 2 bytes, have 1"},
			wantErr: "message 1 at input byte 0: zvt: status information 04 0F: BMP 8B at offset 11",
		},
		{
			name:    "frame cut short",
			args:    []string{"10 02 80 00 00 10 03 F5"},
			wantErr: "frame 1 at input byte 0: byte 8: frame cut short in CRC",
		},
		{
			name:    "not hex",
			args:    []string{"06 0F 0G"},
			wantErr: `input is not hex: character 'G' at offset 7 is not hex`,
		},
		{
			name:    "empty stdin",
			stdin:   "  # nothing\n",
			wantErr: "no input",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, out, errOut := testFactory()
			f.IO.In = strings.NewReader(tt.stdin)
			code := run(context.Background(), append([]string{"decode"}, tt.args...), f)
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if tt.wantErr == "" {
				if code != exitOK || errOut.Len() != 0 {
					t.Fatalf("exit %d, stderr %q", code, errOut)
				}
				return
			}
			msg := strings.TrimSpace(errOut.String())
			if code != exitCantRun || !strings.Contains(msg, tt.wantErr) || strings.Contains(msg, "\n") {
				t.Fatalf("exit %d, stderr %q; want 3 and one line with %q", code, msg, tt.wantErr)
			}
		})
	}
}

func TestDecodeRunBadCRCError(t *testing.T) {
	t.Parallel()
	io, _, _ := testIO()
	frame := link.AppendFrame(nil, []byte{0x80, 0x00, 0x00})
	frame[len(frame)-1] ^= 0xFF
	err := decodeRun(&DecodeOptions{IO: io, Args: []string{zvt.Hex(frame)}, Charset: "cp437"})
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != exitCantRun || !strings.Contains(err.Error(), "expected F5 1F, received F5 E0") {
		t.Fatalf("err = %v", err)
	}
}

func TestDecodeRunJSON(t *testing.T) {
	t.Parallel()
	f, out, errOut := testFactory()
	f.IO.In = strings.NewReader(decodeVector(t, "v03-serial-three-frames.hex") + "\n")
	if code := run(context.Background(), []string{"decode", "--json"}, f); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []struct {
		Index  int    `json:"index"`
		Offset int    `json:"offset"`
		Link   string `json:"link"`
		CRC    string `json:"crc"`
		Type   string `json:"type"`
		Cmd    string `json:"command"`
		Dir    string `json:"dir"`
		Hex    string `json:"hex"`
		Fields []struct {
			Name  string `json:"name"`
			BMP   string `json:"bmp"`
			Hex   string `json:"hex"`
			Value any    `json:"value"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != 3 {
		t.Fatalf("%d messages, want 3:\n%s", len(got), out)
	}
	want := []struct{ typ, cmd, dir, crc string }{
		{"registration", "06 00", "ecr->pt", "B6 E0"},
		{"ack", "80 00", "pt->ecr", "F5 1F"},
		{"completion", "06 0F", "pt->ecr", "26 92"},
	}
	for i, w := range want {
		g := got[i]
		if g.Index != i+1 || g.Link != "serial" || g.Type != w.typ || g.Cmd != w.cmd || g.Dir != w.dir || g.CRC != w.crc {
			t.Errorf("message %d = %+v, want %+v", i+1, g, w)
		}
	}
	if got[1].Offset != 13 || got[2].Offset != 22 {
		t.Errorf("offsets %d %d, want 13 22", got[1].Offset, got[2].Offset)
	}
	c := got[2]
	if len(c.Fields) != 3 || c.Fields[0].Name != "status_byte" || c.Fields[0].Hex != "10" || c.Fields[1].Value != "52523535" || c.Fields[2].Value != 978.0 {
		t.Errorf("completion fields %+v", c.Fields)
	}
	if c.Hex != "06 0F 0A 19 10 29 52 52 35 35 49 09 78" {
		t.Errorf("hex %q (unstuffed APDU)", c.Hex)
	}

	// A malformed message is in the array with its error, and the run
	// fails.
	f, out, errOut = testFactory()
	code := run(context.Background(), []string{"decode", "--json", "04 0F 02 27"}, f)
	if code != exitCantRun || !strings.Contains(errOut.String(), "short") {
		t.Fatalf("exit %d stderr %q", code, errOut)
	}
	if !strings.HasPrefix(strings.TrimSpace(out.String()), "[") {
		t.Errorf("stdout %q, want a JSON array", out)
	}
}

// TestDecodeMasking checks that a full PAN given to decode appears nowhere in
// its output unless --unmask is given.
func TestDecodeMasking(t *testing.T) {
	t.Parallel()
	const pan = "4761739001010119" // a public test card number
	var si zvt.StatusInfo
	si.Fields.SetByte(zvt.BMPResultCode, 0)
	si.Fields.SetDigits(zvt.BMPPAN, pan)
	si.Fields.Set(zvt.BMPTrack2, []byte{0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x01, 0x19, 0xD2, 0x51, 0x22})
	apdu, err := si.Encode(nil)
	if err != nil {
		t.Fatal(err)
	}
	in := zvt.Hex(apdu)
	for _, args := range [][]string{
		{"decode", in},
		{"decode", "--json", in},
		{"decode", "--serial", zvt.Hex(link.AppendFrame(nil, apdu))},
		{"decode", "--json", zvt.Hex(link.AppendFrame(nil, apdu))},
	} {
		f, out, errOut := testFactory()
		if code := run(context.Background(), args, f); code != exitOK {
			t.Fatalf("%v: exit %d %s", args[:2], code, errOut)
		}
		all := out.String() + errOut.String()
		for _, leak := range []string{pan, "9001010119", "39 00 10 10 1", "90 01 01 01", "D2 51"} {
			if strings.Contains(all, leak) {
				t.Errorf("%v: output contains %q:\n%s", args[:2], leak, all)
			}
		}
		if !strings.Contains(all, "476173******0119") {
			t.Errorf("%v: masked PAN missing:\n%s", args[:2], all)
		}
	}
	for _, args := range [][]string{{"decode", "--unmask", in}, {"decode", "--json", "--unmask", in}} {
		f, out, _ := testFactory()
		if code := run(context.Background(), args, f); code != exitOK || !strings.Contains(out.String(), pan) {
			t.Errorf("%v does not show the PAN (exit %d):\n%s", args[1:len(args)-1], code, out)
		}
	}
}
