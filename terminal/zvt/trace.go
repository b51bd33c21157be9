package zvt

import (
	"fmt"
	"io"
	"time"

	"github.com/posdoctor/posdoctor/terminal"
)

// TraceOptions controls a [Tracer].
type TraceOptions struct {
	// SuppressTimestamps leaves the time column out.
	SuppressTimestamps bool
	// Regress leaves out everything that varies between runs (timestamps)
	// and the hex line, so traces can be compared byte for byte.
	Regress bool
	// Charset decodes text fields (default CP437).
	Charset Charset
	// Unmask shows card data and passwords in full (posdoctor decode
	// --unmask). Never set it for logs.
	Unmask bool
}

// Tracer writes one block per APDU in the style of libpq's trace:
//
//	16:26:46.123456  ecr->pt  06 00  Registration  (20 bytes)
//	  password: "******"
//	  config_byte: 9E (…)
//	  hex: 06 00 14 …
//
// It follows the conversation: the last ECR command is the open command, so a
// Completion after a Status Enquiry is decoded in its own form, and an
// 80 00 / 84 xx is given the direction opposite to the message before it.
// A Tracer is not safe for concurrent use.
type Tracer struct {
	w       io.Writer
	opts    TraceOptions
	open    Command
	service byte
	last    terminal.Direction
	buf     []byte    // Message's, reused
	ex      Explainer // Message's: each view is written out before the next is made
}

// Trace returns a Tracer writing to w.
func Trace(w io.Writer, opts TraceOptions) *Tracer {
	return &Tracer{w: w, opts: opts, ex: Explainer{OmitHex: true}} // Message writes Masked itself
}

// SetOpen sets the open command (and the Status Enquiry service byte) as if
// it had been traced.
func (t *Tracer) SetOpen(c Command, service byte) { t.open, t.service = c, service }

// Open returns the command the tracer takes as running.
func (t *Tracer) Open() Command { return t.open }

// Explain decodes apdu as the next message of the conversation, the way
// Message does, without writing anything: the view's Dir is filled in (from
// dir, the command, or the opposite of the previous message) and the open
// command follows. The view is the caller's to keep.
func (t *Tracer) Explain(dir terminal.Direction, apdu []byte) (View, error) {
	return t.explain(dir, apdu, nil)
}

// explain is Explain, in e's memory when e is not nil.
func (t *Tracer) explain(dir terminal.Direction, apdu []byte, e *Explainer) (View, error) {
	opts, d := t.Next(dir, apdu)
	var view View
	var err error
	if e != nil {
		view, err = e.Explain(apdu, opts)
	} else {
		view, err = Explain(apdu, opts)
	}
	view.Dir = string(d)
	return view, err
}

// Next takes apdu as the next message of the conversation without decoding
// it: it returns the options Explain needs for it and its direction (dir,
// else the command's, else the opposite of the previous message's), and the
// open command follows. The conversation is followed in order; the
// decoding itself may then run anywhere (decode --json explains on every
// core).
func (t *Tracer) Next(dir terminal.Direction, apdu []byte) (ViewOptions, terminal.Direction) {
	opts := ViewOptions{Charset: t.opts.Charset, Unmask: t.opts.Unmask,
		Open: t.open, NoVersion: t.open == CmdStatusEnquiry && t.service&ServiceNoVersion != 0}
	if dir == "" {
		if c, ok := namedCommand(apdu); ok {
			dir = terminal.Direction(dirOf(c))
		}
		if dir == "" {
			switch t.last {
			case terminal.ToTerminal:
				dir = terminal.FromTerminal
			case terminal.FromTerminal:
				dir = terminal.ToTerminal
			}
		}
	}
	t.follow(apdu, dir)
	return opts, dir
}

// Message traces apdu sent in direction dir ("" infers it from the command)
// at time now. It returns the decode error, after tracing the message as
// malformed, or the write error.
func (t *Tracer) Message(now time.Time, dir terminal.Direction, apdu []byte) error {
	view, derr := t.explain(dir, apdu, &t.ex)
	b := t.buf[:0]
	if !t.opts.SuppressTimestamps && !t.opts.Regress {
		b = now.AppendFormat(b, "2006-01-02 15:04:05.000000")
		b = append(b, "  "...)
	}
	d := view.Dir
	if d == "" {
		d = "?"
	}
	name := view.Name
	if view.Type == "status_completion" {
		name += " (Status Enquiry)"
	}
	cmd := view.Command
	if cmd == "" {
		cmd = "?? ??"
	}
	b = fmt.Appendf(b, "%-7s  %s  %s  (%d bytes)\n", d, cmd, name, view.Length)
	if derr != nil {
		b = append(b, "  error: "...)
		b = append(b, derr.Error()...)
		b = append(b, '\n')
	} else {
		b = appendItems(b, view.Fields, 0)
	}
	if !t.opts.Regress || derr != nil {
		b = append(b, "  hex: "...)
		b = AppendHex(b, t.ex.Masked())
		b = append(b, '\n')
	}
	t.buf = b // kept for the next message
	if _, err := t.w.Write(b); err != nil {
		return err
	}
	return derr
}

// follow updates the open command and the last direction.
func (t *Tracer) follow(apdu []byte, dir terminal.Direction) {
	t.last = dir
	a, _, err := ReadAPDU(apdu)
	if err != nil {
		return
	}
	c := a.Command()
	switch {
	case c == CmdAck || a.Class == 0x84:
	case c == CmdCompletion || c == CmdAbortPT:
		// master rights go back to the ECR; keep open for a repeated
		// Completion.
	case isPTCommand(c):
	case commandNames[c] != "" || dir == terminal.ToTerminal:
		t.open, t.service = c, 0
		if c == CmdStatusEnquiry {
			var se StatusEnquiry
			if se.Decode(apdu) == nil {
				t.service = se.Service()
			}
		}
	}
}
