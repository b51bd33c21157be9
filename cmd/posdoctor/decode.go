package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
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
	cmd.Flags().StringVar(&opts.Proto, "proto", "", "protocol: zvt or iso8583 (CUP host messages); default: iso8583 when every line reads as one (stdin: of its first 64 KB), else zvt")
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
	hex []byte // --json: the APDU View.Hex would show, written as hex without the string
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

func decodeRun(opts *DecodeOptions) (err error) {
	cs, err := zvt.ParseCharset(opts.Charset)
	if err != nil {
		return &FlagError{fmt.Errorf("--charset: %w", err)}
	}
	in, err := openDecodeInput(opts)
	if err != nil {
		return err
	}
	if in.iso(opts) {
		text, err := in.readAll()
		if err != nil {
			return err
		}
		return decodeISO8583(opts, text)
	}
	var open zvt.Command
	if opts.Open != "" {
		if open, err = zvt.ParseCommand(opts.Open); err != nil {
			return &FlagError{fmt.Errorf("--open: %w", err)}
		}
	}

	// decode makes garbage at the codec's speed and keeps little alive (a
	// few batches of messages): a high GC target lets a day's trace of 8 MB
	// decode without a collection, whose mark workers would take one of
	// two cores (a tenth off the time); a 56 MB trace peaks near 34 MB RSS.
	defer debug.SetGCPercent(debug.SetGCPercent(decodeGCPercent))

	// One buffered writer for everything printed, flushed once at the end.
	out := bufio.NewWriterSize(opts.IO.Out, decodeOutBuffer)
	defer func() {
		if ferr := out.Flush(); ferr != nil && err == nil {
			err = ferr
		}
	}()
	traceOut := io.Writer(out)
	if opts.JSON {
		traceOut = io.Discard // the tracer only decodes; the JSON is written by d.json
	}
	tr := zvt.Trace(traceOut, zvt.TraceOptions{SuppressTimestamps: true, Charset: cs, Unmask: opts.Unmask})
	if opts.Open != "" {
		tr.SetOpen(open, 0)
	}
	d := &decoder{opts: opts, tr: tr, out: out}
	if opts.JSON {
		d.json = &jsonArray{w: out}
	}
	return d.run(in)
}

