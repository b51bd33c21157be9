package sim

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/posdoctor/posdoctor/terminal/zvt"
)

// traceMu keeps trace lines of many terminals on one writer whole.
var traceMu sync.Mutex

// traceConn writes one line per APDU to w, decoded by zvt.Describe (card
// data masked). open is the last ECR command, so Completions decode right.
type traceConn struct {
	ptConn
	w    io.Writer
	tid  string
	cs   zvt.Charset
	now  func() time.Time
	open zvt.Command
}

func (c *traceConn) line(dir string, apdu []byte) {
	sum, _ := zvt.Describe(apdu, c.open, c.cs)
	traceMu.Lock()
	defer traceMu.Unlock()
	fmt.Fprintf(c.w, "%s %s %s %s\n", c.now().Format("15:04:05.000"), c.tid, dir, sum)
}

func (c *traceConn) Receive(ctx context.Context) ([]byte, error) {
	b, err := c.ptConn.Receive(ctx)
	if err == nil {
		if cmd := cmdOf(b); cmd>>8 != 0x80 && cmd>>8 != 0x84 {
			c.open = cmd
		}
		c.line("ECR→PT", b)
	}
	return b, err
}

func (c *traceConn) Send(ctx context.Context, apdu []byte) error {
	err := c.ptConn.Send(ctx, apdu)
	if err == nil || isClosed(err) {
		c.line("PT→ECR", apdu)
	}
	return err
}

func (t *Terminal) traced(c ptConn) ptConn {
	if t.opts.Trace == nil {
		return c
	}
	return &traceConn{ptConn: c, w: t.opts.Trace, tid: t.sc.Identity.TID, cs: t.cs, now: t.opts.Now}
}

func (c *traceConn) WriteRaw(b []byte) error {
	if w, ok := c.ptConn.(rawWriter); ok {
		return w.WriteRaw(b)
	}
	return nil
}
