package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/posdoctor/posdoctor/terminal/link"
	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// maxDecodeInput bounds what decode reads from stdin: a trace of a whole
// day is a few MB; anything bigger is not a paste.
const maxDecodeInput = 64 << 20

// DecodeOptions holds the flags of `posdoctor decode`.
type DecodeOptions struct {
	IO *IO

	Ctx     context.Context // ends on Ctrl-C while waiting for stdin
	Args    []string        // hex given as arguments; empty reads stdin
	Serial  bool            // force serial framing (DLE STX … DLE ETX CRC)
	JSON    bool
	Charset string // cp437, iso8859-1, utf8
	Open    string // hex command a Completion answers, e.g. 0501
	Unmask  bool   // show PAN, track data and passwords in full
	Proto   string // zvt, iso8583, or "" to detect
	Lang    string // zh or en, for iso8583's explanations (default from the locale)
}

func newDecodeCmd(f *factory, runF func(*DecodeOptions) error) *cobra.Command {
	opts := &DecodeOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "decode [HEX...]",
		Short: "Decode ZVT messages from hex into named fields",
		Long: `Decode ZVT APDUs or serial frames given as hex, as copied from a terminal's
log or a capture, into named fields.

Hex comes from the arguments or, with none, from stdin. Spaces, colons,
commas, dashes, newlines and 0x prefixes are allowed, and "#" starts a
comment. Several messages may follow each other. Input that starts with
10 02 is read as ZVT serial frames (DLE STX … DLE ETX CRC) and each CRC is
checked; --serial forces this. Lone 06/15 bytes between frames are shown as
ACK/NAK.

A Completion (06 0F) after a Status Enquiry has its own layout: the command
it answers is taken from the messages before it, or from --open.

PAN and track data are masked unless --unmask is given. Malformed input
ends with one line naming the message and byte offset, exit status 3.`,
		Example: `  posdoctor decode 06 0F 00
  posdoctor decode --open 0501 "06 0F 07 F0 F0 F3 62 6C 61 00"
  echo "10 02 80 00 00 10 03 F5 1F" | posdoctor decode --json
  posdoctor decode --charset iso8859-1 < trace.hex`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args, opts.Ctx = args, cmd.Context()
			if _, err := zvt.ParseCharset(opts.Charset); err != nil {
				return &FlagError{fmt.Errorf("--charset: %w", err)}
			}
			if opts.Proto != "" && opts.Proto != "zvt" && opts.Proto != "iso8583" {
				return flagErrorf("invalid --proto %q: valid values are zvt, iso8583", opts.Proto)
			}
			if _, err := resolveLang(opts.Lang, nil); err != nil {
				return err
			}
			if opts.Open != "" {
				if _, err := zvt.ParseCommand(opts.Open); err != nil {
					return &FlagError{fmt.Errorf("--open: %w", err)}
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return decodeRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Serial, "serial", false, "read serial frames (DLE STX … DLE ETX CRC) even without a leading 10 02")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array, one object per message")
	cmd.Flags().StringVar(&opts.Charset, "charset", "cp437", "text encoding: cp437, iso8859-1, utf8")
	cmd.Flags().StringVar(&opts.Open, "open", "", "the command a Completion answers, as hex (e.g. 0501); default: the preceding message")
	cmd.Flags().StringVar(&opts.Proto, "proto", "", "protocol: zvt or iso8583 (CUP host messages); default: iso8583 when every line reads as one, else zvt")
	cmd.Flags().StringVar(&opts.Lang, "lang", "", "iso8583 output language: zh or en (default from LC_ALL, LC_MESSAGES, LANG)")
	cmd.Flags().BoolVar(&opts.Unmask, "unmask", false, "show PAN, track data and passwords in full (never paste the output anywhere)")
	return cmd
}

// decodedMessage is one element of the --json array: where the message was
// in the input and its decoded view.
type decodedMessage struct {
	Index  int    `json:"index"`            // 1-based
	Offset int    `json:"offset"`           // byte offset in the input
	Link   string `json:"link"`             // "serial", "raw", or "control" for a lone ACK/NAK
	CRC    string `json:"crc,omitempty"`    // serial frames: the CRC as received, low byte first
	Signal string `json:"signal,omitempty"` // "ack" or "nak" for lone control bytes
	zvt.View
}

// readInput reads the hex from stdin. On a terminal it first says that it
// waits, and Ctrl-C (opts.Ctx ends) stops the wait.
func readInput(opts *DecodeOptions) ([]byte, error) {
	read := func() ([]byte, error) { return io.ReadAll(io.LimitReader(opts.IO.In, maxDecodeInput+1)) }
	if !opts.IO.InTTY || opts.Ctx == nil {
		return read()
	}
	fmt.Fprintln(opts.IO.ErrOut, "decode: waiting for hex on stdin: paste it, then Ctrl-D (Windows: Ctrl-Z, Enter) to decode; Ctrl-C quits")
	type res struct {
		b   []byte
		err error
	}
	done := make(chan res, 1)
	go func() { b, err := read(); done <- res{b, err} }()
	select {
	case r := <-done:
		return r.b, r.err
	case <-opts.Ctx.Done():
		return nil, errors.New("stopped (Ctrl-C) before any hex was read")
	}
}

func decodeRun(opts *DecodeOptions) error {
	cs, err := zvt.ParseCharset(opts.Charset)
	if err != nil {
		return &FlagError{fmt.Errorf("--charset: %w", err)}
	}
	text := strings.Join(opts.Args, " ")
	if len(opts.Args) == 0 {
		if opts.IO.In == nil {
			return &FlagError{errors.New("no input: give hex as arguments or on stdin")}
		}
		b, err := readInput(opts)
		if err != nil {
			return cantRun(fmt.Errorf("reading stdin: %w", err))
		}
		if len(b) > maxDecodeInput {
			return cantRun(fmt.Errorf("input is larger than %d MB: split it", maxDecodeInput>>20))
		}
		text = string(b)
	}
	if opts.Proto == "iso8583" || opts.Proto == "" && !opts.Serial && looksISO8583(text) {
		return decodeISO8583(opts, text)
	}
	data, err := zvt.ParseHex(text)
	if err != nil {
		return cantRun(fmt.Errorf("input is not hex: %w", err))
	}
	if len(data) == 0 {
		return &FlagError{errors.New("no input: give hex as arguments or on stdin, e.g. posdoctor decode 06 0F 00")}
	}

	traceOut := opts.IO.Out
	if opts.JSON {
		traceOut = io.Discard // the tracer only decodes; the JSON is written below
	}
	tr := zvt.Trace(traceOut, zvt.TraceOptions{SuppressTimestamps: true, Charset: cs, Unmask: opts.Unmask})
	if opts.Open != "" {
		c, err := zvt.ParseCommand(opts.Open)
		if err != nil {
			return &FlagError{fmt.Errorf("--open: %w", err)}
		}
		tr.SetOpen(c, 0)
	}

	d := &decoder{opts: opts, tr: tr}
	serial := opts.Serial || len(data) >= 2 && data[0] == link.DLE && data[1] == link.STX
	var stop error
	if serial {
		stop = d.serial(data)
	} else {
		stop = d.raw(data)
	}
	if opts.JSON {
		out := d.json
		if out == nil {
			out = []decodedMessage{}
		}
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	if stop == nil {
		stop = d.firstErr
	}
	if stop != nil {
		return cantRun(stop)
	}
	return nil
}

// decoder walks the input and prints each message.
type decoder struct {
	opts     *DecodeOptions
	tr       *zvt.Tracer
	n        int
	json     []decodedMessage
	firstErr error // the first message that did not decode; later ones still print
}

// raw decodes consecutive APDUs.
func (d *decoder) raw(data []byte) error {
	off := 0
	for off < len(data) {
		_, n, err := zvt.ReadAPDU(data[off:])
		if err != nil {
			return fmt.Errorf("message %d at input byte %d: %w", d.n+1, off, err)
		}
		d.message(data[off:off+n], off, "raw", "")
		off += n
	}
	return nil
}

// serial decodes the serial frames terminal/link reads; lone ACK/NAK
// bytes are shown.
func (d *decoder) serial(data []byte) error {
	return link.ScanSerial(data, func(ev link.Event) error {
		if ev.Kind != link.EventFrame {
			d.control(ev.Kind.Control(), ev.Offset)
			return nil
		}
		if _, an, err := zvt.ReadAPDU(ev.APDU); err != nil || an != len(ev.APDU) {
			if err == nil {
				err = fmt.Errorf("frame holds %d bytes after the APDU", len(ev.APDU)-an)
			}
			return err
		}
		d.message(ev.APDU, ev.Offset, "serial", fmt.Sprintf("%02X %02X", ev.CRC[0], ev.CRC[1]))
		return nil
	})
}

func (d *decoder) message(apdu []byte, off int, linkName, crc string) {
	d.n++
	if d.opts.JSON {
		view, err := d.tr.Explain("", apdu)
		d.note(err, off)
		d.json = append(d.json, decodedMessage{Index: d.n, Offset: off, Link: linkName, CRC: crc, View: view})
		return
	}
	if crc != "" {
		fmt.Fprintf(d.opts.IO.Out, "# frame %d at byte %d, CRC %s ok\n", d.n, off, crc)
	}
	// A decode error or a write error: either way the first one is the
	// exit status, and the messages after it still print.
	d.note(d.tr.Message(time.Time{}, "", apdu), off)
}

func (d *decoder) note(err error, off int) {
	if err != nil && d.firstErr == nil {
		d.firstErr = fmt.Errorf("message %d at input byte %d: %w", d.n, off, err)
	}
}

func (d *decoder) control(c byte, off int) {
	name := map[byte]string{link.ACK: "ack", link.NAK: "nak"}[c]
	if d.opts.JSON {
		d.json = append(d.json, decodedMessage{Offset: off, Link: "control", Signal: name,
			View: zvt.View{Type: name, Hex: fmt.Sprintf("%02X", c), Fields: []zvt.Item{}}})
		return
	}
	fmt.Fprintf(d.opts.IO.Out, "# %s (%02X) at byte %d\n", strings.ToUpper(name), c, off)
}