// run decodes the input as it is read: each message is decoded once its
// last byte is in. Errors are the ones decoding the whole input at once
// gives, in the same order of precedence: input too large, not hex, no
// input, a message that cannot be cut out (stop), a message that did not
// decode (firstErr). The messages before an error are printed.
func (d *decoder) run(in *decodeInput) error {
	var (
		pending []byte // hex read but not yet decoded
		base    int    // input byte offset of pending[0]
		retryAt int    // decode again once pending holds this many bytes
		total   int    // bytes of hex read
		stop    error
		decided bool // serial or raw is known
	)
	for {
		chunk, eof, err := in.next()
		if err == nil {
			n := len(pending)
			pending, err = in.hex.Append(pending, chunk, eof)
			total += len(pending) - n
			if err != nil {
				err = cantRun(fmt.Errorf("input is not hex: %w", err))
				eof = false // what is cut short stays undecoded
			}
		}
		if stop != nil {
			pending = pending[:0] // read on for errors that take precedence
		} else if !decided && (len(pending) >= 2 || eof) {
			decided = true
			d.isSerial = d.opts.Serial || len(pending) >= 2 && pending[0] == link.DLE && pending[1] == link.STX
		}
		if stop == nil && decided && (eof || err != nil || len(pending) >= retryAt) {
			var used int
			used, stop = d.feed(pending, base, eof)
			pending = append(pending[:0], pending[used:]...)
			base += used
			retryAt = 2 * len(pending)
		}
		if err != nil {
			// Too large, unreadable or not hex: the messages before it
			// stand (a JSON array is closed), nothing after it counts.
			d.drainJSON()
			if d.json != nil && d.json.n > 0 {
				d.json.close()
			}
			return err
		}
		if eof {
			break
		}
	}
	d.drainJSON()
	if total == 0 {
		return &FlagError{errors.New("no input: give hex as arguments or on stdin, e.g. posdoctor decode 06 0F 00")}
	}
	if d.json != nil {
		if err := d.json.close(); err != nil {
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

const (
	// decodeOutBuffer is the size of decode's output buffer.
	decodeOutBuffer = 256 << 10
	// decodeGCPercent is the GC target while decode runs (GOGC=400).
	decodeGCPercent = 400
)

// decoder walks the input and prints each message.
type decoder struct {
	opts     *DecodeOptions
	tr       *zvt.Tracer
	out      *bufio.Writer
	json     *jsonArray    // --json
	pipe     *jsonPipeline // --json: explains on every core, prints in order
	isSerial bool
	scan     *link.SerialScanner // serial: the frames so far
	n        int
	firstErr error // the first message that did not decode; later ones still print
}

// feed decodes the whole messages at the start of data, whose first byte is
// input byte base, and returns how many bytes it used. A message cut short
// by the end of data waits for more unless final.
func (d *decoder) feed(data []byte, base int, final bool) (int, error) {
	if d.isSerial {
		return d.serial(data, final)
	}
	return d.raw(data, base, final)
}

// raw decodes consecutive APDUs.
func (d *decoder) raw(data []byte, base int, final bool) (int, error) {
	off := 0
	for off < len(data) {
		_, n, err := zvt.ReadAPDU(data[off:])
		if err != nil {
			if !final {
				return off, nil // only a short APDU fails: wait for the rest
			}
			return off, messageError(d.n+1, base+off, err)
		}
		d.message(data[off:off+n], base+off, "raw", "")
		off += n
	}
	return off, nil
}

// serial decodes the serial frames terminal/link reads. Its scanner keeps
// a frame that data cuts short until the rest comes, so all of data is
// used; final ends the stream.
func (d *decoder) serial(data []byte, final bool) (int, error) {
	if d.scan == nil {
		d.scan = &link.SerialScanner{Visit: d.frame}
	}
	err := d.scan.Feed(data)
	if err == nil && final {
		err = d.scan.End()
	}
	return len(data), err
}

// frame shows one frame, or a lone ACK/NAK byte.
func (d *decoder) frame(ev link.Event) error {
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
}

func (d *decoder) message(apdu []byte, off int, linkName, crc string) {
	d.n++
	if d.json != nil {
		opts, dir := d.tr.Next("", apdu)
		d.jsonPipe().message(decodedMessage{Index: d.n, Offset: off, Link: linkName, CRC: crc}, apdu, opts, dir)
		return
	}
	if crc != "" {
		fmt.Fprintf(d.out, "# frame %d at byte %d, CRC %s ok\n", d.n, off, crc)
	}
	// A decode error or a write error: either way the first one is the
	// exit status, and the messages after it still print.
	d.note(d.tr.Message(time.Time{}, "", apdu), off)
}

// jsonPipe is --json's pipeline, started with the first message.
func (d *decoder) jsonPipe() *jsonPipeline {
	if d.pipe == nil {
		d.pipe = startJSONPipeline(d.json.addElements, func(index, offset int, err error) {
			if d.firstErr == nil {
				d.firstErr = messageError(index, offset, err)
			}
		})
	}
	return d.pipe
}

// drainJSON waits until every queued message is printed and its error noted.
func (d *decoder) drainJSON() {
	if d.pipe != nil {
		d.pipe.drain()
		d.pipe = nil
	}
}

func (d *decoder) note(err error, off int) {
	if err != nil && d.firstErr == nil {
		d.firstErr = messageError(d.n, off, err)
	}
}

// messageError names the message (1-based index, input byte offset) an
// error is about.
func messageError(index, offset int, err error) error {
	return fmt.Errorf("message %d at input byte %d: %w", index, offset, err)
}

// controlNames are the lone control bytes between serial frames.
var controlNames = map[byte]string{link.ACK: "ack", link.NAK: "nak"}

func (d *decoder) control(c byte, off int) {
	name := controlNames[c]
	if d.json != nil {
		d.jsonPipe().control(decodedMessage{Offset: off, Link: "control", Signal: name,
			View: zvt.View{Type: name, Hex: fmt.Sprintf("%02X", c), Fields: []zvt.Item{}}})
		return
	}
	fmt.Fprintf(d.out, "# %s (%02X) at byte %d\n", strings.ToUpper(name), c, off)
}
